import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kysely, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { KyselyRepository } from './kysely-repository.js';
import { migrateToLatest } from './migrations.js';
import { PreparingClient, SchemaScopedPostgresDialect } from './postgres-dialect.js';
import type { Repository } from './repository.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-open.js';
import { SqliteWriter } from './sqlite-writer.js';
import { chooseSqliteWriter, type SqliteWriterChoice } from './sqlite-writer-choice.js';

export interface OpenOptions {
  /** Called with every query's duration in seconds (the metrics' database histogram). */
  onQuery?: (seconds: number) => void;
  /**
   * SQLite: the message writer thread died (`fatal`: too often, writes now fail until a
   * restart). Its writes in flight were answered `unavailable`; see sqlite-writer.ts.
   */
  onWriterError?: (err: unknown, fatal: boolean) => void;
  /** SQLite: where message writes run, and why (see sqlite-writer-choice.ts). */
  onWriterChoice?: (choice: SqliteWriterChoice) => void;
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
  // The main connection: reads, migrations and the writes outside the message domain
  // (accounts, sessions, read positions, new conversations). Pragmas: see sqlite-open.ts.
  const { sqlite, db } = openSqlite(file, queryLog(options));
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  // Message writes: in a thread of their own where an fsync is slow enough to stall the
  // event loop, else on this connection (sqlite-writer-choice.ts, PARLEY_SQLITE_WRITER).
  let choice: SqliteWriterChoice;
  try {
    choice = await chooseSqliteWriter(resolve(file, '..'), process.env.PARLEY_SQLITE_WRITER);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  options.onWriterChoice?.(choice);
  if (choice.mode === 'main') return new KyselyRepository(db, 'sqlite', sqlite);
  const writer = new SqliteWriter(file, options.onWriterError);
  try {
    await writer.start();
  } catch (err) {
    await writer.close();
    await db.destroy();
    throw err;
  }
  return new KyselyRepository(db, 'sqlite', sqlite, writer);
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
    Client: PreparingClient,
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
