/**
 * Pure, immutable updates of the client state. Each returns the same object when nothing
 * changed and otherwise a new object along the changed path only, so snapshots can be
 * compared by identity (React, memoised selectors, IPC diffing).
 */
import type { Conversation, Message, User } from '../protocol/models.js';
import { activityTime as activity, sortConversations } from '../rules/ordering.js';
import { countsAsUnread } from '../rules/unread.js';
import type { ClientState, MessageWindow, Presence } from './state.js';
import { heldSeq, isSameOrNewer, sameStored, toView } from './window-updates.js';

// Window updates live in window-updates.ts; re-exported so callers have one import.
export * from './window-updates.js';

export { sortConversations };

/** Replaces or adds conversations by id, keeping the list sorted. */
export function upsertConversations(
  list: readonly Conversation[],
  updates: readonly Conversation[],
): Conversation[] {
  if (updates.length === 0) return list as Conversation[];
  const byId = new Map(updates.map((c) => [c.id, c]));
  const next = list.map((c) => byId.get(c.id) ?? c);
  for (const c of updates) if (!list.some((old) => old.id === c.id)) next.push(c);
  return sortConversations(next);
}

/**
 * Applies a stored message to a conversation summary. A message newer than the summary's
 * `lastSeq` becomes its last message and counts as unread by the unread rule; seen twice (live
 * and again in catch-up, or in the send ack and in `message:new`) it is never counted twice.
 * A newer version of the last message (edited, deleted, reacted to) replaces it in place,
 * and a deletion of an unread message takes it off the count.
 */
export function applyMessageToConversation(
  conversation: Conversation,
  message: Message,
  myUserId: string,
  previous?: Message,
): Conversation {
  const me = { id: myUserId, readSeq: conversation.readSeq };
  const version = Math.max(conversation.version ?? 0, message.version ?? 0);
  const withVersion = (c: Conversation): Conversation =>
    conversation.version == null && message.version == null ? c : { ...c, version };
  if (message.seq > conversation.lastSeq) {
    return withVersion({
      ...conversation,
      lastMessage: message,
      lastSeq: message.seq,
      unreadCount: conversation.unreadCount + (countsAsUnread(message, me) ? 1 : 0),
    });
  }
  const last = conversation.lastMessage;
  const isLast = last?.id === message.id;
  const deletedNow = !!message.deletedAt && !(previous ?? (isLast ? last : undefined))?.deletedAt;
  // A summary at a version that includes the deletion already counted it out (the server
  // counts by the same rule): only a deletion newer than the summary changes the count.
  const newerThanSummary =
    message.version == null || conversation.version == null || message.version > conversation.version;
  const unreadDrop =
    deletedNow && newerThanSummary && countsAsUnread({ ...message, deletedAt: null }, me) ? 1 : 0;
  const replaceLast = isLast && last && isSameOrNewer(message, last) && !sameStored(toView(last), message);
  if (!replaceLast && unreadDrop === 0 && version === (conversation.version ?? 0)) return conversation;
  return withVersion({
    ...conversation,
    ...(replaceLast ? { lastMessage: message } : {}),
    unreadCount: Math.max(0, conversation.unreadCount - unreadDrop),
  });
}

/**
 * The unread count after the user read up to `seq`. Exact when the loaded window covers
 * everything after `seq`; otherwise the best bound the summary allows.
 */
export function unreadAfterRead(
  conversation: Conversation,
  window: MessageWindow | undefined,
  seq: number,
  myUserId: string,
): number {
  if (seq >= conversation.lastSeq) return 0;
  const sent = window?.items.filter((m) => m.status === 'sent') ?? [];
  const first = sent[0];
  if (first && first.seq <= seq + 1 && heldSeq(window) >= conversation.lastSeq) {
    return sent.filter((m) => m.seq > seq && m.senderId !== myUserId).length;
  }
  return Math.min(conversation.unreadCount, conversation.lastSeq - seq);
}

/** Marks a conversation read up to `seq` (never backwards). */
export function applyRead(
  conversation: Conversation,
  window: MessageWindow | undefined,
  seq: number,
  myUserId: string,
): Conversation {
  if (seq <= conversation.readSeq) return conversation;
  const unreadCount = unreadAfterRead(conversation, window, seq, myUserId);
  return { ...conversation, readSeq: seq, unreadCount: Math.min(unreadCount, conversation.unreadCount) };
}

export function presenceOf(user: User): Presence | null {
  if (user.online == null) return null;
  return { online: user.online, lastSeenAt: user.lastSeenAt ?? null };
}

/**
 * Takes presence from conversation members (where the server included it). `keepLive` lists
 * users whose presence came from a live `user:online`/`user:offline` after the snapshot was
 * requested: the server computed the snapshot before that event, so the event is newer and
 * stays (otherwise a conversation created while someone connects would show them offline).
 */
