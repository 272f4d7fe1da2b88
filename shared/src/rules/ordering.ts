/** Conversation order: the one comparison used by the client core and the list. */
import type { Conversation } from '../protocol/models.js';

/** The instant a conversation is ordered by: its last message, else its creation. */
export function activityTime(conversation: Pick<Conversation, 'lastMessage' | 'createdAt'>): number {
  const at = Date.parse(conversation.lastMessage?.createdAt ?? conversation.createdAt);
  return Number.isNaN(at) ? 0 : at;
}

/**
 * Most recent activity first; equal activity by id, so the order never depends on the order
 * things arrived in (two devices, or the list and a live event, agree).
 */
export function compareConversations(
  a: Pick<Conversation, 'id' | 'lastMessage' | 'createdAt'>,
  b: Pick<Conversation, 'id' | 'lastMessage' | 'createdAt'>,
): number {
  const byActivity = activityTime(b) - activityTime(a);
  if (byActivity !== 0) return byActivity;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A sorted copy (see `compareConversations`). */
export function sortConversations<T extends Pick<Conversation, 'id' | 'lastMessage' | 'createdAt'>>(
  list: readonly T[],
): T[] {
  return [...list].sort(compareConversations);
}
