/**
 * Migration 0002_change_feed on a database as v1 left it (SQLite, or PostgreSQL with
 * PARLEY_TEST_DATABASE_URL): versions replay the old history, group creators (or else the
 * oldest member) become admins, and the v1.1 server works on the result.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { SchemaScopedPostgresDialect } from '../src/storage/postgres-dialect.js';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateTo } from '../src/storage/migrations.js';
import { startTestServer } from './harness.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('migration 0002_change_feed', () => {
  it('turns a v1 database into one with versions and admins', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-migrate-'));
    dirs.push(dataDir);
    // The same backend as the other suites: a SQLite file, or a PostgreSQL schema of its own.
    const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
    const schema = `parley_migrate_${randomBytes(6).toString('hex')}`;
    let db: Kysely<unknown>;
    if (pgUrl) {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 1, options: `-c search_path=${schema}` });
      db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
      await sql`create schema ${sql.id(schema)}`.execute(db);
    } else {
      db = new Kysely<unknown>({
        dialect: new SqliteDialect({ database: new SqliteDatabase(join(dataDir, 'parley.db')) }),
      });
    }
    await migrateTo(db, '0001_initial', pgUrl ? schema : undefined);
    const t = '2026-01-01T00:00:00.000Z';
    for (const id of ['u1', 'u2', 'u3']) {
      await sql`insert into users (id, username, display_name, password_hash, created_at)
                values (${id}, ${`old_${id}`}, ${id}, 'x', ${t})`.execute(db);
    }
    const conversations: [string, string, string | null, string | null, number][] = [
      ['g1', 'group', 'Kept creator', null, 3],
      ['g2', 'group', 'Creator gone', null, 0],
      ['d1', 'direct', null, 'u1 u2', 1],
    ];
    for (const [id, type, title, directKey, lastSeq] of conversations) {
      await sql`insert into conversations (id, type, title, direct_key, created_by, created_at, last_seq, last_activity_at)
                values (${id}, ${type}, ${title}, ${directKey}, 'u1', ${t}, ${lastSeq}, ${t})`.execute(db);
    }
    const members: [string, string, string, number][] = [
      ['g1', 'u1', t, 3],
      ['g1', 'u2', t, 1],
      ['g2', 'u3', '2026-01-02T00:00:00.000Z', 0],
      ['g2', 'u2', '2026-01-01T12:00:00.000Z', 0],
      ['d1', 'u1', t, 1],
      ['d1', 'u2', t, 0],
    ];
    for (const [conversationId, userId, joinedAt, readSeq] of members) {
      await sql`insert into conversation_members (conversation_id, user_id, joined_at, read_seq)
                values (${conversationId}, ${userId}, ${joinedAt}, ${readSeq})`.execute(db);
    }
    const messages: [string, string, number, string][] = [
      ['m1', 'g1', 1, 'u1'],
      ['m2', 'g1', 2, 'u2'],
      ['m3', 'g1', 3, 'u1'],
      ['d1m1', 'd1', 1, 'u1'],
    ];
    for (const [id, conversationId, seq, senderId] of messages) {
      await sql`insert into messages (id, conversation_id, seq, sender_id, client_id, kind, body, created_at)
                values (${id}, ${conversationId}, ${seq}, ${senderId}, ${'c-' + id}, 'text', ${id}, ${t})`.execute(
        db,
      );
    }
    await db.destroy();

    const server = await startTestServer(pgUrl ? { dataDir, databaseSchema: schema } : { dataDir });
    try {
      const migrated = server.server.repository;
      const g1 = await migrated.getConversation('g1', 'u2');
      expect(g1).toMatchObject({ version: 3, lastSeq: 3, lastMessage: { seq: 3, version: 3 } });
      expect(g1?.members.map((m) => [m.id, m.role, m.readSeq])).toEqual([
        ['u1', 'admin', 3],
        ['u2', 'member', 1],
      ]);
      // The creator is not a member: the oldest member becomes admin.
      const g2 = await migrated.getConversation('g2', 'u2');
      expect(g2?.members.map((m) => [m.id, m.role])).toEqual([
        ['u2', 'admin'],
        ['u3', 'member'],
      ]);
      const d1 = await migrated.getConversation('d1', 'u1');
      expect(d1?.members.map((m) => m.role)).toEqual(['member', 'member']);
      expect(d1?.version).toBe(1);
      const changes = await migrated.listChanges('g1', 0, 10);
      expect(changes?.messages.map((m) => [m.seq, m.version])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);

      // New writes continue the sequence (an old member writing into the old group).
      const insert = await migrated.insertMessage({
        conversationId: 'g1',
        senderId: 'u2',
        clientId: 'after-migration',
        kind: 'text',
        body: 'new',
        replyToId: null,
        call: null,
        now: new Date().toISOString(),
      });
      expect(insert.message).toMatchObject({ seq: 4, version: 4 });
      const edited = await migrated.applyMessageAction({
        type: 'edit',
        conversationId: 'g1',
        messageId: 'm2',
        userId: 'u2',
        body: 'edited after migration',
        now: new Date().toISOString(),
      });
      expect(edited.message).toMatchObject({ seq: 2, version: 5 });
    } finally {
      // Drops the PostgreSQL schema; the SQLite directory goes in afterAll.
      await server.close();
    }
  });
});
