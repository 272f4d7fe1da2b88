/**
 * Pure, immutable updates of the client state. Each returns the same object when nothing
 * changed and otherwise a new object along the changed path only, so snapshots can be
 * compared by identity (React, memoised selectors, IPC diffing).
 */
import type { Conversation, Message, User } from '../protocol/models.js';
import { activityTime as activity, sortConversations } from '../rules/ordering.js';
import { countsAsUnread } from '../rules/unread.js';
import type { ClientState, MessageView, MessageWindow, Presence } from './state.js';
import { isSend, type OutboxEntry, type OutboxSend } from './outbox.js';

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

/** Whether `next` is a newer (or the same) state of a message than `held`, by version. */
export function isSameOrNewer(next: Pick<Message, 'version'>, held: Pick<Message, 'version'>): boolean {
  return next.version == null || held.version == null || next.version >= held.version;
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

/**
 * The highest seq the window holds without a hole after its first stored message: catch-up
 * continues after it. An empty window holds nothing yet (0), so catch-up starts at seq 1.
 */
export function heldSeq(window: MessageWindow | undefined): number {
  if (!window) return 0;
  let held = 0;
  for (const item of window.items) {
    if (item.status !== 'sent') break;
    if (held !== 0 && item.seq !== held + 1) break;
    held = item.seq;
  }
  return held;
}

export function toView(message: Message): MessageView {
  return { ...message, status: 'sent' };
}

/** An outbox entry as the message list shows it. `seq` is 0 until the server assigns one. */
export function outboxView(entry: OutboxSend, myUserId: string): MessageView {
  return {
    id: entry.clientId,
    conversationId: entry.conversationId,
    seq: 0,
    senderId: myUserId,
    clientId: entry.clientId,
    kind: 'text',
    body: entry.body,
    createdAt: entry.createdAt,
    status: entry.status,
  };
}

function sameStored(a: MessageView, b: Message): boolean {
  return (
    a.id === b.id &&
    a.body === b.body &&
    (a.version ?? null) === (b.version ?? null) &&
    (a.editedAt ?? null) === (b.editedAt ?? null) &&
    (a.deletedAt ?? null) === (b.deletedAt ?? null) &&
    JSON.stringify(a.reactions ?? []) === JSON.stringify(b.reactions ?? [])
  );
}

/**
 * Merges stored messages into a window: deduplicated by seq (a newer copy of the same
 * message, e.g. edited, replaces the old one), kept in seq order, and any local
 * pending/failed item with the same clientId as a stored message of ours is dropped.
 * Returns the messages that were not in the window before.
 */
export function mergeStoredMessages(
  window: MessageWindow,
  messages: readonly Message[],
  myUserId: string,
): { window: MessageWindow; inserted: Message[] } {
  if (messages.length === 0) return { window, inserted: [] };
  const sent: MessageView[] = [];
  const local: MessageView[] = [];
  for (const item of window.items) (item.status === 'sent' ? sent : local).push(item);

  const storedOwnClientIds = new Set(messages.filter((m) => m.senderId === myUserId).map((m) => m.clientId));
  const keptLocal = local.filter((item) => !storedOwnClientIds.has(item.clientId));

  const bySeq = new Map(sent.map((m) => [m.seq, m]));
  const inserted: Message[] = [];
  let changed = keptLocal.length !== local.length;
  for (const message of messages) {
    const existing = bySeq.get(message.seq);
    // An older copy (a late event after a newer catch-up page) never replaces a newer one, and
    // the same version never hides a change of ours still waiting in the outbox.
    if (
      existing &&
      (sameStored(existing, message) ||
        !isSameOrNewer(message, existing) ||
        (existing.pendingChange && message.version === existing.version))
    )
      continue;
    if (!existing) inserted.push(message);
    bySeq.set(message.seq, toView(message));
    changed = true;
  }
  if (!changed) return { window, inserted };

  const last = sent[sent.length - 1];
  let nextSent: MessageView[];
  if (inserted.length === messages.length && last && isAscendingAfter(messages, last.seq)) {
    // The common case (new messages at the end) needs no sort.
    nextSent = [...sent, ...messages.map(toView)];
  } else {
    nextSent = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return { window: { ...window, items: [...nextSent, ...keptLocal] }, inserted };
}

function isAscendingAfter(messages: readonly Message[], after: number): boolean {
  let previous = after;
  for (const m of messages) {
    if (m.seq <= previous) return false;
    previous = m.seq;
  }
  return true;
}

/**
 * Shows an edit, delete or reaction waiting in the outbox on the row it changes, as if done.
 * Idempotent (a reaction is set, not toggled), so it can be applied again after any merge.
 */
export function applyPendingChange(item: MessageView, entry: OutboxEntry, myUserId: string): MessageView {
  if (item.status !== 'sent' || isSend(entry) || item.id !== entry.messageId) return item;
  switch (entry.op) {
    case 'edit':
      if (item.deletedAt || item.body === entry.body) return item;
      return { ...item, body: entry.body, editedAt: item.editedAt ?? entry.createdAt, pendingChange: true };
    case 'delete':
      if (item.deletedAt) return item;
      return {
        ...item,
        body: '',
        deletedAt: entry.createdAt,
        reactions: null,
        attachments: null,
        pendingChange: true,
      };
    case 'react': {
      const reactions = item.reactions ?? [];
      const current = reactions.find((r) => r.emoji === entry.emoji);
      if (!!current?.userIds.includes(myUserId) === entry.on) return item;
      const next = entry.on
        ? current
          ? reactions.map((r) => (r === current ? { ...r, userIds: [...r.userIds, myUserId] } : r))
          : [...reactions, { emoji: entry.emoji, userIds: [myUserId] }]
        : reactions
            .map((r) => (r === current ? { ...r, userIds: r.userIds.filter((id) => id !== myUserId) } : r))
            .filter((r) => r.userIds.length > 0);
      return { ...item, reactions: next, pendingChange: true };
    }
  }
}

/** Applies every pending change of `entries` to the window (same object when none applies). */
export function applyPendingChanges(
  window: MessageWindow,
  entries: readonly OutboxEntry[],
  myUserId: string,
): MessageWindow {
  const changes = entries.filter((e) => !isSend(e));
  if (changes.length === 0) return window;
  let changed = false;
  const items = window.items.map((item) => {
    let next = item;
    for (const entry of changes) next = applyPendingChange(next, entry, myUserId);
    if (next !== item) changed = true;
    return next;
  });
  return changed ? { ...window, items } : window;
}

/** Replaces the window's pending/failed tail by the given outbox entries (in outbox order). */
export function setLocalTail(
  window: MessageWindow,
  entries: readonly OutboxEntry[],
  myUserId: string,
): MessageWindow {
  const sent = window.items.filter((item) => item.status === 'sent');
  const local = window.items.slice(sent.length);
  const stored = new Set(sent.filter((m) => m.senderId === myUserId).map((m) => m.clientId));
  // Only sends are new rows; edits, deletes and reactions change rows that exist.
  const tail = entries.filter((e): e is OutboxSend => isSend(e) && !stored.has(e.clientId));
  const unchanged =
    tail.length === local.length &&
    tail.every((entry, i) => {
      const item = local[i];
      return item !== undefined && item.clientId === entry.clientId && item.status === entry.status;
    });
  if (unchanged) return window;
  return { ...window, items: [...sent, ...tail.map((e) => outboxView(e, myUserId))] };
}

/** A window built from one page of history, with the outbox shown (its tail and pending changes). */
export function newWindow(
  messages: readonly Message[],
  entries: readonly OutboxEntry[],
  myUserId: string,
): MessageWindow {
  const sorted = dedupeBySeq(messages);
  const first = sorted[0];
  const window: MessageWindow = {
    items: sorted.map(toView),
    hasOlder: first !== undefined && first.seq > 1,
    loadingOlder: false,
  };
  return setLocalTail(applyPendingChanges(window, entries, myUserId), entries, myUserId);
}

function dedupeBySeq(messages: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of messages) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
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
  const current = state.reads[conversationId]?.[userId] ?? -1;
  if (seq <= current) return state;
  return {
    ...state,
    reads: { ...state.reads, [conversationId]: { ...state.reads[conversationId], [userId]: seq } },
  };
}

/**
 * Read positions carried by a conversation's members (v1.1 `members[].readSeq`), so read
 * ticks survive a reload and show on a second device. The current user is left out (their
 * own position is the conversation's `readSeq`); never moves a receipt backwards.
 */
export function readsFromMembers(
  state: ClientState,
  conversation: Conversation,
  myUserId: string,
): ClientState {
  let next = state;
  for (const member of conversation.members) {
    if (member.id === myUserId || member.readSeq == null || member.readSeq <= 0) continue;
    next = setReadReceipt(next, conversation.id, member.id, member.readSeq);
  }
  return next;
}

/**
 * Read receipts implied by messages: whoever posted a message has read everything up to it
 * (the server moves a sender's read position to their own message without a `messages:read`
 * event). Never moves a receipt backwards; the current user is left out.
 */
export function readsFromMessages(
  state: ClientState,
  conversationId: string,
  messages: readonly Message[],
  myUserId: string,
): ClientState {
  let next = state;
  for (const message of messages) {
    if (message.senderId === myUserId || message.seq <= 0) continue;
    next = setReadReceipt(next, conversationId, message.senderId, message.seq);
  }
  return next;
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
