import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { User } from '@parley/shared';
import { AppError } from '../errors.js';
import { consumeInvite } from './invites.js';
import type { CreateUserInput, Repository, UserSearchOptions } from './repository.js';
import { escapeLike, isUniqueViolation, toUser, userColumns } from './rows.js';
import type { Database } from './schema.js';

type AccountMethods =
  | 'createUser'
  | 'findCredentials'
  | 'getUser'
  | 'getUsers'
  | 'searchUsers'
  | 'setLastSeen'
  | 'createSession'
  | 'getActiveSession'
  | 'rotateRefreshToken'
  | 'findSessionByRefreshToken'
  | 'revokeSession'
  | 'purgeExpired';

/** Users, login sessions and refresh tokens. */
export class AccountStore implements Pick<Repository, AccountMethods> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres' = 'sqlite',
  ) {}

  // ---- users ----

  async createUser(input: CreateUserInput): Promise<User> {
    const now = new Date().toISOString();
    const id = randomUUID();
    try {
      await this.db.transaction().execute(async (trx) => {
        if (input.inviteCode != null) await consumeInvite(trx, input.inviteCode, now);
        // The first account of a server administers it. SQLite runs one transaction at a
        // time; on PostgreSQL two first sign-ups could both see no one, so the very first
        // one locks out other writers to users and looks again (later ones never lock).
        let anyone = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
        if (!anyone && this.dialect === 'postgres') {
          await sql`lock table users in share row exclusive mode`.execute(trx);
          anyone = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
        }
        await trx
          .insertInto('users')
          .values({
            id,
            username: input.username,
            display_name: input.displayName,
            password_hash: input.passwordHash,
            created_at: now,
            last_seen_at: null,
            server_role: anyone ? (input.serverRole ?? 'user') : 'admin',
          })
          .execute();
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('username_taken', 'That username is taken');
      throw err;
    }
    return toUser({ id, username: input.username, display_name: input.displayName, last_seen_at: null });
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

  async searchUsers(prefix: string, options: UserSearchOptions): Promise<User[]> {
    const pattern = escapeLike(prefix.toLowerCase()) + '%';
    // "Bui" finds "Bob Builder": the start of any word of the display name.
    const laterWord = '% ' + pattern;
    let q = this.db
      .selectFrom('users')
      .select(userColumns)
      .where('deactivated_at', 'is', null)
      .where((eb) =>
        eb.or([
          sql<boolean>`username like ${pattern} escape '\\'`,
          sql<boolean>`lower(display_name) like ${pattern} escape '\\'`,
          sql<boolean>`lower(display_name) like ${laterWord} escape '\\'`,
        ]),
      );
    if (options.excludeUserId) q = q.where('id', '<>', options.excludeUserId);
    const contactsOf = options.contactsOf;
    if (contactsOf !== undefined) {
      // A closed directory: people who share a conversation with the caller, or an exact username.
      q = q.where((eb) =>
        eb.or([
          eb('username', '=', prefix.toLowerCase()),
          eb(
            'id',
            'in',
            eb
              .selectFrom('conversation_members as mine')
              .innerJoin('conversation_members as other', 'other.conversation_id', 'mine.conversation_id')
              .select('other.user_id')
              .where('mine.user_id', '=', contactsOf),
          ),
        ]),
      );
    }
    const rows = await q.orderBy('username').limit(options.limit).execute();
    return rows.map(toUser);
  }

  async setLastSeen(userId: string, at: string): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', userId).execute();
  }

  // ---- sessions ----

  async createSession(input: {
    userId: string;
    refreshTokenHash: string;
    refreshExpiresAt: string;
    userAgent?: string | null;
  }) {
    const sessionId = randomUUID();
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      // A deactivated account gets no new session, even from a login that raced the deactivation.
      const user = await trx
        .selectFrom('users')
        .select('deactivated_at')
        .where('id', '=', input.userId)
        .executeTakeFirst();
      if (!user || user.deactivated_at != null) {
        throw new AppError('invalid_credentials', 'This account has been deactivated');
      }
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          user_id: input.userId,
          created_at: now,
          revoked_at: null,
          user_agent: input.userAgent ?? null,
          last_used_at: now,
        })
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
      await trx
        .updateTable('sessions')
        .set({ last_used_at: input.now })
        .where('id', '=', row.session_id)
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
}
