/** What a conversation is called, everywhere (list, header, notifications, notices). */
import type { Conversation, User } from '../protocol/models.js';
import { joinNames } from './text.js';

/** The name a user is shown under: the display name, else the username; "Deleted user" once deactivated. */
export function userName(user: Pick<User, 'displayName' | 'username' | 'deactivated'>): string {
  if (user.deactivated) return 'Deleted user';
  return user.displayName || user.username;
}

/** The other member of a direct conversation (null for groups and notes-to-self). */
export function directPeer<M extends User>(
  conversation: Pick<Conversation, 'type'> & { members: readonly M[] },
  meId: string | null | undefined,
): M | null {
  if (conversation.type !== 'direct') return null;
  return conversation.members.find((m) => m.id !== meId) ?? null;
}

/**
 * The title of a conversation. A group: its title; an untitled group (a v1.1 server lets
 * admins clear it, older clients could create one): the other members' names, "Alice, Bob and
 * 2 others", or "Group" when nobody else is left. A direct conversation: the other member's
 * name, or "Direct chat" when the peer is unknown.
 */
export function conversationTitle(
  conversation: Pick<Conversation, 'type' | 'title' | 'members'>,
  meId: string | null | undefined,
): string {
  if (conversation.type === 'group') {
    if (conversation.title) return conversation.title;
    const others = conversation.members.filter((m) => m.id !== meId).map(userName);
    return joinNames(others) || 'Group';
  }
  const peer = directPeer(conversation, meId);
  return peer ? userName(peer) : conversation.title || 'Direct chat';
}

/** The first name a group shows next to a message or typing: "Alice Martin" → "Alice". */
export function shortName(user: Pick<User, 'displayName' | 'username' | 'deactivated'> | undefined): string {
  if (!user) return 'Someone';
  return userName(user).split(' ')[0] || userName(user);
}
