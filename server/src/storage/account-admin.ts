import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AdminUser, ServerRole, User } from '@parley/shared';
import { AppError } from '../errors.js';
import { escapeLike, toUser, userColumns } from './rows.js';
import type { Database } from './schema.js';

/** A login session as its owner sees it in the sessions list. */
export interface SessionRecord {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
}

/**
 * Account changes (profile, password, deactivation, server roles) and the admin's view of
 * users. Each change that ends sessions revokes them in the same transaction and returns
 * their ids, so the caller can tell their sockets why before disconnecting them.
 */
export class AccountAdminStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored hash and role of an active account; undefined if missing or deactivated. */
  async getAccount(userId: string): Promise<{ passwordHash: string; role: ServerRole } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['password_hash', 'server_role'])
      .where('id', '=', userId)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst();
    return row ? { passwordHash: row.password_hash, role: row.server_role } : undefined;
  }

  /** The active account with this username (the CLI names users by username). */
  async findUserId(username: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    return row?.id;
  }

  async updateProfile(
    userId: string,
    change: { displayName?: string | undefined; avatarId?: string | null | undefined },
  ): Promise<User | undefined> {
    const set: { display_name?: string; avatar_id?: string | null } = {};
    if (change.displayName !== undefined) set.display_name = change.displayName;
    if (change.avatarId !== undefined) set.avatar_id = change.avatarId;
    if (Object.keys(set).length > 0) {
      await this.db
        .updateTable('users')
        .set(set)
        .where('id', '=', userId)
        .where('deactivated_at', 'is', null)
        .execute();
    }
    const row = await this.db
      .selectFrom('users')
      .select(userColumns)
      .where('id', '=', userId)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** New hash; every active session but `keepSessionId` revoked. Undefined: no active account. */
  async setPassword(
    userId: string,
    passwordHash: string,
    now: string,
    keepSessionId?: string,
  ): Promise<string[] | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', userId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return undefined;
      let q = trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (keepSessionId !== undefined) q = q.where('id', '<>', keepSessionId);
      const revoked = await q.returning('id').execute();
      return revoked.map((r) => r.id);
    });
  }

  /**
   * Deactivates the account and revokes every session. Undefined when there is no such user;
   * deactivating twice changes nothing more (and revokes nothing new).
   */
  async deactivateUser(
    userId: string,
    now: string,
  ): Promise<{ user: User; sessionIds: string[] } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ deactivated_at: now })
        .where('id', '=', userId)
        .where('deactivated_at', 'is', null)
        .execute();
      const row = await trx
        .selectFrom('users')
        .select(userColumns)
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!row) return undefined;
      const revoked = await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      // Its invites stop working too: a deactivated account should not keep bringing people in.
      await trx.deleteFrom('invites').where('created_by', '=', userId).execute();
      return { user: toUser(row), sessionIds: revoked.map((r) => r.id) };
    });
  }

  /**
   * Makes or unmakes a server admin. Undefined: no such active user. Rejects with
   * `forbidden` for unmaking the last admin, so a server always keeps one.
   */
  async setServerRole(userId: string, role: ServerRole): Promise<ServerRole | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('users')
        .select('server_role')
        .where('id', '=', userId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.server_role === 'admin' && role === 'user') {
        const admins = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('server_role', '=', 'admin')
          .where('deactivated_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) throw new AppError('forbidden', 'The server must keep at least one admin');
      }
      await trx.updateTable('users').set({ server_role: role }).where('id', '=', userId).execute();
      return role;
    });
  }

  /** Users as admins see them: prefix match on username or display name, deactivated ones too. */
  async listUsers(prefix: string, limit: number): Promise<Omit<AdminUser, 'online'>[]> {
    const pattern = escapeLike(prefix.toLowerCase()) + '%';
    const rows = await this.db
      .selectFrom('users')
      .select([...userColumns, 'server_role', 'created_at'])
      .where((eb) =>
        eb.or([
          sql<boolean>`username like ${pattern} escape '\\'`,
          sql<boolean>`lower(display_name) like ${pattern} escape '\\'`,
        ]),
      )
      .orderBy('username')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toUser(r), role: r.server_role, createdAt: r.created_at }));
  }

  /** The user's usable sessions (not revoked, refresh token not expired), most recently used first. */
  async listSessions(userId: string, now: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'created_at', 'last_used_at', 'user_agent'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      // A session whose refresh token expired cannot be used again: it is over, not listed.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('refresh_tokens as t')
            .select('t.token_hash')
            .whereRef('t.session_id', '=', 'sessions.id')
            .where('t.rotated_at', 'is', null)
            .where('t.expires_at', '>', now),
        ),
      )
      .orderBy('last_used_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at ?? r.created_at,
      userAgent: r.user_agent,
    }));
  }

  /** Revokes one of the user's own active sessions; false if it is not theirs or already ended. */
  async revokeSessionOfUser(userId: string, sessionId: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
