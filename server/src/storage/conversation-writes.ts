import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Message } from '@parley/shared';
import { REACTIONS_PER_MESSAGE_MAX } from '@parley/shared';
import { AppError, notFound } from '../errors.js';
import { GroupCommitQueue, type ItemOutcome } from './group-commit.js';
import { hydrate } from './message-reads.js';
import type { InsertMessageInput, MessageActionInput, Repository } from './repository.js';
import { compare, isUniqueViolation, toMessage } from './rows.js';
import type { Database, MessagesTable } from './schema.js';

/** One write to a conversation's messages, as the group-commit queue carries it. */
export type MessageWrite =
  { op: 'insert'; input: InsertMessageInput } | { op: 'action'; input: MessageActionInput };

/** `changed: false`: nothing was written (an idempotent retry); the message is as stored. */
export type WriteResult = { message: Message; changed: boolean };

/** Thrown out of a one-message transaction to roll it back when its clientId is taken. */
class DuplicateClientId extends Error {
  constructor(override readonly cause: unknown) {
    super('duplicate clientId');
  }
}

/**
 * Every write that changes a conversation's messages: new messages, edits, deletes and
 * reactions. They share one group-commit queue (see group-commit.ts): one transaction and
 * one fsync per batch, each write in its own savepoint, every answer after the commit.
 *
 * Each write takes the next `version` of its conversation in its transaction, with the same
 * `update conversations ... returning` that hands out `seq`. That statement locks the
 * conversation row until commit (PostgreSQL; SQLite has one writer), so versions, like seqs,
 * are gap-free, unique and in commit order, also with several nodes writing at once.
 */
export class MessageWrites implements Pick<Repository, 'insertMessage' | 'applyMessageAction'> {
  readonly queue: GroupCommitQueue<MessageWrite, WriteResult>;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: 'sqlite' | 'postgres',
  ) {
    this.queue = new GroupCommitQueue({
      runBatch: (items) => this.runBatch(items),
      // Bounds how long one transaction holds the writer (SQLite) or its row locks.
      maxBatch: 200,
      // SQLite has one writer. PostgreSQL commits several transactions in parallel over its
      // pool (max 10 connections, leaving room for reads), and batches only form once all
      // of these are busy; batches are lock-ordered, see runBatch.
      concurrency: dialect === 'sqlite' ? 1 : 8,
    });
  }

  async insertMessage(input: InsertMessageInput): Promise<{ message: Message; created: boolean }> {
    const { message, changed } = await this.queue.submit({ op: 'insert', input });
    return { message, created: changed };
  }

  applyMessageAction(input: MessageActionInput): Promise<WriteResult> {
    return this.queue.submit({ op: 'action', input });
  }

  /**
   * One group-commit batch: one transaction, each write inside its own savepoint, so a bad
   * one (not a member, a bad reply, anything unexpected) rolls back only itself and gets
   * its own error while its neighbours commit. The batch is worked through in conversation
   * order (stable, so writes to one conversation keep their arrival order): concurrent
   * batches on PostgreSQL then lock conversation rows in the same order and cannot deadlock
   * each other.
   */
  private async runBatch(items: readonly MessageWrite[]): Promise<ItemOutcome<WriteResult>[]> {
    if (items.length === 1) return [await this.runSingle(items[0]!)];
    const order = items
      .map((_, i) => i)
      .sort((a, b) => compare(items[a]!.input.conversationId, items[b]!.input.conversationId));
    return retryOnConflict(async () => {
      const outcomes: ItemOutcome<WriteResult>[] = new Array(items.length);
      await this.db.transaction().execute(async (trx) => {
        for (const i of order) {
          await sql`savepoint parley_message`.execute(trx);
          try {
            outcomes[i] = { ok: true, value: await this.applyOne(trx, items[i]!, true) };
            await sql`release savepoint parley_message`.execute(trx);
          } catch (error) {
            // If the rollback itself fails, the transaction is unusable: that fails the batch.
            await sql`rollback to savepoint parley_message`.execute(trx);
            await sql`release savepoint parley_message`.execute(trx);
            outcomes[i] = { ok: false, error };
          }
        }
      });
      return outcomes;
    });
  }

  /**
   * A batch of one (the usual case under light load) needs no savepoints: the transaction
   * is the unit. That saves two statements, which on PostgreSQL are two round trips.
   */
  private async runSingle(item: MessageWrite): Promise<ItemOutcome<WriteResult>> {
    try {
      const value = await retryOnConflict(() =>
        this.db.transaction().execute((trx) => this.applyOne(trx, item, false)),
      );
      return { ok: true, value };
    } catch (error) {
      // The whole transaction rolled back; a duplicate clientId is answered with the stored row.
      if (error instanceof DuplicateClientId && item.op === 'insert') {
        const stored = await messageByClientId(this.db, item.input.senderId, item.input.clientId);
        if (stored) return { ok: true, value: { message: stored, changed: false } };
        return { ok: false, error: error.cause };
      }
      return { ok: false, error };
    }
  }

  private applyOne(trx: Transaction<Database>, item: MessageWrite, inSavepoint: boolean) {
    return item.op === 'insert'
      ? this.insertOne(trx, item.input, inSavepoint)
      : this.actionOne(trx, item.input);
  }

  /**
   * Stores one message in `trx`: inside its own savepoint when it shares a batch
   * (`inSavepoint`), else alone in the transaction. Three statements in the common case: the
   * seq and version bump (which doubles as the membership check), the insert, and the
   * sender's readSeq.
   */
  private async insertOne(
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
    const row: Selectable<MessagesTable> = {
      id: randomUUID(),
      conversation_id: input.conversationId,
      seq: Number(bumped.last_seq),
      sender_id: input.senderId,
      client_id: input.clientId,
      kind: input.kind,
      body: input.body,
      reply_to_id: input.replyToId,
      call_json: input.call ? JSON.stringify(input.call) : null,
      created_at: input.now,
      edited_at: null,
      deleted_at: null,
      version: Number(bumped.version),
      system_json: input.system ? JSON.stringify(input.system) : null,
    };
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
    return { message: toMessage(row), changed: true };
  }

  /**
   * An edit, a delete or a reaction. Every rule is checked again here, inside the
   * transaction, against the row as it is now: a message deleted while another device was
   * editing it stays deleted. A write that would change nothing (the same body, a second
   * delete, a reaction already there) answers the message as stored and takes no version.
   */
  private async actionOne(trx: Transaction<Database>, input: MessageActionInput): Promise<WriteResult> {
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
      await trx
        .updateTable('messages')
        .set({ body: '', deleted_at: input.now, version })
        .where('id', '=', message.id)
        .execute();
      return { message: toMessage({ ...message, body: '', deleted_at: input.now, version }), changed: true };
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

async function roleOf(db: Kysely<Database>, conversationId: string, userId: string) {
  const row = await db
    .selectFrom('conversation_members')
    .select('role')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

async function messageByClientId(
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

/**
 * PostgreSQL may pick a transaction as a deadlock victim (40P01, e.g. against another node)
 * or fail it on serialization (40001); it was rolled back whole, so running it again is
 * safe. Anything else (BEGIN/COMMIT, the disk) is the caller's error.
 */
async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
      throw err;
    }
  }
}
