import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { KyselyRepository } from './kysely-repository.js';
import { migrateToLatest } from './migrations.js';
import { SchemaScopedPostgresDialect } from './postgres-dialect.js';
import type { Repository } from './repository.js';
import type { Database } from './schema.js';

export interface OpenOptions {
  /** Called with every query's duration in seconds (the metrics' database histogram). */
  onQuery?: (seconds: number) => void;
}

/** Kysely's log hook, reduced to query durations; none at all when nobody listens. */
function queryLog({ onQuery }: OpenOptions): ((event: LogEvent) => void) | undefined {
  if (!onQuery) return undefined;
  return (event) => {
    if (event.level === 'query') onQuery(event.queryDurationMillis / 1000);
  };
}

/** The SQLite file for a config: `DATABASE_URL=sqlite:<path>` or `DATA_DIR/parley.db`. */
export function sqlitePath(config: Config): string {
  const url = config.databaseUrl;
  if (url && /^(sqlite|file):/.test(url)) return resolve(url.replace(/^(sqlite|file):(\/\/)?/, ''));
  return join(config.dataDir, 'parley.db');
}

/**
 * Opens the configured database, runs pending migrations and returns the repository.
 * PostgreSQL when DATABASE_URL is postgres://..., otherwise SQLite in the data directory.
 */
export async function openRepository(config: Config, options: OpenOptions = {}): Promise<Repository> {
  if (config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    return openPostgres(config.databaseUrl, config.databaseSchema, options);
  }
  const file = sqlitePath(config);
  await mkdir(resolve(file, '..'), { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(file);
  // WAL: readers never block the writer. synchronous=FULL: a commit (and so an ack) survives
  // power loss, not only a process crash. Its fsync runs on the event loop (better-sqlite3 is
  // synchronous) and costs 1 to 5 ms here, which is why message inserts are group-committed
  // (storage/group-commit.ts): one fsync per batch, not per message. NORMAL would make the
  // commit nearly free but lets the last acknowledged messages vanish on power loss, breaking
  // "acknowledged means committed"; batching gets the throughput without that.
  // busy_timeout: wait instead of failing if another process (a backup) holds a lock.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log: queryLog(options),
  });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyRepository(db, 'sqlite', sqlite);
}

/**
 * Kysely's SQLite driver prepares every query anew; on the message path that was a tenth of
 * the server's CPU. Kysely emits the same SQL text for the same query shape (values are
 * parameters), so prepared statements are kept by text, least recently used dropped first.
 * Reusing one is safe: the driver runs one query at a time on the single connection and
 * uses `all`/`run`, which finish before returning (it would not be with `iterate`, which
 * only Kysely's `stream()` uses, and nothing here streams).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 256) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  options: OpenOptions,
): Promise<Repository> {
  // int8 (count(*)) arrives as a string by default; every count here fits a JS number.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Every connection of the pool works in the configured schema.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled it would kill the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new SchemaScopedPostgresDialect({ pool }, schema),
    log: queryLog(options),
  });
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db as unknown as Kysely<unknown>, schema);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyRepository(db, 'postgres');
}
