/** Which conversations a member's list shows: the one rule for the list and the quick switcher. */
import type { Conversation } from '../protocol/models.js';

/**
 * An empty direct conversation is listed only for the person who started it: picking someone
 * in "New chat" must not put "No messages yet" in their list before anything is said (issue
 * 12, bug 11). It appears for them with its first message (or call record). A server that does
 * not send `createdBy` gets every conversation listed, as before.
 */
export function isListedConversation(
  conversation: Pick<Conversation, 'type' | 'lastSeq' | 'lastMessage' | 'createdBy'>,
  meId: string,
): boolean {
  if (conversation.type !== 'direct') return true;
  if (conversation.lastSeq > 0 || conversation.lastMessage) return true;
  return conversation.createdBy == null || conversation.createdBy === meId;
}
