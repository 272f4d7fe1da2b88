import { copyFile, chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig, type Config } from '../config.js';
import { openRepository, sqlitePath } from '../storage/database.js';

/**
 * `parley-server backup FILE` and `parley-server restore FILE`, for SQLite.
 *
 * A backup is ONE SQLite file: SQLite's online backup of the live database (consistent while
 * the server keeps writing), with the JWT secret added to its `server_meta` table so the
 * restored server accepts the tokens clients hold. It is not encrypted: keep it like the
 * data directory itself. Attachment files are not in it (see docs/self-hosting.md).
 *
 * A restore puts such a file in place as the data directory's database (the server stopped),
 * writes the secret back to `DATA_DIR/jwt-secret`, and gives the data a new epoch.
 */

interface Io {
  out(line: string): void;
  err(line: string): void;
}
const stdio: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

const BACKUP_USAGE = 'Usage: parley-server backup FILE [--data-dir DIR]';
const RESTORE_USAGE = 'Usage: parley-server restore FILE [--data-dir DIR]   (with the server stopped)';

class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** FILE and the server's settings (flags and environment), SQLite only. */
function parse(argv: string[], env: NodeJS.ProcessEnv, usage: string): { file: string; config: Config } {
  const [file, ...rest] = argv;
  if (!file || file.startsWith('--')) throw new CliError(usage, 2);
  let config: Config;
  try {
    config = loadConfig(env, rest);
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${usage}`, 2);
  }
  if (config.databaseUrl && /^postgres(ql)?:/.test(config.databaseUrl)) {
    throw new CliError(
      'this server uses PostgreSQL: back up with pg_dump and restore with pg_restore, then run ' +
        '`parley-server admin new-epoch` (docs/self-hosting.md, "Backups")',
    );
  }
  return { file: resolve(file), config };
}

/** The JWT secret the server uses: JWT_SECRET, else DATA_DIR/jwt-secret (never created here). */
async function currentSecret(config: Config): Promise<string | undefined> {
  if (config.jwtSecret) return config.jwtSecret;
  try {
    return (await readFile(join(config.dataDir, 'jwt-secret'), 'utf8')).trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const setMeta = (db: SqliteDatabase.Database, key: string, value: string) =>
  db
    .prepare(
      'insert into server_meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
    )
    .run(key, value);

async function backup(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<void> {
  const { file, config } = parse(argv, env, BACKUP_USAGE);
  const source = sqlitePath(config);
  if (!(await exists(source))) throw new CliError(`no database at ${source} (check --data-dir)`);
  const partial = `${file}.partial-${process.pid}`;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const live = new SqliteDatabase(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    // SQLite's online backup restarts whenever another process writes between two steps:
    // after the first step, the rest goes in one, so a busy server cannot keep restarting it.
    // Each step reads one consistent snapshot; WAL lets the server keep writing meanwhile.
    await live.backup(partial, { progress: ({ remainingPages }) => Math.max(100, remainingPages) });
  } finally {
    live.close();
  }
  try {
    const copy = new SqliteDatabase(partial);
    try {
      // One self-contained file (no -wal beside it), whatever journal the server uses.
      copy.pragma('journal_mode = DELETE');
      copy.exec('create table if not exists server_meta (key text primary key, value text not null)');
      const secret = await currentSecret(config);
      if (secret) setMeta(copy, 'jwt_secret', secret);
      else io.err('parley-server backup: warning: no JWT secret found; restored users will sign in again');
      setMeta(copy, 'backup_at', new Date().toISOString());
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new CliError(`the backup failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    // It holds the secret: readable by its owner only.
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  io.out(`backup written to ${file} (${(await stat(file)).size} bytes)`);
}

/**
 * Whether a process has the database open: in WAL mode every open connection holds a shared
 * lock, so an exclusive one is refused while the server (or anything else) has it open.
 */
function assertNotInUse(path: string): void {
  const db = new SqliteDatabase(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('commit');
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new CliError(`${path} is in use: stop the server before restoring`);
    }
    throw err;
  } finally {
    // The last connection to close checkpoints the WAL into the file and removes it.
    db.close();
  }
}

async function restore(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<void> {
  const { file, config } = parse(argv, env, RESTORE_USAGE);
  if (!(await exists(file))) throw new CliError(`no backup at ${file}`);
  // A Parley backup: a sound SQLite file with Parley's tables.
  let secret: string | undefined;
  try {
    const backupDb = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      if (backupDb.pragma('quick_check', { simple: true }) !== 'ok')
        throw new Error('integrity check failed');
      backupDb.prepare('select 1 from users limit 1').all();
      const hasMeta = backupDb
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'server_meta'")
        .get();
      const row = hasMeta
        ? (backupDb.prepare("select value from server_meta where key = 'jwt_secret'").get() as
            { value: string } | undefined)
        : undefined;
      secret = row?.value;
    } finally {
      backupDb.close();
    }
  } catch (err) {
    throw new CliError(`${file} is not a Parley backup: ${(err as Error).message}`);
  }

  const target = sqlitePath(config);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (await exists(target)) {
    assertNotInUse(target);
    // Kept, not deleted: a restore over the wrong directory can be undone.
    await rename(target, `${target}.before-restore-${stamp}`);
    io.out(`the previous database is kept as ${target}.before-restore-${stamp}`);
  }
  const restoring = `${target}.restoring`;
  await copyFile(file, restoring);
  const db = new SqliteDatabase(restoring);
  try {
    // The secret goes back to its file, not into the live database.
    db.exec("delete from server_meta where key in ('jwt_secret', 'backup_at')");
    db.pragma('journal_mode = WAL');
  } catch {
    // A backup older than server_meta: the migration makes it on open below.
  } finally {
    db.close();
  }
  await rename(restoring, target);

  if (secret) {
    const secretFile = join(config.dataDir, 'jwt-secret');
    if (await exists(secretFile)) await rename(secretFile, `${secretFile}.before-restore-${stamp}`);
    await writeFile(secretFile, secret + '\n', { mode: 0o600 });
    if (config.jwtSecret && config.jwtSecret !== secret) {
      io.err('parley-server restore: warning: JWT_SECRET is set and differs from the backup’s secret');
    }
  }
  // Migrations (a backup made by an older release), then the new epoch.
  const repo = await openRepository(config);
  try {
    const epoch = await repo.newEpoch();
    await repo.appendAudit({
      at: new Date().toISOString(),
      action: 'server.new_epoch',
      actorId: null,
      targetId: null,
      ip: null,
      details: { via: 'restore', epoch, from: file },
    });
    io.out(`restored ${file} into ${config.dataDir}; new epoch ${epoch}`);
  } finally {
    await repo.close();
  }
}

/** `parley-server backup|restore ...`; resolves to the exit status (0 done, 1 failed, 2 usage). */
export async function runBackupCli(
  command: 'backup' | 'restore',
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = stdio,
): Promise<number> {
  try {
    await (command === 'backup' ? backup : restore)(argv, env, io);
    return 0;
  } catch (err) {
    io.err(`parley-server ${command}: ${(err as Error).message}`);
    return err instanceof CliError ? err.status : 1;
  }
}
