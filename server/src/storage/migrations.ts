import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { createAuditLog } from './audit.js';
import { createSearchIndex, indexWordsBetweenPunctuation } from './search-index.js';
import { createServerMeta } from './server-meta.js';

/**
 * Migrations live in code (not files on disk) so the esbuild bundle carries them. Names sort
 * in the order they run; never edit one that has shipped, add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('rotated_at', 'text')
        .execute();
      await db.schema
        .createIndex('refresh_tokens_session')
        .on('refresh_tokens')
        .column('session_id')
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('direct_key', 'text', (c) => c.unique())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_activity_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('conversation_members')
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .addColumn('read_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('read_at', 'text')
        .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('conversation_members_user')
        .on('conversation_members')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('reply_to_id', 'text')
        .addColumn('call_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .addColumn('deleted_at', 'text')
        // The seq counter makes duplicates impossible; the constraint makes that a fact.
        .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
        // Idempotency of message:send: a retry with the same clientId finds the stored row.
        .addUniqueConstraint('messages_sender_client', ['sender_id', 'client_id'])
        .execute();
    },
  },
  '0002_change_feed': {
    // Contract v1.1: versions (the change feed), member roles, system messages, reactions.
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('conversations')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('messages')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('messages').addColumn('system_json', 'text').execute();
      // Until now every change was a new message, one per seq: version = seq replays that
      // history exactly (gap-free, unique), and the conversation's version is its last seq.
      await sql`update messages set version = seq`.execute(db);
      await sql`update conversations set version = last_seq`.execute(db);
      // Makes "one version stamps at most one message" a fact, and serves the change feed.
      await db.schema
        .createIndex('messages_conversation_version')
        .on('messages')
        .columns(['conversation_id', 'version'])
        .unique()
        .execute();

      await db.schema
        .alterTable('conversation_members')
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
        .execute();
      // Group creators become admins; a group whose creator is no longer a member gets its
      // oldest member instead, so every group has one.
      await sql`
        update conversation_members set role = 'admin'
        where user_id = (select c.created_by from conversations c
                         where c.id = conversation_members.conversation_id and c.type = 'group')`.execute(db);
      await sql`
        update conversation_members set role = 'admin'
        where conversation_id in (select id from conversations where type = 'group')
          and not exists (select 1 from conversation_members a
                          where a.conversation_id = conversation_members.conversation_id and a.role = 'admin')
          and user_id = (select o.user_id from conversation_members o
                         where o.conversation_id = conversation_members.conversation_id
                         order by o.joined_at, o.user_id limit 1)`.execute(db);

      await db.schema
        .createTable('message_reactions')
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('emoji_version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_reactions_pk', ['message_id', 'emoji', 'user_id'])
        .execute();
    },
  },
  '0003_attachments': {
    // Contract v1.1: files. A row per upload; `message_id` is set when a message carries it.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uploader_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('thumbnail_type', 'text')
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('attachments_message').on('attachments').column('message_id').execute();
      // The hourly purge looks for uploads never sent, oldest first.
      await db.schema
        .createIndex('attachments_unsent')
        .on('attachments')
        .columns(['message_id', 'created_at'])
        .execute();
    },
  },
  '0004_search': {
    // Contract v1.1: message search. Only live text messages are indexed.
    async up(db: Kysely<unknown>) {
      await createSearchIndex(db);
    },
  },
  '0005_accounts': {
    // Accounts (issue 15): server roles, deactivation, avatars, session details, invites.
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('server_role', 'text', (c) => c.notNull().defaultTo('user'))
        .execute();
      await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute();
      await db.schema.alterTable('users').addColumn('avatar_id', 'text').execute();
      // The first account registered on a server is its admin, also on one that existed before.
      await sql`
        update users set server_role = 'admin'
        where id = (select id from users order by created_at, id limit 1)`.execute(db);

      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('last_used_at', 'text').execute();
      await sql`update sessions set last_used_at = created_at`.execute(db);

      await db.schema
        .createTable('invites')
        .addColumn('code', 'text', (c) => c.primaryKey())
        // null: made with the admin CLI, perhaps before any account existed.
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('max_uses', 'integer')
        .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('invites_created_by').on('invites').column('created_by').execute();
    },
  },
  '0006_audit_log': {
    // Operations (issue 11): who signed in, changed a password, ended a session, administered.
    up: createAuditLog,
  },
  '0007_server_meta': {
    // Operations (issue 11): the data's epoch, which a restore changes.
    up: createServerMeta,
  },
  '0008_group_avatars': {
    // Group pictures (issue 15): the id of the resized image in the file store.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('conversations').addColumn('avatar_id', 'text').execute();
    },
  },
  '0009_search_punctuation': {
    // PostgreSQL search finds the words of tags, e-mail addresses and URLs, as SQLite does.
    up: indexWordsBetweenPunctuation,
  },
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

/** Brings the schema up to date. Throws (and the server does not start) if a migration fails. */
export function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  return migrate(db, schema, (m) => m.migrateToLatest());
}

/** Brings the schema to exactly `name` (tests use it to build a database as an older release left it). */
export function migrateTo(db: Kysely<unknown>, name: string, schema?: string): Promise<void> {
  return migrate(db, schema, (m) => m.migrateTo(name));
}

async function migrate(
  db: Kysely<unknown>,
  schema: string | undefined,
  run: (migrator: Migrator) => ReturnType<Migrator['migrateToLatest']>,
): Promise<void> {
  // With a schema, the bookkeeping tables live in it too; Kysely's existence check otherwise
  // looks across schemas and can mistake another deployment's tables for ours.
  // 0003/0004 (files, search) and 0005 (accounts) were written side by side and touch
  // different tables: a database that ran 0005 first still takes 0003 and 0004.
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await run(migrator);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}
