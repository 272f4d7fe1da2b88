import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CallRecord, Conversation, Message, User } from '@parley/shared';
import { AppError, notFound } from '../errors.js';
import { GroupCommitQueue, type ItemOutcome } from './group-commit.js';
import type { InsertMessageInput, Repository } from './repository.js';
import type { Database, MessagesTable, UsersTable } from './schema.js';

/** SQLite reports SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, PostgreSQL 23505. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

const toUser = (
  row: Pick<Selectable<UsersTable>, 'id' | 'username' | 'display_name' | 'last_seen_at'>,
): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  lastSeenAt: row.last_seen_at,
});

function toMessage(row: Selectable<MessagesTable>): Message {
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind,
    body: row.body,
    createdAt: row.created_at,
  };
  if (row.reply_to_id != null) message.replyToId = row.reply_to_id;
  if (row.edited_at != null) message.editedAt = row.edited_at;
  if (row.deleted_at != null) message.deletedAt = row.deleted_at;
  if (row.call_json != null) message.call = JSON.parse(row.call_json) as CallRecord;
  return message;
}

type InsertResult = { message: Message; created: boolean };

/** Thrown out of a one-message transaction to roll it back when its clientId is taken. */
class DuplicateClientId extends Error {
  constructor(override readonly cause: unknown) {
    super('duplicate clientId');
  }
}

/** Plain code-unit order (not locale order): the same in every process, for lock ordering. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const userColumns = ['id', 'username', 'display_name', 'last_seen_at'] as const;

/** `%` and `_` in user input must match themselves in LIKE. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * The one Repository implementation, on Kysely. Every query here is plain SQL both SQLite
 * and PostgreSQL accept (RETURNING, LIKE ... ESCAPE, lower()), so the backend is only a
 * choice of dialect in database.ts.
 */
