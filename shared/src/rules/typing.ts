/** Typing: when to repeat our own signal, and how others' typing reads. */
import type { User } from '../protocol/models.js';
import { joinNames } from './text.js';
import { shortName } from './titles.js';

/** While typing, `typing:start` is repeated at most this often (the server expires one after ~6 s). */
export const TYPING_REPEAT_MS = 3000;
/** The composer says `typing:stop` after this long without a keystroke. */
export const TYPING_IDLE_MS = 4000;

/** Whether a `typing:start` should go out now, given when the last one went (undefined: none). */
export function shouldRepeatTyping(lastSentAt: number | undefined, now: number): boolean {
  return lastSentAt === undefined || now - lastSentAt >= TYPING_REPEAT_MS;
}

/**
 * What to show for the users typing in a conversation (the current user left out), or null.
 * `compact` is the conversation list's form: "typing…" in a direct chat, "3 people are
 * typing…" instead of names.
 */
export function typingText(
  conversation: { type: 'direct' | 'group'; members: readonly User[] },
  typerIds: readonly string[],
  meId: string | null | undefined,
  compact = false,
): string | null {
  const typers = typerIds.filter((id) => id !== meId);
  if (typers.length === 0) return null;
  if (compact && conversation.type === 'direct') return 'typing…';
  const names = typers.map((id) => shortName(conversation.members.find((m) => m.id === id)));
  if (names.length === 1) return `${names[0]} is typing…`;
  if (compact || names.length > 3)
    return names.length > 3 ? 'Several people are typing…' : `${names.length} people are typing…`;
  return `${joinNames(names)} are typing…`;
}
