import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Message } from '@parley/shared';
import { AppError, notFound } from '../errors.js';
import { claimAttachments } from './attachments.js';
import { hydrate } from './message-reads.js';
import type { InsertMessageInput } from './repository.js';
import { isUniqueViolation, toMessage } from './rows.js';
import type { Database, MessagesTable } from './schema.js';

/** `changed: false`: nothing was written (an idempotent retry); the message is as stored. */
export type WriteResult = {
  message: Message;
  changed: boolean;
  /** Storage keys of attachments the write removed (a delete); their files go after the commit. */
  removedFiles?: string[];
};

/** Thrown out of a one-message transaction to roll it back when its clientId is taken. */
export class DuplicateClientId extends Error {
  constructor(override readonly cause: unknown) {
    super('duplicate clientId');
  }
}

/**
 * Stores one message in `trx`: inside its own savepoint when it shares a batch
 * (`inSavepoint`), else alone in the transaction. Three statements in the common case: the
 * seq and version bump (which doubles as the membership check), the insert, and the
 * sender's readSeq.
 */
export async function insertOne(
  trx: Transaction<Database>,
  input: InsertMessageInput,
  inSavepoint: boolean,
): Promise<WriteResult> {
  if (input.replyToId != null) {
    const target = await trx
      .selectFrom('messages')
      .select('id')
      .where('id', '=', input.replyToId)
      .where('conversation_id', '=', input.conversationId)
      .executeTakeFirst();
    if (!target) {
      const stored = await messageByClientId(trx, input.senderId, input.clientId);
      if (stored) return { message: stored, changed: false };
      // Only a member may learn what the conversation holds: anyone else gets not_found, as
      // they would without a replyToId.
      if (!(await roleOf(trx, input.conversationId, input.senderId))) throw notFound();
      throw new AppError('invalid_input', 'The message replied to is not in this conversation', {
        replyToId: 'no such message in this conversation',
      });
    }
  }
  // The increment and the insert commit together, so seq and version have no gaps and no
  // repeats; the row lock (PostgreSQL) / the single writer (SQLite) serialises concurrent
  // writes. The membership condition rides along: no row back means "no such
  // conversation" to this sender, whether it is missing or they are not a member.
  const bumped = await trx
    .updateTable('conversations')
    .set({ last_seq: sql`last_seq + 1`, version: sql`version + 1`, last_activity_at: input.now })
    .where('id', '=', input.conversationId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('conversation_members')
          .select('user_id')
          .where('conversation_id', '=', input.conversationId)
          .where('user_id', '=', input.senderId),
      ),
    )
    .returning(['last_seq', 'version'])
    .executeTakeFirst();
  if (!bumped) {
    // A retry of a stored message is answered with it, even if the conversation is gone.
    const stored = await messageByClientId(trx, input.senderId, input.clientId);
    if (stored) return { message: stored, changed: false };
    throw notFound();
  }
  const row = newMessageRow(input, Number(bumped.last_seq), Number(bumped.version));
  try {
    await trx.insertInto('messages').values(row).execute();
  } catch (err) {
    // Idempotency without a look-up per message: a repeated (sender, clientId) trips the
    // unique constraint. The caller's savepoint undoes the bump; the stored message is
    // found in this same transaction, so a duplicate earlier in this batch counts too.
    if (!isUniqueViolation(err)) throw err;
    // Alone in its transaction (PostgreSQL refuses every statement after an error): roll
    // it all back and let runSingle look the stored message up afterwards.
    if (!inSavepoint) throw new DuplicateClientId(err);
    await sql`rollback to savepoint parley_message`.execute(trx);
    const stored = await messageByClientId(trx, input.senderId, input.clientId);
    if (!stored) throw err;
    return { message: stored, changed: false };
  }
  await trx
    .updateTable('conversation_members')
    .set({ read_seq: row.seq, read_at: input.now })
    .where('conversation_id', '=', input.conversationId)
    .where('user_id', '=', input.senderId)
    .where('read_seq', '<', row.seq)
    .execute();
  const message = toMessage(row);
  if (input.attachmentIds && input.attachmentIds.length > 0) {
    message.attachments = await claimAttachments(trx, row.id, input.senderId, input.attachmentIds);
  }
  return { message, changed: true };
}

/**
 * The row of a new message: the one shape every insert path (the per-message path and the
 * SQLite and PostgreSQL batch fast paths) stores.
 */
export function newMessageRow(
  input: InsertMessageInput,
  seq: number,
  version: number,
): Selectable<MessagesTable> {
  return {
    id: randomUUID(),
    conversation_id: input.conversationId,
    seq,
    sender_id: input.senderId,
    client_id: input.clientId,
    kind: input.kind,
    body: input.body,
    reply_to_id: input.replyToId,
    call_json: input.call ? JSON.stringify(input.call) : null,
    created_at: input.now,
    edited_at: null,
    deleted_at: null,
    version,
    system_json: input.system ? JSON.stringify(input.system) : null,
  };
}

export async function roleOf(db: Kysely<Database>, conversationId: string, userId: string) {
  const row = await db
    .selectFrom('conversation_members')
    .select('role')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function messageByClientId(
  db: Kysely<Database>,
  senderId: string,
  clientId: string,
): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && (await hydrate(db, [row]))[0];
}
