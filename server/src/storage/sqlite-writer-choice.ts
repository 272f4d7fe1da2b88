import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where SQLite's message writes run: `thread` (sqlite-writer.ts: COMMIT and its fsync off the
 * event loop) or `main` (on the main connection). The thread costs a `postMessage` round trip
 * per batch, 150–190 µs of CPU per message at 500 msg/s (`npm run bench -- store`), which buys
 * nothing when an fsync takes a tenth of a millisecond, and a great deal when it takes several
 * (a spinning disk, a network volume): the event loop would stand still for each one.
 */
export type SqliteWriterMode = 'thread' | 'main';

/** An fsync at or above this (the median of a few) makes the writer a thread of its own. */
export const SLOW_FSYNC_MS = 1;
const PROBES = 7;

export interface SqliteWriterChoice {
  mode: SqliteWriterMode;
  /** Why: the operator's setting, or the measured median fsync. */
  reason: 'configured' | 'measured';
  fsyncMs?: number;
}

/**
 * PARLEY_SQLITE_WRITER: `thread`, `main`, or unset / `auto` (the default): measure the data
 * directory's fsync at start-up (a few 4 KiB writes, each synced, to a file removed after) and
 * take the thread when it is slow. Anything else is a configuration error.
 */
export async function chooseSqliteWriter(
  dataDir: string,
  setting: string | undefined,
  /** How the fsync is timed (tests pass a slow or a fast disk). */
  measure: (dir: string) => Promise<number> = medianFsyncMs,
): Promise<SqliteWriterChoice> {
  if (setting === 'thread' || setting === 'main') return { mode: setting, reason: 'configured' };
  if (setting !== undefined && setting !== '' && setting !== 'auto') {
    throw new Error(`PARLEY_SQLITE_WRITER must be thread, main or auto (got "${setting}")`);
  }
  const fsyncMs = await measure(dataDir);
  return { mode: fsyncMs >= SLOW_FSYNC_MS ? 'thread' : 'main', reason: 'measured', fsyncMs };
}

async function medianFsyncMs(dir: string): Promise<number> {
  const file = join(dir, `.fsync-probe-${randomBytes(6).toString('hex')}`);
  const handle = await open(file, 'w', 0o600);
  const page = Buffer.alloc(4096, 0x5a);
  const times: number[] = [];
  try {
    for (let i = 0; i < PROBES; i++) {
      await handle.write(page, 0, page.length, 0);
      const started = performance.now();
      await handle.sync();
      times.push(performance.now() - started);
    }
  } finally {
    await handle.close();
    await unlink(file).catch(() => undefined);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
