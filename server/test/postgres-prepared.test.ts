/**
 * PostgreSQL only (PARLEY_TEST_DATABASE_URL): a batch of plain messages in one statement
 * (insertBatchInOneStatement), sent as a named prepared statement whatever the batch's size,
 * so PostgreSQL parses and plans it once per connection; nothing unmarked is prepared.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/storage/migrations.js';
import { insertBatchInOneStatement } from '../src/storage/postgres-message-batch.js';
import { PreparingClient, SchemaScopedPostgresDialect } from '../src/storage/postgres-dialect.js';
import type { Database } from '../src/storage/schema.js';

const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
const schema = `parley_prepared_${randomBytes(6).toString('hex')}`;
let db: Kysely<Database>;

describe.skipIf(!pgUrl)('PostgreSQL prepared statements', () => {
  beforeAll(async () => {
    // One connection, so every statement below shares its prepared statements.
    const pool = new pg.Pool({
      connectionString: pgUrl,
      max: 1,
      Client: PreparingClient,
      options: `-c search_path=${schema}`,
    });
    db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
    await sql`create schema ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db as unknown as Kysely<unknown>, schema);
    const t = new Date().toISOString();
    for (const id of ['u1', 'u2', 'u3']) {
      await sql`insert into users (id, username, display_name, password_hash, created_at)
                values (${id}, ${id}, ${id}, 'x', ${t})`.execute(db);
    }
    for (const [conversation, members] of [
      ['g1', ['u1', 'u2']],
      ['g2', ['u2', 'u3']],
    ] as const) {
      await sql`insert into conversations (id, type, title, created_by, created_at, last_activity_at)
                values (${conversation}, 'group', 'g', ${members[0]}, ${t}, ${t})`.execute(db);
      for (const id of members) {
        await sql`insert into conversation_members (conversation_id, user_id, joined_at)
                  values (${conversation}, ${id}, ${t})`.execute(db);
      }
    }
  });
  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
  });

  const prepared = async () =>
    (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map(
      (r) => r.name,
    );

  const message = (conversationId: string, senderId: string, clientId: string) => ({
    conversationId,
    senderId,
    clientId,
    kind: 'text' as const,
    body: `hello ${clientId}`,
    replyToId: null,
    call: null,
    now: new Date().toISOString(),
  });
  const stored = async () =>
    (
      await sql<{ conversation_id: string; seq: number; version: number; client_id: string }>`
        select conversation_id, seq, version, client_id from messages
        order by conversation_id, seq`.execute(db)
    ).rows;

  it('stores a batch in one prepared statement: gap-free seqs per conversation, members only', async () => {
    expect(await prepared()).toEqual([]);
    // In conversation order, arrival order within one (as runBatch hands them over); u3 is
    // not a member of g1.
    const first = await insertBatchInOneStatement(db, [
      message('g1', 'u1', 'a1'),
      message('g1', 'u3', 'x1'),
      message('g1', 'u2', 'a2'),
      message('g2', 'u3', 'b1'),
    ]);
    expect(first?.map((r) => r && [r.message.conversationId, r.message.seq, r.message.clientId])).toEqual([
      ['g1', 1, 'a1'],
      undefined,
      ['g1', 2, 'a2'],
      ['g2', 1, 'b1'],
    ]);
    const second = await insertBatchInOneStatement(db, [message('g1', 'u1', 'a3')]);
    expect(second?.[0]?.message).toMatchObject({ seq: 3, version: 3, body: 'hello a3' });
    // Both sizes ran the one statement it prepared; nothing else was prepared.
    expect(await prepared()).toEqual(['insert_message_batch']);
    expect(await stored()).toEqual([
      { conversation_id: 'g1', seq: 1, version: 1, client_id: 'a1' },
      { conversation_id: 'g1', seq: 2, version: 2, client_id: 'a2' },
      { conversation_id: 'g1', seq: 3, version: 3, client_id: 'a3' },
      { conversation_id: 'g2', seq: 1, version: 1, client_id: 'b1' },
    ]);
    const conversations = await sql<{ id: string; last_seq: number; version: number }>`
      select id, last_seq, version from conversations order by id`.execute(db);
    expect(conversations.rows).toEqual([
      { id: 'g1', last_seq: 3, version: 3 },
      { id: 'g2', last_seq: 1, version: 1 },
    ]);
    // Sending implies reading: each sender's position is at their last message.
    const reads = await sql<{ conversation_id: string; user_id: string; read_seq: number }>`
      select conversation_id, user_id, read_seq from conversation_members
      order by conversation_id, user_id`.execute(db);
    expect(reads.rows).toEqual([
      { conversation_id: 'g1', user_id: 'u1', read_seq: 3 },
      { conversation_id: 'g1', user_id: 'u2', read_seq: 2 },
      { conversation_id: 'g2', user_id: 'u2', read_seq: 0 },
      { conversation_id: 'g2', user_id: 'u3', read_seq: 1 },
    ]);
  });

  it('stores nothing of a batch with a taken clientId, and stays usable', async () => {
    const before = await stored();
    // A retry of a stored message, and a clientId twice in one batch.
    expect(
      await insertBatchInOneStatement(db, [message('g1', 'u2', 'new'), message('g1', 'u1', 'a1')]),
    ).toBeNull();
    expect(
      await insertBatchInOneStatement(db, [message('g2', 'u2', 'd'), message('g2', 'u2', 'd')]),
    ).toBeNull();
    expect(await stored()).toEqual(before);
    expect((await insertBatchInOneStatement(db, [message('g1', 'u2', 'new')]))?.[0]?.message.seq).toBe(4);
  });
});
