import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { repoDir } from './lib.js';

// Runs every bench scenario in its smoke size, so none can rot. It asserts that each ran and
// produced numbers, never anything about time: the figures depend on the machine.
const out = mkdtempSync(join(tmpdir(), 'parley-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test(
  'every bench scenario runs (smoke size) and writes a table of numbers',
  // call-setup and open-chat drive Chromium (and build the web client first when it is not built).
  { timeout: 420_000 },
  async () => {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(repoDir, 'server', 'bench', 'run.ts'), '--smoke', '--out', out],
      { cwd: repoDir, maxBuffer: 16 * 1024 * 1024 },
    );
    const read = (name: string) =>
      JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as {
        result: { table: Record<string, unknown>[] };
      };

    const fanout = read('fanout').result.table;
    expect(fanout.map((r) => r.system)).toEqual(['Parley', 'plain Socket.IO relay', 'bare ws relay']);
    for (const row of fanout) {
      expect(row.delivered).toBeGreaterThan(0);
      expect(typeof row['p99 ms']).toBe('number');
      expect(typeof row['CPU ÷ Socket.IO']).toBe('number');
    }
    const saturation = read('saturation').result.table;
    expect(saturation.length).toBeGreaterThanOrEqual(4);
    for (const row of saturation) expect(row.delivered).toBeGreaterThan(0);
    const capacity = read('capacity').result.table;
    expect(capacity.map((r) => r.system)).toEqual(['Parley', 'plain Socket.IO relay']);
    for (const row of capacity) expect(typeof row['accept CPU ms/socket']).toBe('number');
    const catchup = read('catchup').result.table;
    expect(catchup[0]!['catch-up ms']).toBeGreaterThan(0);
    const openChat = read('open-chat').result.table;
    expect(openChat.map((r) => r.measure)).toEqual([
      'list of 5 → rows painted',
      'big chat, 30 new → newest visible',
    ]);
    for (const row of openChat) expect(typeof row['ms after response']).toBe('number');
    // Real calls in Chromium, Parley's web client and the bare baseline, one each.
    const callSetup = read('call-setup').result.table;
    expect(callSetup.map((r) => r.system)).toEqual(['Parley', 'bare RTCPeerConnection']);
    for (const row of callSetup) {
      expect(row.calls).toBe(1);
      expect(typeof row['median ms']).toBe('number');
    }
    expect(typeof callSetup[0]!['median ÷ bare']).toBe('number');
    const desktopIpc = read('desktop-ipc').result.table;
    expect(desktopIpc.map((r) => r.way)).toEqual([
      'old: full snapshot per push',
      'new: patches (state-publisher)',
    ]);
    for (const row of desktopIpc) expect(row['IPC KB/s']).toBeGreaterThan(0);
    const store = read('store').result.table;
    expect(store.map((r) => r.writer)).toEqual(['thread', 'main']);
    for (const row of store) expect(row['CPU µs/msg']).toBeGreaterThan(0);
  },
);

test(
  'saturation with the raw Socket.IO generator: every message arrives, acks included, in both systems',
  { timeout: 120_000 },
  async () => {
    const dir = join(out, 'raw');
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoDir, 'server', 'bench', 'run.ts'),
        'saturation',
        '--smoke',
        '--raw-clients',
        '--out',
        dir,
      ],
      { cwd: repoDir, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(readFileSync(join(dir, 'saturation.json'), 'utf8')) as {
      result: {
        runs: { system: string; result: { deliveredShare: number; acked: number; sent: number } }[];
        summary: Record<string, unknown>[];
      };
    };
    expect(result.result.runs.map((r) => r.system)).toEqual(['parley', 'parley', 'socketio', 'socketio']);
    for (const { result: run } of result.result.runs) {
      expect(run.deliveredShare).toBe(1);
      expect(run.acked).toBe(run.sent);
    }
    expect(result.result.summary.map((r) => r.system)).toEqual(['Parley', 'plain Socket.IO relay']);
  },
);
