/**
 * Catch-up through the client core: runs shared/bench/catch-up.ts (a client core offline
 * while conversations change, then back online) and reads the JSON it prints.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { printTable, repoDir } from './lib.js';

export async function catchup(o: { conversations: number; changes: number; rounds: number }) {
  const runs: Record<string, unknown>[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(repoDir, 'shared', 'bench', 'catch-up.ts'),
          String(o.conversations),
          String(o.changes),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], cwd: repoDir },
      );
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`catch-up.ts exited ${code}`)),
      );
    });
    const result = JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>;
    runs.push({
      round: r,
      conversations: result.conversations,
      'changes each': result.changesPerConversation,
      'catch-up ms': result.catchUpMs,
      'changes/s': result.changesPerSecond,
      'write ms': result.writeMs,
    });
  }
  printTable(
    `catchup: ${o.conversations} conversations × ${o.changes} changes, through the client core`,
    runs,
  );
  return { options: o, table: runs };
}
