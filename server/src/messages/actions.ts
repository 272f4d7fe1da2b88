import type { Message } from '@parley/shared';
import { rooms, type ServerContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import type { MessageActionInput } from '../storage/repository.js';
import { deleteFiles } from '../attachments/upload.js';

/** Exactly one emoji as Unicode recommends it (RGI: skin tones, ZWJ families, flags, keycaps). */
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/**
 * The emoji in the one form it is stored under, or an `invalid_input` error. A heart typed
 * without its presentation selector (U+2764 alone) is the same reaction as "❤️", so it is
 * stored with the selector: two people reacting "the same" count together.
 */
export function normaliseEmoji(emoji: string): string {
  if (ONE_EMOJI.test(emoji)) return emoji;
  if (ONE_EMOJI.test(emoji + '\uFE0F')) return emoji + '\uFE0F';
  throw new AppError('invalid_input', 'A reaction is one emoji', { emoji: 'must be a single emoji' });
}

type Action =
  { type: 'edit'; body: string } | { type: 'delete' } | { type: 'react'; emoji: string; on: boolean };

/**
 * Edits, deletes and reactions: the one path that changes a stored message. The message is
 * looked up as the caller sees it (a non-member gets `not_found`, exactly as for a message
 * that does not exist), the change is committed with the conversation's next version, and
 * only then does `message:updated` go to every device of every member (the actor's too:
 * clients apply updates by version, so a second copy of what the ack said changes nothing).
 * A repeat that changes nothing answers the message as stored and broadcasts nothing.
 */
export async function changeMessage(
  ctx: Pick<ServerContext, 'repo' | 'io' | 'files' | 'logger'>,
  userId: string,
  messageId: string,
  action: Action,
): Promise<{ message: Message }> {
  const target = await ctx.repo.findMessageOfMember(messageId, userId);
  if (!target) throw notFound('message');
  const input: MessageActionInput = {
    ...action,
    conversationId: target.conversationId,
    messageId,
    userId,
    now: new Date().toISOString(),
  };
  const { message, changed, removedFiles } = await ctx.repo.applyMessageAction(input);
  // A deleted message's files go once the tombstone is committed (a failure only leaves bytes behind).
  if (removedFiles && removedFiles.length > 0) await deleteFiles(ctx, removedFiles);
  if (changed) ctx.io.to(rooms.conversation(message.conversationId)).emit('message:updated', { message });
  return { message };
}
