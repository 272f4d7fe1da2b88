/**
 * Storage cost per message: the process CPU of storing plain messages through the real
 * SQLite repository at a steady rate, with the writer thread (the default) and with
 * PARLEY_SQLITE_WRITER=main, in alternating fresh processes (store-worker.ts). Fan-out's CPU
 * beyond the relay's is mostly this (docs/performance.md, "Where fan-out's CPU goes now").
 */
import { printTable, round, runScriptForJson } from './lib.js';

interface Result {
  cpuUsPerMessage: number;
  userUsPerMessage: number;
  systemUsPerMessage: number;
  coreShare: number;
}

export async function store(o: { rate: number; messages: number; rounds: number }) {
  const runs: Record<string, unknown>[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    for (const writer of ['thread', 'main'] as const) {
      const result = await runScriptForJson<Result>('server/bench/store-worker.ts', [o.rate, o.messages], {
        PARLEY_SQLITE_WRITER: writer,
      });
      runs.push({
        round: r,
        writer,
        'CPU µs/msg': round(result.cpuUsPerMessage, 1),
        'user µs/msg': round(result.userUsPerMessage, 1),
        'system µs/msg': round(result.systemUsPerMessage, 1),
        'share of a core': round(result.coreShare, 3),
      });
    }
  }
  printTable(`store: ${o.messages} plain messages at ${o.rate}/s into SQLite, through the repository`, runs);
  return { options: o, table: runs };
}
