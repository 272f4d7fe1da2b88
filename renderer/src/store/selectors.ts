import type { ClientState, Conversation, MessageWindow, User } from '@parley/shared';
import { totalUnread } from '@parley/shared';

/** Selectors over ClientState. Each returns a part of the snapshot (stable identity) or a primitive. */
export const selectSession = (s: ClientState) => s.session;
export const selectMe = (s: ClientState): User | null =>
  s.session.status === 'signed-in' ? s.session.user : null;
export const selectConnection = (s: ClientState) => s.connection;
export const selectCatchUp = (s: ClientState) => s.catchUp;
export const selectConversations = (s: ClientState) => s.conversations;
export const selectPresence = (s: ClientState) => s.presence;
export const selectMessages = (s: ClientState) => s.messages;
export const selectTyping = (s: ClientState) => s.typing;
export const selectReads = (s: ClientState) => s.reads;
export const selectCall = (s: ClientState) => s.call;
export const selectServer = (s: ClientState) => s.server;
export const selectNotices = (s: ClientState) => s.notices;

export const selectConversation =
  (id: string | null) =>
  (s: ClientState): Conversation | null =>
    id == null ? null : (s.conversations.find((c) => c.id === id) ?? null);

export const selectWindow =
  (id: string | null) =>
  (s: ClientState): MessageWindow | undefined =>
    id == null ? undefined : s.messages[id];

/**
 * Total unread messages for the window title, by the one unread rule: muted conversations
 * are left out, as from the desktop badge. Memoise the selector per set of muted ids.
 */
export const selectTotalUnread =
  (mutedConversationIds: Iterable<string>) =>
  (s: ClientState): number =>
    totalUnread(s.conversations, mutedConversationIds);

/** True while a call is ringing or in progress (the call buttons are disabled then). */
export const selectCallBusy = (s: ClientState): boolean => s.call != null && s.call.phase !== 'ended';
