import { sql, type Transaction } from 'kysely';
import { REACTIONS_PER_MESSAGE_MAX } from '@parley/shared';
import { AppError, notFound } from '../errors.js';
import { removeAttachmentsOf } from './attachments.js';
import type { WriteResult } from './message-insert.js';
import { hydrate } from './message-reads.js';
import type { MessageActionInput } from './repository.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';

/**
 * An edit, a delete or a reaction. Every rule is checked again here, inside the
 * transaction, against the row as it is now (read after taking the conversation's lock): a
 * message deleted while another device was editing it stays deleted. A write that would change nothing (the same body, a second
 * delete, a reaction already there) answers the message as stored and takes no version.
 */
export async function applyMessageAction(
  trx: Transaction<Database>,
  input: MessageActionInput,
): Promise<WriteResult> {
  await lockConversation(trx, input.conversationId);
  const row = await trx
    .selectFrom('messages as m')
    .innerJoin('conversation_members as me', (j) =>
      j.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', input.userId),
    )
    .selectAll('m')
    .select('me.role as actor_role')
    .where('m.id', '=', input.messageId)
    .where('m.conversation_id', '=', input.conversationId)
    .executeTakeFirst();
  // Not a member learns nothing: the same answer as no such message.
  if (!row) throw notFound('message');
  const { actor_role: actorRole, ...message } = row;
  const unchanged = async (): Promise<WriteResult> => ({
    message: (await hydrate(trx, [message]))[0]!,
    changed: false,
  });
  const deleted = message.deleted_at != null;
  const mine = message.sender_id === input.userId;

  if (input.type === 'edit') {
    if (!mine) throw new AppError('forbidden', 'Only the author can edit a message');
    if (message.kind !== 'text')
      throw new AppError('forbidden', 'Call records and system messages cannot be edited');
    if (deleted) throw new AppError('forbidden', 'A deleted message cannot be edited');
    if (message.body === input.body) return unchanged();
    const version = await bumpVersion(trx, input.conversationId);
    await trx
      .updateTable('messages')
      .set({ body: input.body, edited_at: input.now, version })
      .where('id', '=', message.id)
      .execute();
    return {
      message: (await hydrate(trx, [{ ...message, body: input.body, edited_at: input.now, version }]))[0]!,
      changed: true,
    };
  }

  if (input.type === 'delete') {
    if (deleted) return unchanged();
    if (!mine && actorRole !== 'admin') {
      throw new AppError('forbidden', 'Only the author or a group admin can delete a message');
    }
    const version = await bumpVersion(trx, input.conversationId);
    // A tombstone: same id and seq, nothing of the content left.
    await trx.deleteFrom('message_reactions').where('message_id', '=', message.id).execute();
    const removedFiles = await removeAttachmentsOf(trx, message.id);
    await trx
      .updateTable('messages')
      .set({ body: '', deleted_at: input.now, version })
      .where('id', '=', message.id)
      .execute();
    return {
      message: toMessage({ ...message, body: '', deleted_at: input.now, version }),
      changed: true,
      removedFiles,
    };
  }

  if (deleted) throw new AppError('forbidden', 'A deleted message takes no reactions');
  const existing = await trx
    .selectFrom('message_reactions')
    .select(['emoji', 'user_id', 'emoji_version'])
    .where('message_id', '=', message.id)
    .execute();
  const has = existing.some((r) => r.emoji === input.emoji && r.user_id === input.userId);
  if (has === input.on) return unchanged();
  if (input.on) {
    const emoji = new Set(existing.map((r) => r.emoji));
    if (!emoji.has(input.emoji) && emoji.size >= REACTIONS_PER_MESSAGE_MAX) {
      throw new AppError(
        'invalid_input',
        `A message takes at most ${REACTIONS_PER_MESSAGE_MAX} different reactions`,
        {
          emoji: `at most ${REACTIONS_PER_MESSAGE_MAX} different emoji per message`,
        },
      );
    }
  }
  const version = await bumpVersion(trx, input.conversationId);
  if (input.on) {
    const sameEmoji = existing.find((r) => r.emoji === input.emoji);
    await trx
      .insertInto('message_reactions')
      .values({
        message_id: message.id,
        emoji: input.emoji,
        user_id: input.userId,
        version,
        emoji_version: sameEmoji ? Number(sameEmoji.emoji_version) : version,
      })
      .execute();
  } else {
    await trx
      .deleteFrom('message_reactions')
      .where('message_id', '=', message.id)
      .where('emoji', '=', input.emoji)
      .where('user_id', '=', input.userId)
      .execute();
  }
  await trx.updateTable('messages').set({ version }).where('id', '=', message.id).execute();
  return { message: (await hydrate(trx, [{ ...message, version }]))[0]!, changed: true };
}

/** Takes the conversation's next version (locking its row until commit on PostgreSQL). */
export async function bumpVersion(trx: Transaction<Database>, conversationId: string): Promise<number> {
  const row = await trx
    .updateTable('conversations')
    .set({ version: sql`version + 1` })
    .where('id', '=', conversationId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/**
 * Takes the conversation row's lock (PostgreSQL; SQLite has one writer anyway) before a write
 * reads what it checks. Without it, on PostgreSQL's read committed, two writes to one message
 * could both read it before either commits: an edit racing a delete would bring the text
 * back onto the tombstone, two devices adding the same reaction would collide. Once the lock
 * is held, every earlier write to the conversation has committed and each statement sees it.
 * A no-op update rather than `select ... for update`, which SQLite does not parse.
 */
export async function lockConversation(trx: Transaction<Database>, conversationId: string): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({ version: sql`version` })
    .where('id', '=', conversationId)
    .execute();
}
