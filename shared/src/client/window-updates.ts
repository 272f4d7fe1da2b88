/**
 * Pure, immutable updates of message windows (`ClientState.messages[id]`): merging stored
 * messages, the outbox's pending rows and pending changes, and where a window's history
 * stops. Same contract as state-updates.ts: the same object when nothing changed.
 */
import type { Message } from '../protocol/models.js';
import type { MessageView, MessageWindow } from './state.js';
import { isSend, type OutboxEntry, type OutboxSend } from './outbox.js';

/** Whether `next` is a newer (or the same) state of a message than `held`, by version. */
export function isSameOrNewer(next: Pick<Message, 'version'>, held: Pick<Message, 'version'>): boolean {
  return next.version == null || held.version == null || next.version >= held.version;
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
    ...(entry.replyToId ? { replyToId: entry.replyToId } : {}),
    ...(entry.attachments?.length ? { attachments: entry.attachments } : {}),
    createdAt: entry.createdAt,
    status: entry.status,
  };
}

/** Whether a held row shows exactly this stored message (body, version, edit, deletion, reactions). */
export function sameStored(a: MessageView, b: Message): boolean {
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
