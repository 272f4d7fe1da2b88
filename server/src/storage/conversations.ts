import { randomUUID } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Conversation, Member } from '@parley/shared';
import { notFound } from '../errors.js';
import { attachmentsOf } from './attachments.js';
import { reactionsOf } from './message-reads.js';
import type { Repository } from './repository.js';
import { isUniqueViolation, toMessage, toUser } from './rows.js';
import type { Database } from './schema.js';

type ConversationMethods =
  | 'createConversation'
  | 'listConversations'
  | 'getConversation'
  | 'conversationIdsOfUser'
  | 'memberIds'
  | 'isMember'
  | 'contactIds'
  | 'markRead';

/** Conversations, their members (roles, read positions) and membership checks. */
export class ConversationStore implements Pick<Repository, ConversationMethods> {
  /**
   * SQLite: the look-up every socket's handshake makes, prepared once. Building and compiling
   * it through Kysely cost more than running it, and accepting sockets is a hot path
   * (docs/performance.md, target 3). The memberships come from a correlated subquery, not a
   * join: this SQLite build (STAT4) re-prepares a join on every run after its parameters are
   * bound, which cost four times the look-up itself.
   */
  private readonly sessionIdsStatement?: SqliteDatabase.Statement<[string, string], string>;

  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: the better-sqlite3 connection under `db`. */
    sqlite?: SqliteDatabase.Database,
  ) {
    this.sessionIdsStatement = sqlite
      ?.prepare<[string, string], string>(
        `select (select json_group_array(m.conversation_id) from conversation_members m
                 where m.user_id = s.user_id)
         from sessions s
         where s.id = ? and s.user_id = ? and s.revoked_at is null`,
      )
      .pluck();
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
              // The creator is a group's first admin; a direct conversation has none.
              role: input.type === 'group' && userId === input.createdBy ? 'admin' : 'member',
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

  /** The conversations of one member (all, or one), assembled from four queries. */
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
        'c.avatar_id as c_avatar_id',
        'c.created_by as c_created_by',
        'c.created_at as c_created_at',
        'c.last_seq as c_last_seq',
        'c.version as c_version',
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
        'm.version',
        'm.system_json',
      ]);
    if (onlyId !== undefined) q = q.where('c.id', '=', onlyId);
    const rows = await q.orderBy('c.last_activity_at', 'desc').orderBy('c.id').execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.c_id);

    const memberRows = await this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('users as u', 'u.id', 'cm.user_id')
      .select([
        'cm.conversation_id',
        'cm.role',
        'cm.read_seq',
        'u.id',
        'u.username',
        'u.display_name',
        'u.last_seen_at',
        'u.deactivated_at',
        'u.avatar_id',
      ])
      .where('cm.conversation_id', 'in', ids)
      .orderBy('cm.joined_at')
      .orderBy('u.username')
      .execute();
    const membersOf = new Map<string, Member[]>();
    for (const r of memberRows) {
      const list = membersOf.get(r.conversation_id) ?? [];
      list.push({ ...toUser(r), role: r.role, readSeq: Number(r.read_seq) });
      membersOf.set(r.conversation_id, list);
    }

    // Unread: messages after my readSeq that someone else sent and that were not deleted
    // (a tombstone has nothing left to read); the rule is `countUnread` in @parley/shared.
    const unreadRows = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversation_members as me', (j) =>
        j.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId),
      )
      .select(['m.conversation_id', (eb) => eb.fn.countAll().as('n')])
      .where('m.conversation_id', 'in', ids)
      .whereRef('m.seq', '>', 'me.read_seq')
      .where('m.sender_id', '<>', userId)
      .where('m.deleted_at', 'is', null)
      .groupBy('m.conversation_id')
      .execute();
    const unread = new Map(unreadRows.map((r) => [r.conversation_id, Number(r.n)]));
    const reactions = await reactionsOf(
      this.db,
      rows.flatMap((r) => (r.id != null ? [r.id] : [])),
    );
    const attachments = await attachmentsOf(
      this.db,
      rows.flatMap((r) => (r.id != null ? [r.id] : [])),
    );

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
        createdBy: r.c_created_by,
        version: Number(r.c_version),
      };
      if (r.c_avatar_id != null) conversation.avatarId = r.c_avatar_id;
      if (r.id != null) {
        conversation.lastMessage = toMessage(
          {
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
            version: r.version!,
            system_json: r.system_json,
          },
          reactions.get(r.id),
        );
        const files = attachments.get(r.id);
        if (files) conversation.lastMessage.attachments = files;
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

  async sessionConversationIds(sessionId: string, userId: string): Promise<string[] | undefined> {
    // One statement for both answers, so they come from the same moment: the session row
    // (active, and the token's user's) and that user's memberships, none for no conversation.
    const statement = this.sessionIdsStatement;
    if (statement) {
      // On Kysely's connection, so it waits for (and never runs inside) an open transaction.
      const ids = await this.db.connection().execute(async () => statement.get(sessionId, userId));
      return ids === undefined ? undefined : (JSON.parse(ids) as string[]);
    }
    const rows = await this.db
      .selectFrom('sessions as s')
      .leftJoin('conversation_members as m', 'm.user_id', 's.user_id')
      .select('m.conversation_id')
      .where('s.id', '=', sessionId)
      .where('s.user_id', '=', userId)
      .where('s.revoked_at', 'is', null)
      .execute();
    if (rows.length === 0) return undefined;
    return rows.flatMap((r) => (r.conversation_id == null ? [] : [r.conversation_id]));
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
