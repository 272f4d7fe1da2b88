import type { MessageView } from '@parley/shared';
import { dayKey } from './format';

/** Consecutive messages from one sender within this window form a group. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * One row of the message list. Day separators and the "New messages" divider ride on the
 * message row they precede instead of being rows of their own: the virtualised list keys its
 * scroll anchor on item indices, and one row per message keeps the index of every message
 * stable when older pages are prepended (see `firstItemIndexFor`).
 */
export interface MessageRow {
  key: string;
  message: MessageView;
  mine: boolean;
  /** Show a day separator above this row. */
  dayBreak: boolean;
  /** Show the "New messages" divider above this row. */
  unreadBreak: boolean;
  /**
   * First / last message of a group from one sender (avatar and name on the first, tail on the
   * last), or of a run of call records (the last one offers "Call back").
   */
  groupStart: boolean;
  groupEnd: boolean;
}

function isStored(m: MessageView): boolean {
  return m.status === 'sent';
}

/**
 * Whether `b` continues `a`'s group: text from one sender within the window, or call records
 * in a row (a run of calls reads as one block with one "Call back", not six).
 */
function groupable(a: MessageView, b: MessageView): boolean {
  if (a.kind === 'call' && b.kind === 'call') return dayKey(a.createdAt) === dayKey(b.createdAt);
  if (a.kind !== 'text' || b.kind !== 'text') return false;
  if (a.senderId !== b.senderId) return false;
  if (dayKey(a.createdAt) !== dayKey(b.createdAt)) return false;
  return Math.abs(Date.parse(b.createdAt) - Date.parse(a.createdAt)) <= GROUP_WINDOW_MS;
}

/**
 * Builds the list rows. `unreadAfterSeq` is the read position when the conversation was
 * opened: the divider goes above the first stored message from someone else after it.
 */
export function buildMessageRows(
  items: readonly MessageView[],
  meId: string,
  unreadAfterSeq: number | null,
): MessageRow[] {
  const rows: MessageRow[] = [];
  let unreadPlaced = false;
  for (let i = 0; i < items.length; i++) {
    const m = items[i];
    if (!m) continue;
    const prev = i > 0 ? items[i - 1] : undefined;
    const next = items[i + 1];
    const dayBreak = !prev || dayKey(prev.createdAt) !== dayKey(m.createdAt);
    let unreadBreak = false;
    if (
      !unreadPlaced &&
      unreadAfterSeq != null &&
      isStored(m) &&
      m.seq > unreadAfterSeq &&
      m.senderId !== meId
    ) {
      unreadBreak = true;
      unreadPlaced = true;
    }
    const startsGroup = !prev || dayBreak || unreadBreak || !groupable(prev, m);
    const nextUnreadBreak =
      !unreadPlaced &&
      next !== undefined &&
      unreadAfterSeq != null &&
      isStored(next) &&
      next.seq > unreadAfterSeq &&
      next.senderId !== meId;
    const endsGroup =
      !next || dayKey(next.createdAt) !== dayKey(m.createdAt) || nextUnreadBreak || !groupable(m, next);
    rows.push({
      key: m.clientId || m.id,
      message: m,
      mine: m.senderId === meId,
      dayBreak,
      unreadBreak,
      groupStart: startsGroup,
      groupEnd: endsGroup,
    });
  }
  return rows;
}

/**
 * Virtuoso's `firstItemIndex` for a window. Stored messages have contiguous seqs, so using
 * the first stored seq makes a prepended page of N messages lower the index by exactly N,
 * which is what keeps the scroll position still. Pending-only windows use the seq the first
 * message will get, so the index does not jump when it is acknowledged.
 */
export function firstItemIndexFor(items: readonly MessageView[], lastSeq: number): number {
  const firstStored = items.find(isStored);
  // Virtuoso needs a non-negative index; seqs start at 1.
  return Math.max(0, firstStored ? firstStored.seq : lastSeq + 1);
}

/** The highest stored seq in the window (what the user has on screen when at the bottom). */
/** The seq of the oldest stored (not pending) message loaded, 0 when none is. */
export function firstStoredSeq(items: readonly MessageView[]): number {
  for (const m of items) if (isStored(m)) return m.seq;
  return 0;
}

export function lastStoredSeq(items: readonly MessageView[]): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i];
    if (m && isStored(m)) return m.seq;
  }
  return 0;
}
