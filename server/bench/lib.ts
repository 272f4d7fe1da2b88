/** Helpers the bench scenarios share: processes, CPU and memory from /proc, stats, output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = join(serverDir, '..');

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a Node process and resolves once it printed an http URL on stdout. */
export async function spawnUntilUrl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /https?:\/\/[\w.:[\]-]+/.exec(out);
      if (match) resolve(match[0].replace('0.0.0.0', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; else NaN). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by every local PostgreSQL process (postmaster, backends, writers),
 * from /proc: PostgreSQL's share of a run when the database runs on the same machine.
 * Backends that exit within a window take their seconds with them; the bench's pool keeps its
 * connections for the whole run.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The process exited while we looked.
    }
  }
  return total;
}

/** Resident set size of a process in bytes, from /proc (Linux; else NaN). */
export function rssBytes(pid: number | undefined): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? +n.toFixed(digits) : null);

export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Prints rows as a Markdown table (so it pastes into docs/performance.md as is). */
export function printTable(title: string, rows: Record<string, unknown>[]): void {
  console.log(`\n### ${title} (load average ${loadAverage()})\n`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '–' : String(v));
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${cols.map((c) => cell(row[c])).join(' | ')} |`);
}

/** Writes a scenario's result as JSON under the output directory; returns the path. */
export function writeResult(outDir: string, name: string, result: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        scenario: name,
        date: new Date().toISOString(),
        loadAverage: loadAverage(),
        node: process.version,
        result,
      },
      null,
      2,
    ),
  );
  return file;
}

/**
 * Runs a TypeScript script of the repository (through tsx) in its own process and returns the
 * JSON object it prints last on stdout (a run in a fresh process: no garbage of the last round).
 */
export async function runScriptForJson<T>(
  script: string,
  args: (string | number)[],
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoDir, script), ...args.map(String)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: repoDir,
      env: { ...process.env, ...env },
    });
    let text = '';
    child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`${script} exited ${code}`)),
    );
  });
  return JSON.parse(out.slice(out.indexOf('{'))) as T;
}
