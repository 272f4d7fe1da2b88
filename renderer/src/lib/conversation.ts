import type { Conversation } from '@parley/shared';
import { t } from '../i18n';
import { describeCall, shortName } from '../i18n/rules';

// The product rules (titles, ordering, presence, call records) live in @parley/shared's
// rules/, shared with the client core and the desktop shell; re-exported here for the UI.
// Those that produce words come in the UI language from ../i18n/rules.
export {
  activityTime,
  directPeer,
  isListedConversation,
  sortConversations as sortByActivity,
  visiblePresence,
} from '@parley/shared';
export { conversationTitle, describeCall } from '../i18n/rules';

/** Case- and accent-insensitive match of the filter text against the title and member names. */
export function matchesFilter(conversation: Conversation, title: string, query: string): boolean {
  const q = normalise(query.trim());
  if (!q) return true;
  if (normalise(title).includes(q)) return true;
  return conversation.members.some((m) => normalise(m.displayName).includes(q) || m.username.includes(q));
}

function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The one-line preview under a conversation's name. */
export function previewText(conversation: Conversation, meId: string): string {
  const m = conversation.lastMessage;
  if (!m) return conversation.type === 'group' ? t('sidebar.groupCreated') : t('sidebar.noMessagesYet');
  if (m.deletedAt) return t('messages.deleted');
  if (m.kind === 'call') return describeCall(m, meId).text;
  const body = m.body.replace(/\s+/g, ' ').trim();
  // A system line already names who did it ("Alice renamed the group…").
  if (m.kind === 'system') return body;
  if (m.senderId === meId) return t('sidebar.previewYou', { body });
  if (conversation.type === 'group') {
    const sender = conversation.members.find((u) => u.id === m.senderId);
    if (sender) return t('sidebar.previewSender', { name: shortName(sender), body });
  }
  return body;
}