export class KyselyRepository implements Repository {
  /** Message inserts, group-committed (see group-commit.ts). */
  readonly messageWrites: GroupCommitQueue<InsertMessageInput, InsertResult>;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
  ) {
    this.messageWrites = new GroupCommitQueue({
      runBatch: (items) => this.runMessageBatch(items),
      // Bounds how long one transaction holds the writer (SQLite) or its row locks.
      maxBatch: 200,
      // SQLite has one writer. PostgreSQL commits several transactions in parallel over its
      // pool (max 10 connections, leaving room for reads), and batches only form once all
      // of these are busy; batches are lock-ordered, see runMessageBatch.
      concurrency: dialect === 'sqlite' ? 1 : 8,
    });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    // Messages already queued are committed (and answered) before the connection goes.
    await this.messageWrites.idle();
    await this.db.destroy();
  }

  // ---- users ----

  async createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User> {
    const row = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName,
      password_hash: input.passwordHash,
      created_at: new Date().toISOString(),
      last_seen_at: null,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('username_taken', 'That username is taken');
      throw err;
    }
    return toUser(row);
  }

  async findCredentials(username: string) {
    const row = await this.db
      .selectFrom('users')
      .select([...userColumns, 'password_hash'])
      .where('username', '=', username)
      .executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async getUsers(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(userColumns)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(toUser);
  }

  async searchUsers(prefix: string, options: { excludeUserId?: string; limit: number }): Promise<User[]> {
    const pattern = escapeLike(prefix.toLowerCase()) + '%';
    let q = this.db
      .selectFrom('users')
      .select(userColumns)
      .where((eb) =>
        eb.or([
          sql<boolean>`username like ${pattern} escape '\\'`,
          sql<boolean>`lower(display_name) like ${pattern} escape '\\'`,
        ]),
      );
    if (options.excludeUserId) q = q.where('id', '<>', options.excludeUserId);
    const rows = await q.orderBy('username').limit(options.limit).execute();
    return rows.map(toUser);
  }

  async setLastSeen(userId: string, at: string): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', userId).execute();
  }

  // ---- sessions ----

  async createSession(input: { userId: string; refreshTokenHash: string; refreshExpiresAt: string }) {
    const sessionId = randomUUID();
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({ id: sessionId, user_id: input.userId, created_at: now, revoked_at: null })
        .execute();
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: input.refreshTokenHash,
          session_id: sessionId,
          created_at: now,
          expires_at: input.refreshExpiresAt,
          rotated_at: null,
        })
        .execute();
    });
    return { sessionId };
  }

  async getActiveSession(sessionId: string) {
    const row = await this.db
      .selectFrom('sessions')
      .select(['id', 'user_id'])
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, userId: row.user_id } : undefined;
  }

  async rotateRefreshToken(input: { oldHash: string; newHash: string; now: string; newExpiresAt: string }) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('refresh_tokens as t')
        .innerJoin('sessions as s', 's.id', 't.session_id')
        .select(['t.session_id', 't.expires_at', 't.rotated_at', 's.user_id', 's.revoked_at'])
        .where('t.token_hash', '=', input.oldHash)
        .executeTakeFirst();
      if (!row || row.revoked_at != null) return { status: 'invalid' as const };
      if (row.rotated_at != null) {
        return { status: 'reused' as const, sessionId: row.session_id, userId: row.user_id };
      }
      if (row.expires_at <= input.now) return { status: 'invalid' as const };
      // The `rotated_at is null` guard makes this a compare-and-set: of two concurrent
      // exchanges of one token, the second updates nothing and counts as reuse.
      const updated = await trx
        .updateTable('refresh_tokens')
        .set({ rotated_at: input.now })
        .where('token_hash', '=', input.oldHash)
        .where('rotated_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        return { status: 'reused' as const, sessionId: row.session_id, userId: row.user_id };
      }
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: input.newHash,
          session_id: row.session_id,
          created_at: input.now,
          expires_at: input.newExpiresAt,
          rotated_at: null,
        })
        .execute();
      return { status: 'ok' as const, sessionId: row.session_id, userId: row.user_id };
    });
  }

  async findSessionByRefreshToken(hash: string) {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('sessions as s', 's.id', 't.session_id')
      .select(['s.id', 's.user_id'])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
    return row ? { sessionId: row.id, userId: row.user_id } : undefined;
  }

  async revokeSession(sessionId: string, now: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async purgeExpired(before: string): Promise<number> {
    const tokens = await this.db
      .deleteFrom('refresh_tokens')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    // A revoked session's tokens go with it (on delete cascade).
    const sessions = await this.db
      .deleteFrom('sessions')
      .where('revoked_at', 'is not', null)
      .where('revoked_at', '<', before)
      .executeTakeFirst();
    return Number(tokens.numDeletedRows) + Number(sessions.numDeletedRows);
  }

  // ---- conversations ----

  async createConversation(input: {
    type: 'direct' | 'group';
    title: string | null;
    createdBy: string;
    memberIds: readonly string[];
    now: string;
  }) {
    const members = [...new Set(input.memberIds)];
    const directKey = input.type === 'direct' ? [...members].sort().join(' ') : null;
    const findDirect = async () =>
      directKey
        ? await this.db
            .selectFrom('conversations')
            .select('id')
            .where('direct_key', '=', directKey)
            .executeTakeFirst()
        : undefined;
    const existing = await findDirect();
    if (existing) return { conversationId: existing.id, created: false };

    const conversationId = randomUUID();
    try {
      await this.db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('users').select('id').where('id', 'in', members).execute();
        if (found.length !== members.length) throw notFound('user');
        await trx
          .insertInto('conversations')
          .values({
            id: conversationId,
            type: input.type,
            title: input.title,
            direct_key: directKey,
            created_by: input.createdBy,
            created_at: input.now,
            last_activity_at: input.now,
          })
          .execute();
        await trx
          .insertInto('conversation_members')
          .values(
            members.map((userId) => ({
              conversation_id: conversationId,
              user_id: userId,
              joined_at: input.now,
              read_at: null,
            })),
          )
          .execute();
      });
    } catch (err) {
      // Two people opening the same direct chat at once: the unique direct_key lets one win.
      if (directKey && isUniqueViolation(err)) {
        const winner = await findDirect();
        if (winner) return { conversationId: winner.id, created: false };
      }
      throw err;
    }
    return { conversationId, created: true };
  }

  listConversations(userId: string): Promise<Conversation[]> {
    return this.loadConversations(userId, undefined);
  }

  async getConversation(conversationId: string, userId: string): Promise<Conversation | undefined> {
    const [conversation] = await this.loadConversations(userId, conversationId);
    return conversation;
  }

  /** The conversations of one member (all, or one), assembled from three queries. */
  private async loadConversations(userId: string, onlyId: string | undefined): Promise<Conversation[]> {
    let q = this.db
      .selectFrom('conversations as c')
      .innerJoin('conversation_members as me', (j) =>
        j.onRef('me.conversation_id', '=', 'c.id').on('me.user_id', '=', userId),
      )
      .leftJoin('messages as m', (j) =>
        j.onRef('m.conversation_id', '=', 'c.id').onRef('m.seq', '=', 'c.last_seq'),
      )
      .select([
        'c.id as c_id',
        'c.type as c_type',
        'c.title as c_title',
        'c.created_at as c_created_at',
        'c.last_seq as c_last_seq',
        'me.read_seq as me_read_seq',
        'm.id',
        'm.conversation_id',
        'm.seq',
        'm.sender_id',
        'm.client_id',
        'm.kind',
        'm.body',
        'm.reply_to_id',
        'm.call_json',
        'm.created_at',
        'm.edited_at',
        'm.deleted_at',
      ]);
    if (onlyId !== undefined) q = q.where('c.id', '=', onlyId);
    const rows = await q.orderBy('c.last_activity_at', 'desc').orderBy('c.id').execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.c_id);

    const memberRows = await this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('users as u', 'u.id', 'cm.user_id')
      .select(['cm.conversation_id', 'u.id', 'u.username', 'u.display_name', 'u.last_seen_at'])
      .where('cm.conversation_id', 'in', ids)
      .orderBy('cm.joined_at')
      .orderBy('u.username')
      .execute();
    const membersOf = new Map<string, User[]>();
    for (const r of memberRows) {
      const list = membersOf.get(r.conversation_id) ?? [];
      list.push(toUser(r));
      membersOf.set(r.conversation_id, list);
    }

    // Unread: messages after my readSeq that someone else sent.
    const unreadRows = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversation_members as me', (j) =>
        j.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId),
      )
      .select(['m.conversation_id', (eb) => eb.fn.countAll().as('n')])
      .where('m.conversation_id', 'in', ids)
      .whereRef('m.seq', '>', 'me.read_seq')
      .where('m.sender_id', '<>', userId)
      .groupBy('m.conversation_id')
      .execute();
    const unread = new Map(unreadRows.map((r) => [r.conversation_id, Number(r.n)]));

    return rows.map((r) => {
      const conversation: Conversation = {
        id: r.c_id,
        type: r.c_type,
        title: r.c_title,
        members: membersOf.get(r.c_id) ?? [],
        lastSeq: Number(r.c_last_seq),
        readSeq: Number(r.me_read_seq),
        unreadCount: unread.get(r.c_id) ?? 0,
        createdAt: r.c_created_at,
      };
      if (r.id != null) {
        conversation.lastMessage = toMessage({
          id: r.id,
          conversation_id: r.conversation_id!,
          seq: r.seq!,
          sender_id: r.sender_id!,
          client_id: r.client_id!,
          kind: r.kind!,
          body: r.body!,
          reply_to_id: r.reply_to_id,
          call_json: r.call_json,
          created_at: r.created_at!,
          edited_at: r.edited_at,
          deleted_at: r.deleted_at,
        });
      }
      return conversation;
    });
  }

  async conversationIdsOfUser(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversation_members')
      .select('conversation_id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.conversation_id);
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async contactIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversation_members as other')
      .innerJoin('conversation_members as me', 'me.conversation_id', 'other.conversation_id')
      .select('other.user_id')
      .distinct()
      .where('me.user_id', '=', userId)
      .where('other.user_id', '<>', userId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  // ---- messages ----

  insertMessage(input: InsertMessageInput): Promise<{ message: Message; created: boolean }> {
    return this.messageWrites.submit(input);
  }

  /**
   * One group-commit batch: one transaction, each message inside its own savepoint, so a bad
   * message (not a member, a bad reply, anything unexpected) rolls back only itself and
   * gets its own error while its neighbours commit. The batch is worked through in
   * conversation order (stable, so messages of one conversation keep their arrival order):
   * concurrent batches on PostgreSQL then lock conversation rows in the same order and
   * cannot deadlock each other.
   */
  private async runMessageBatch(items: readonly InsertMessageInput[]): Promise<ItemOutcome<InsertResult>[]> {
    if (items.length === 1) return [await this.runSingle(items[0]!)];
    const order = items
      .map((_, i) => i)
      .sort((a, b) => compare(items[a]!.conversationId, items[b]!.conversationId));
    return this.retryOnConflict(async () => {
      const outcomes: ItemOutcome<InsertResult>[] = new Array(items.length);
      await this.db.transaction().execute(async (trx) => {
        for (const i of order) {
          await sql`savepoint parley_message`.execute(trx);
          try {
            outcomes[i] = { ok: true, value: await this.insertOne(trx, items[i]!, true) };
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
  private async runSingle(item: InsertMessageInput): Promise<ItemOutcome<InsertResult>> {
    try {
      const value = await this.retryOnConflict(() =>
        this.db.transaction().execute((trx) => this.insertOne(trx, item, false)),
      );
      return { ok: true, value };
    } catch (error) {
      // The whole transaction rolled back; a duplicate clientId is answered with the stored row.
      if (error instanceof DuplicateClientId) {
        const stored = await this.messageByClientId(this.db, item.senderId, item.clientId);
        if (stored) return { ok: true, value: { message: stored, created: false } };
        return { ok: false, error: error.cause };
      }
      return { ok: false, error };
    }
  }

  /**
   * PostgreSQL may pick a transaction as a deadlock victim (40P01, e.g. against another node)
   * or fail it on serialization (40001); it was rolled back whole, so running it again is
   * safe. Anything else (BEGIN/COMMIT, the disk) is the caller's error.
   */
  private async retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
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

  /**
   * Stores one message in `trx`: inside its own savepoint when it shares a batch
   * (`inSavepoint`), else alone in the transaction. Three statements in the common case: the
   * seq bump (which doubles as the membership check), the insert, and the sender's readSeq.
   */
  private async insertOne(
    trx: Transaction<Database>,
    input: InsertMessageInput,
    inSavepoint: boolean,
  ): Promise<InsertResult> {
    if (input.replyToId != null) {
      const target = await trx
        .selectFrom('messages')
        .select('id')
        .where('id', '=', input.replyToId)
        .where('conversation_id', '=', input.conversationId)
        .executeTakeFirst();
      if (!target) {
        const stored = await this.messageByClientId(trx, input.senderId, input.clientId);
        if (stored) return { message: stored, created: false };
        // Only a member may learn what the conversation holds: anyone else gets not_found, as
        // they would without a replyToId.
        const member = await trx
          .selectFrom('conversation_members')
          .select('user_id')
          .where('conversation_id', '=', input.conversationId)
          .where('user_id', '=', input.senderId)
          .executeTakeFirst();
        if (!member) throw notFound();
        throw new AppError('invalid_input', 'The message replied to is not in this conversation', {
          replyToId: 'no such message in this conversation',
        });
      }
    }
    // The increment and the insert commit together, so seq has no gaps and no repeats; the
    // row lock (PostgreSQL) / the single writer (SQLite) serialises concurrent sends. The
    // membership condition rides along: no row back means "no such conversation" to this
    // sender, whether it is missing or they are not a member.
    const bumped = await trx
      .updateTable('conversations')
      .set({ last_seq: sql`last_seq + 1`, last_activity_at: input.now })
      .where('id', '=', input.conversationId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('conversation_members')
            .select('user_id')
            .where('conversation_id', '=', input.conversationId)
            .where('user_id', '=', input.senderId),
        ),
      )
      .returning('last_seq')
      .executeTakeFirst();
    if (!bumped) {
      // A retry of a stored message is answered with it, even if the conversation is gone.
      const stored = await this.messageByClientId(trx, input.senderId, input.clientId);
      if (stored) return { message: stored, created: false };
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
    };
    try {
      await trx.insertInto('messages').values(row).execute();
    } catch (err) {
      // Idempotency without a look-up per message: a repeated (sender, clientId) trips the
      // unique constraint. The caller's savepoint undoes the seq bump; the stored message is
      // found in this same transaction, so a duplicate earlier in this batch counts too.
      if (!isUniqueViolation(err)) throw err;
      // Alone in its transaction (PostgreSQL refuses every statement after an error): roll
      // it all back and let runSingle look the stored message up afterwards.
      if (!inSavepoint) throw new DuplicateClientId(err);
      await sql`rollback to savepoint parley_message`.execute(trx);
      const stored = await this.messageByClientId(trx, input.senderId, input.clientId);
      if (!stored) throw err;
      return { message: stored, created: false };
    }
    await trx
      .updateTable('conversation_members')
      .set({ read_seq: row.seq, read_at: input.now })
      .where('conversation_id', '=', input.conversationId)
      .where('user_id', '=', input.senderId)
      .where('read_seq', '<', row.seq)
      .execute();
    return { message: toMessage(row), created: true };
  }

  private async messageByClientId(
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
    return row && toMessage(row);
  }

  findMessageByClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    return this.messageByClientId(this.db, senderId, clientId);
  }

  async listMessages(
    conversationId: string,
    page: { afterSeq?: number | undefined; beforeSeq?: number | undefined; limit: number },
  ): Promise<Message[]> {
    let q = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (page.beforeSeq !== undefined) q = q.where('seq', '<', page.beforeSeq);
    if (page.afterSeq !== undefined) {
      const rows = await q.where('seq', '>', page.afterSeq).orderBy('seq', 'asc').limit(page.limit).execute();
      return rows.map(toMessage);
    }
    const rows = await q.orderBy('seq', 'desc').limit(page.limit).execute();
    return rows.reverse().map(toMessage);
  }

  async markRead(conversationId: string, userId: string, seq: number, now: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('conversation_members as me')
        .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
        .select(['me.read_seq', 'me.read_at', 'c.last_seq'])
        .where('me.conversation_id', '=', conversationId)
        .where('me.user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return undefined;
      const target = Math.min(seq, Number(row.last_seq));
      const current = Number(row.read_seq);
      if (target <= current) return { readSeq: current, readAt: row.read_at ?? now, changed: false };
      // `read_seq < target` keeps it monotonic even if another device raced us here.
      const updated = await trx
        .updateTable('conversation_members')
        .set({ read_seq: target, read_at: now })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', target)
        .executeTakeFirst();
      return { readSeq: target, readAt: now, changed: Number(updated.numUpdatedRows) === 1 };
    });
  }
}
