import type { User } from '@parley/shared';
import { typingText } from '../i18n/rules';

/**
 * Who is typing, and where the app says so. One home per context, as Signal and Element do:
 * - the open chat: one line above the composer ("Alice is typing…"), nowhere else (not in the
 *   header's subtitle, not in its own row of the list);
 * - the conversation list: the row's preview ("typing…"), for chats that are not open.
 * Every place that shows typing asks this module, so the rule lives here only.
 */

interface TypingConversation {
  id: string;
  type: 'direct' | 'group';
  members: readonly User[];
}

/** The line above the composer of the open chat, or null. */
export function chatTypingText(
  conversation: TypingConversation,
  typerIds: readonly string[] | undefined,
  meId: string | null | undefined,
): string | null {
  return typingText(conversation, typerIds ?? [], meId);
}

/**
 * A conversation row's preview while someone types, or null: always null for the open chat,
 * whose own indicator already says it.
 */
export function rowTypingText(
  conversation: TypingConversation,
  typerIds: readonly string[] | undefined,
  meId: string | null | undefined,
  openConversationId: string | null,
): string | null {
  if (conversation.id === openConversationId) return null;
  return typingText(conversation, typerIds ?? [], meId, true);
}
