import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseSqliteWriter, SLOW_FSYNC_MS } from './sqlite-writer-choice.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const newDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-writer-choice-'));
  dirs.push(dir);
  return dir;
};

describe('where SQLite message writes run', () => {
  it('follows the operator when PARLEY_SQLITE_WRITER says thread or main, without measuring', async () => {
    const dir = await newDir();
    expect(await chooseSqliteWriter(dir, 'thread')).toEqual({ mode: 'thread', reason: 'configured' });
    expect(await chooseSqliteWriter(dir, 'main')).toEqual({ mode: 'main', reason: 'configured' });
  });

  it('measures the data directory’s fsync when unset or auto, and leaves no file behind', async () => {
    const dir = await newDir();
    for (const setting of [undefined, 'auto']) {
      const choice = await chooseSqliteWriter(dir, setting);
      expect(choice.reason).toBe('measured');
      expect(choice.fsyncMs).toBeGreaterThan(0);
      expect(choice.mode).toBe(choice.fsyncMs! >= SLOW_FSYNC_MS ? 'thread' : 'main');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes the thread for a slow disk and the main connection for a fast one', async () => {
    const dir = await newDir();
    const disk = (ms: number) => async () => ms;
    expect((await chooseSqliteWriter(dir, undefined, disk(8))).mode).toBe('thread');
    expect((await chooseSqliteWriter(dir, undefined, disk(SLOW_FSYNC_MS))).mode).toBe('thread');
    expect((await chooseSqliteWriter(dir, 'auto', disk(0.1))).mode).toBe('main');
    expect((await chooseSqliteWriter(dir, 'thread', disk(0.1))).mode).toBe('thread');
  });

  it('refuses anything else with a clear error', async () => {
    await expect(chooseSqliteWriter(await newDir(), 'threads')).rejects.toThrow(
      /PARLEY_SQLITE_WRITER must be thread, main or auto/,
    );
  });

  it('fails with the directory’s error when it cannot write there', async () => {
    await expect(chooseSqliteWriter(join(await newDir(), 'missing'), undefined)).rejects.toThrow(/ENOENT/);
  });
});