export function presenceFromConversations(
  presence: Record<string, Presence>,
  conversations: readonly Conversation[],
  myUserId: string,
  keepLive: ReadonlySet<string> = new Set(),
): Record<string, Presence> {
  let next = presence;
  for (const conversation of conversations) {
    for (const member of conversation.members) {
      if (member.id === myUserId || keepLive.has(member.id)) continue;
      const p = presenceOf(member);
      const current = next[member.id];
      if (p === null) {
        if (current === undefined) {
          if (next === presence) next = { ...presence };
          next[member.id] = { online: false, lastSeenAt: null };
        }
        continue;
      }
      if (current && current.online === p.online && current.lastSeenAt === p.lastSeenAt) continue;
      if (next === presence) next = { ...presence };
      next[member.id] = p;
    }
  }
  return next;
}

export function setPresence(state: ClientState, userId: string, presence: Presence): ClientState {
  const current = state.presence[userId];
  if (current && current.online === presence.online && current.lastSeenAt === presence.lastSeenAt)
    return state;
  return { ...state, presence: { ...state.presence, [userId]: presence } };
}

export function setTypingUser(
  state: ClientState,
  conversationId: string,
  userId: string,
  typing: boolean,
): ClientState {
  const current = state.typing[conversationId] ?? [];
  const has = current.includes(userId);
  if (has === typing) return state;
  const nextList = typing ? [...current, userId] : current.filter((id) => id !== userId);
  const nextTyping = { ...state.typing };
  if (nextList.length === 0) delete nextTyping[conversationId];
  else nextTyping[conversationId] = nextList;
  return { ...state, typing: nextTyping };
}

export function setReadReceipt(
  state: ClientState,
  conversationId: string,
  userId: string,
  seq: number,
): ClientState {
  return setReadReceipts(state, [{ conversationId, userId, seq }]);
}

/** A member's read position in a conversation. */
export interface ReadReceipt {
  conversationId: string;
  userId: string;
  seq: number;
}

/**
 * Applies many read receipts at once (never backwards). The maps are copied once per batch,
 * not once per receipt: a list of 1,000 conversations used to copy the whole `reads` map
 * once per conversation (O(n²), 113 ms at start).
 */
export function setReadReceipts(state: ClientState, receipts: Iterable<ReadReceipt>): ClientState {
  let reads: ClientState['reads'] | null = null;
  const copied = new Set<string>();
  for (const { conversationId, userId, seq } of receipts) {
    const current = (reads ?? state.reads)[conversationId]?.[userId] ?? -1;
    if (seq <= current) continue;
    reads ??= { ...state.reads };
    if (!copied.has(conversationId)) {
      copied.add(conversationId);
      reads[conversationId] = { ...reads[conversationId] };
    }
    reads[conversationId]![userId] = seq;
  }
  return reads ? { ...state, reads } : state;
}

/**
 * Read positions carried by a conversation's members (v1.1 `members[].readSeq`), so read
 * ticks survive a reload and show on a second device. The current user is left out (their
 * own position is the conversation's `readSeq`); never moves a receipt backwards.
 */
export function memberReceipts(conversation: Conversation, myUserId: string): ReadReceipt[] {
  const receipts: ReadReceipt[] = [];
  for (const member of conversation.members) {
    if (member.id === myUserId || member.readSeq == null || member.readSeq <= 0) continue;
    receipts.push({ conversationId: conversation.id, userId: member.id, seq: member.readSeq });
  }
  return receipts;
}

export function readsFromMembers(
  state: ClientState,
  conversation: Conversation,
  myUserId: string,
): ClientState {
  return setReadReceipts(state, memberReceipts(conversation, myUserId));
}

/**
 * Read receipts implied by messages: whoever posted a message has read everything up to it
 * (the server moves a sender's read position to their own message without a `messages:read`
 * event). Never moves a receipt backwards; the current user is left out.
 */
export function messageReceipts(
  conversationId: string,
  messages: readonly Message[],
  myUserId: string,
): ReadReceipt[] {
  const receipts: ReadReceipt[] = [];
  for (const message of messages) {
    if (message.senderId === myUserId || message.seq <= 0) continue;
    receipts.push({ conversationId, userId: message.senderId, seq: message.seq });
  }
  return receipts;
}

export function readsFromMessages(
  state: ClientState,
  conversationId: string,
  messages: readonly Message[],
  myUserId: string,
): ClientState {
  return setReadReceipts(state, messageReceipts(conversationId, messages, myUserId));
}

export function setWindow(state: ClientState, conversationId: string, window: MessageWindow): ClientState {
  if (state.messages[conversationId] === window) return state;
  return { ...state, messages: { ...state.messages, [conversationId]: window } };
}

/** Replaces one conversation (by id) and re-sorts if its activity changed. */
export function replaceConversation(state: ClientState, next: Conversation): ClientState {
  const index = state.conversations.findIndex((c) => c.id === next.id);
  const previous = state.conversations[index];
  if (index === -1 || previous === undefined)
    return { ...state, conversations: sortConversations([...state.conversations, next]) };
  if (previous === next) return state;
  const list = [...state.conversations];
  list[index] = next;
  return { ...state, conversations: activity(previous) === activity(next) ? list : sortConversations(list) };
}
