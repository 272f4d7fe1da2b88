import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, type DatabaseConnection, type LogEvent } from 'kysely';
import type { Database } from './schema.js';

/**
 * One SQLite connection as Parley uses it, on the main thread (reads and the other writes)
 * and in the message writer's thread (sqlite-writer.ts): the same pragmas, the same
 * statement cache, the same kind of transaction.
 */
export function openSqlite(
  file: string,
  log?: (event: LogEvent) => void,
): { sqlite: SqliteDatabase.Database; db: Kysely<Database> } {
  const sqlite = new SqliteDatabase(file);
  try {
    // WAL: readers never block the writer, and the main connection's reads see what the
    // writer thread's connection committed. synchronous=FULL: a commit (and so an ack)
    // survives power loss, not only a process crash. Message inserts are group-committed
    // (group-commit.ts) in the writer thread, so that fsync no longer stalls the event loop.
    // busy_timeout: two connections of this process (and a backup) take turns at the write
    // lock; a writer waits for the other one's commit instead of failing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    ...(log ? { log } : {}),
  });
  return { sqlite, db };
}

/**
 * Transactions start with BEGIN IMMEDIATE, which takes the write lock up front (waiting up
 * to busy_timeout for it). With two connections writing, a plain (deferred) BEGIN that
 * reads first and writes later fails at once with SQLITE_BUSY, without waiting, when the
 * other connection committed in between: its snapshot is stale. Every transaction here
 * writes, so asking for the lock at BEGIN costs nothing.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
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
