/**
 * Backup helpers for tests outside the server project (the client core's restore test, which
 * cannot use Node modules itself): the CLI as its own process, a restore, temporary folders.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBackupCli } from '../src/cli/backup.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

/** A new temporary folder and its removal. */
export async function tempFolder(
  prefix: string,
): Promise<{ path: string; join(...parts: string[]): string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** `parley-server backup FILE` on a SQLite data directory, as its own process (as an operator runs it). */
export function backupProcess(
  dataDir: string,
  file: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts', 'backup', file], {
    cwd: serverDir,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', JWT_SECRET: '', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** `parley-server restore FILE` into `dataDir` (in this process); its status and output. */
export async function restoreInto(file: string, dataDir: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runBackupCli(
    'restore',
    [file],
    { DATA_DIR: dataDir },
    { out: (l) => (out += l + '\n'), err: (l) => (out += l + '\n') },
  );
  return { code, out };
}
