import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Message } from '@parley/shared';
import { applyConversationChange, type ConversationChangeResult } from './conversation-changes.js';
import { GroupCommitQueue, type ItemOutcome } from './group-commit.js';
import { applyMessageAction } from './message-actions.js';
import { DuplicateClientId, insertOne, messageByClientId, type WriteResult } from './message-insert.js';
import type {
  ConversationChangeInput,
  InsertMessageInput,
  MessageActionInput,
  Repository,
} from './repository.js';
import { batchable, insertBatchInOneStatement } from './postgres-message-batch.js';
import { compare } from './rows.js';
import type { Database } from './schema.js';
import { SqliteMessageInserts } from './sqlite-message-insert.js';

/** One write to a conversation, as the group-commit queue carries it. */
export type ConversationWrite =
  | { op: 'insert'; input: InsertMessageInput }
  | { op: 'action'; input: MessageActionInput }
  | { op: 'change'; input: ConversationChangeInput };

export type Outcome = WriteResult | ConversationChangeResult;

/** Runs a batch somewhere else: SQLite's writer thread (see sqlite-writer.ts). */
export type BatchRunner = (items: readonly ConversationWrite[]) => Promise<ItemOutcome<Outcome>[]>;

/**
 * Every write that changes a conversation's version: new messages, edits, deletes,
 * reactions, membership changes and renames. They share one group-commit queue (see
 * group-commit.ts): one transaction and one fsync per batch, each write in its own
 * savepoint, every answer after the commit.
 *
 * Each write takes the next `version` of its conversation in its transaction, with the same
 * `update conversations ... returning` that hands out `seq`. That statement locks the
 * conversation row until commit (PostgreSQL; SQLite has one writer), so versions, like seqs,
 * are gap-free, unique and in commit order, also with several nodes writing at once.
 */
export class ConversationWrites implements Pick<
  Repository,
  'insertMessage' | 'applyMessageAction' | 'changeConversation'
