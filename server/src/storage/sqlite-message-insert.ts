import type SqliteDatabase from 'better-sqlite3';
import type { Transaction } from 'kysely';
import { notFound } from '../errors.js';
import { messageByClientId, newMessageRow, type WriteResult } from './message-insert.js';
import type { InsertMessageInput } from './repository.js';
import { isUniqueViolation, toMessage } from './rows.js';
import type { Database } from './schema.js';

/**
 * The SQLite message insert path on prepared better-sqlite3 statements. Building and
 * compiling the same Kysely queries for every message was about a seventh of the server's
 * event loop time under fan-out (issue 14's profile), and each of them also paid a promise
 * round per statement. The statements are the same SQL as message-insert.ts's (which stays
 * the path for PostgreSQL and for the rare messages with a reply or attachments).
 *
 * Safe to mix with Kysely: these run only inside a Kysely transaction on the same (single)
 * connection, which Kysely's SQLite driver holds for the whole transaction, so no other
 * query can run between them. Per message: one savepoint (so a duplicate clientId undoes its
 * own seq bump only), the seq/version bump that is also the membership check, the insert.
 * The sender's read position is written once per batch (`flushReadPositions`).
 */
export class SqliteMessageInserts {
  private readonly bump: SqliteDatabase.Statement<
    [string, string, string, string],
    { last_seq: number; version: number }
  >;
  private readonly insert: SqliteDatabase.Statement<unknown[]>;
  private readonly readPosition: SqliteDatabase.Statement<[number, string, string, string, number]>;
  private readonly savepoint: SqliteDatabase.Statement<[]>;
  private readonly rollback: SqliteDatabase.Statement<[]>;
  private readonly release: SqliteDatabase.Statement<[]>;
  /** conversation + sender → the highest seq they sent in this batch (and when). */
  private readonly pendingReads = new Map<
    string,
    { conversationId: string; senderId: string; seq: number; now: string }
  >();

  constructor(sqlite: SqliteDatabase.Database) {
    this.bump = sqlite.prepare(
      `update conversations set last_seq = last_seq + 1, version = version + 1, last_activity_at = ?
       where id = ? and exists (select 1 from conversation_members where conversation_id = ? and user_id = ?)
       returning last_seq, version`,
    );
    this.insert = sqlite.prepare(
      `insert into messages (id, conversation_id, seq, sender_id, client_id, kind, body, reply_to_id,
         call_json, created_at, edited_at, deleted_at, version, system_json)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.readPosition = sqlite.prepare(
      `update conversation_members set read_seq = ?, read_at = ?
       where conversation_id = ? and user_id = ? and read_seq < ?`,
    );
    this.savepoint = sqlite.prepare('savepoint parley_fast');
    this.rollback = sqlite.prepare('rollback to savepoint parley_fast');
    this.release = sqlite.prepare('release savepoint parley_fast');
  }

  /** Whether `input` can take this path: no reply to check, no attachments to claim. */
  static handles(input: InsertMessageInput): boolean {
    return input.replyToId == null && !(input.attachmentIds && input.attachmentIds.length > 0);
  }

  /**
   * Stores one message in the open transaction `trx` (which must hold the connection these
   * statements were prepared on). Its own failure is rolled back to its savepoint and thrown;
   * the transaction stays usable.
   */
  async insertOne(trx: Transaction<Database>, input: InsertMessageInput): Promise<WriteResult> {
    this.savepoint.run();
    let bumped: { last_seq: number; version: number } | undefined;
    try {
      bumped = this.bump.get(input.now, input.conversationId, input.conversationId, input.senderId);
    } catch (err) {
      this.undo();
      throw err;
    }
    if (!bumped) {
      // Nothing was written. A retry of a stored message is answered with it, even if the
      // conversation is gone; anyone else learns only that there is no such conversation.
      this.release.run();
      const stored = await messageByClientId(trx, input.senderId, input.clientId);
      if (stored) return { message: stored, changed: false };
      throw notFound();
    }
    const row = newMessageRow(input, Number(bumped.last_seq), Number(bumped.version));
    try {
      this.insert.run(
        row.id,
        row.conversation_id,
        row.seq,
        row.sender_id,
        row.client_id,
        row.kind,
        row.body,
        row.reply_to_id,
        row.call_json,
        row.created_at,
        row.edited_at,
        row.deleted_at,
        row.version,
        row.system_json,
      );
    } catch (err) {
      this.undo();
      // Idempotency without a look-up per message: a repeated (sender, clientId) trips the
      // unique constraint; the stored message (maybe from earlier in this batch) is the answer.
      if (!isUniqueViolation(err)) throw err;
      const stored = await messageByClientId(trx, input.senderId, input.clientId);
      if (!stored) throw err;
      return { message: stored, changed: false };
    }
    this.release.run();
    const key = `${row.conversation_id}\u0000${row.sender_id}`;
    const pending = this.pendingReads.get(key);
    if (!pending || pending.seq < row.seq) {
      this.pendingReads.set(key, {
        conversationId: row.conversation_id,
        senderId: row.sender_id,
        seq: row.seq,
        now: input.now,
      });
    }
    return { message: toMessage(row), changed: true };
  }

  /**
   * Moves each sender's read position to the last message they sent in this batch: once per
   * sender and conversation instead of once per message. Call before anything else in the
   * transaction reads or writes read positions, and before the commit.
   */
  flushReadPositions(): void {
    for (const p of this.pendingReads.values()) {
      this.readPosition.run(p.seq, p.now, p.conversationId, p.senderId, p.seq);
    }
    this.pendingReads.clear();
  }

  /** Rolls this message's statements back to its savepoint and leaves the savepoint. */
  private undo(): void {
    this.rollback.run();
    this.release.run();
  }

  /** Forgets unflushed read positions (the transaction they belonged to rolled back). */
  discard(): void {
    this.pendingReads.clear();
  }
}
