/**
 * Unread counting: the one rule, used by the client core, the renderer (window title, list)
 * and the desktop shell (dock badge, tray). The server's unread SQL is tested against
 * `countUnread`.
 */
import type { Conversation, Message } from '../protocol/models.js';

/** A member's read position: who they are and the highest seq they have read. */
export interface ReadPosition {
  id: string;
  readSeq: number;
}

/**
 * Whether `message` is unread for `member`: it comes after their read position, someone
 * else sent it, and it was not deleted (a tombstone has nothing left to read). System and
 * call records count like any other message.
 */
export function countsAsUnread(
  message: Pick<Message, 'seq' | 'senderId' | 'deletedAt'>,
  member: ReadPosition,
): boolean {
  return message.seq > member.readSeq && message.senderId !== member.id && !message.deletedAt;
}

/**
 * The unread count of one member in one conversation, from its messages (any order, any
 * subset: only those given are counted). The server's `unreadCount` must equal this over
 * all of the conversation's messages.
 */
export function countUnread(
  messages: readonly Pick<Message, 'seq' | 'senderId' | 'deletedAt'>[],
  member: ReadPosition,
): number {
  let n = 0;
  for (const message of messages) if (countsAsUnread(message, member)) n++;
  return n;
}

/**
 * The total shown outside a conversation (window title, dock badge, tray): the sum of
 * every conversation's unread count except muted ones. Muted conversations still show their
 * own count in the list (greyed), but never add to the total: a muted group must not keep a
 * badge lit that the user cannot clear without reading it.
 */
export function totalUnread(
  conversations: readonly Pick<Conversation, 'id' | 'unreadCount'>[],
  mutedConversationIds: Iterable<string> = [],
): number {
  const muted = new Set(mutedConversationIds);
  let total = 0;
  for (const conversation of conversations) {
    if (!muted.has(conversation.id)) total += Math.max(0, conversation.unreadCount);
  }
  return total;
}

/** A count as a badge shows it: "" for none, capped at "99+". */
export function unreadBadge(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}