> {
  readonly queue: GroupCommitQueue<ConversationWrite, Outcome>;
  /** SQLite only: plain inserts on prepared statements (see sqlite-message-insert.ts). */
  private readonly fast: SqliteMessageInserts | undefined;
  /**
   * Called inside each batch's transaction just before its COMMIT. The writer thread's
   * crash tests use it to die with a half-written batch.
   */
  beforeCommit: (() => void) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    /** The better-sqlite3 connection under `db` (SQLite), for the prepared insert path. */
    sqlite?: SqliteDatabase.Database,
    /**
     * Where batches run. SQLite: the writer thread, which has its own connection (and its
     * own ConversationWrites, without a runner) so COMMIT's fsync happens off the event
     * loop. Without one (PostgreSQL, and inside the writer thread), here on `db`.
     */
    runner?: BatchRunner,
  ) {
    this.fast = sqlite ? new SqliteMessageInserts(sqlite) : undefined;
    this.queue = new GroupCommitQueue({
      runBatch: runner ?? ((items) => this.runBatch(items)),
      // Bounds how long one transaction holds the writer (SQLite) or its row locks.
      maxBatch: 200,
      // SQLite has one writer. PostgreSQL commits several transactions in parallel over its
      // pool (max 10 connections, leaving room for reads), and batches only form once all
      // of these are busy; batches are lock-ordered, see runBatch.
      concurrency: dialect === 'sqlite' ? 1 : 8,
    });
  }

  // Each op answers with its own result type (see applyOne); the casts restate that.
  async insertMessage(input: InsertMessageInput): Promise<{ message: Message; created: boolean }> {
    const { message, changed } = (await this.queue.submit({ op: 'insert', input })) as WriteResult;
    return { message, created: changed };
  }

  async applyMessageAction(input: MessageActionInput): Promise<WriteResult> {
    return (await this.queue.submit({ op: 'action', input })) as WriteResult;
  }

  async changeConversation(input: ConversationChangeInput): Promise<ConversationChangeResult> {
    return (await this.queue.submit({ op: 'change', input })) as ConversationChangeResult;
  }

  /**
   * One group-commit batch: one transaction, each write inside its own savepoint, so a bad
   * one (not a member, a bad reply, anything unexpected) rolls back only itself and gets
   * its own error while its neighbours commit. The batch is worked through in conversation
   * order (stable, so writes to one conversation keep their arrival order): concurrent
   * batches on PostgreSQL then lock conversation rows in the same order and cannot deadlock
   * each other. On PostgreSQL a batch of plain messages (the usual one) is a single
   * statement instead (insertBatchInOneStatement).
   */
  async runBatch(items: readonly ConversationWrite[]): Promise<ItemOutcome<Outcome>[]> {
    const order = items
      .map((_, i) => i)
      .sort((a, b) => compare(items[a]!.input.conversationId, items[b]!.input.conversationId));
    if (this.dialect === 'postgres' && items.every((w) => w.op === 'insert' && batchable(w.input))) {
      const inputs = order.map((i) => items[i]!.input as InsertMessageInput);
      const stored = await retryOnConflict(() => insertBatchInOneStatement(this.db, inputs));
      // null: a clientId was taken and nothing was stored; the per-message path below
      // answers retries with the stored rows.
      if (stored) {
        const outcomes: ItemOutcome<Outcome>[] = new Array(items.length);
        for (const [n, i] of order.entries()) {
          const value = stored[n];
          // Not stored (not a member, the conversation gone): the per-message path's exact answer.
          outcomes[i] = value ? { ok: true, value } : await this.runSingle(items[i]!);
        }
        return outcomes;
      }
    }
    if (items.length === 1 && !this.isFast(items[0]!)) return [await this.runSingle(items[0]!)];
    return retryOnConflict(async () => {
      const outcomes: ItemOutcome<Outcome>[] = new Array(items.length);
      const fast = this.fast;
      fast?.discard();
      await this.db.transaction().execute(async (trx) => {
        for (const i of order) {
          const item = items[i]!;
          if (fast && this.isFast(item)) {
            try {
              outcomes[i] = { ok: true, value: await fast.insertOne(trx, item.input as InsertMessageInput) };
            } catch (error) {
              outcomes[i] = { ok: false, error };
            }
            continue;
          }
          // Anything else may read or move read positions: the deferred ones go first.
          fast?.flushReadPositions();
          await sql`savepoint parley_message`.execute(trx);
          try {
            outcomes[i] = { ok: true, value: await this.applyOne(trx, item, true) };
            await sql`release savepoint parley_message`.execute(trx);
          } catch (error) {
            // If the rollback itself fails, the transaction is unusable: that fails the batch.
            await sql`rollback to savepoint parley_message`.execute(trx);
            await sql`release savepoint parley_message`.execute(trx);
            outcomes[i] = { ok: false, error };
          }
        }
        fast?.flushReadPositions();
        this.beforeCommit?.();
      });
      return outcomes;
    });
  }

  /** A plain message insert on SQLite: the prepared-statement path takes it, even alone. */
  private isFast(item: ConversationWrite): boolean {
    return this.fast !== undefined && item.op === 'insert' && SqliteMessageInserts.handles(item.input);
  }

  /**
   * A batch of one (the usual case under light load) needs no savepoints: the transaction
   * is the unit. That saves two statements, which on PostgreSQL are two round trips.
   */
  private async runSingle(item: ConversationWrite): Promise<ItemOutcome<Outcome>> {
    try {
      const value = await retryOnConflict(() =>
        this.db.transaction().execute(async (trx) => {
          const result = await this.applyOne(trx, item, false);
          this.beforeCommit?.();
          return result;
        }),
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

  private applyOne(
    trx: Transaction<Database>,
    item: ConversationWrite,
    inSavepoint: boolean,
  ): Promise<Outcome> {
    switch (item.op) {
      case 'insert':
        return insertOne(trx, item.input, inSavepoint);
      case 'action':
        return applyMessageAction(trx, item.input);
      case 'change':
        return applyConversationChange(trx, item.input, inSavepoint);
    }
  }
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
