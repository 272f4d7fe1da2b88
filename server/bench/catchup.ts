/**
 * Catch-up through the client core: runs shared/bench/catch-up.ts (a client core offline
 * while conversations change, then back online) and reads the JSON it prints.
 */
import { printTable, runScriptForJson } from './lib.js';

export async function catchup(o: { conversations: number; changes: number; rounds: number }) {
  const runs: Record<string, unknown>[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const result = await runScriptForJson<Record<string, unknown>>('shared/bench/catch-up.ts', [
      o.conversations,
      o.changes,
    ]);
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
