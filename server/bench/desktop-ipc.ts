/**
 * Desktop IPC: what Electron's main process pays to keep the renderer's state current, the
 * old way (a full snapshot per coalesced push) against the new one (the state publisher's
 * patches), in the same run. Runs electron/tools/desktop-ipc-bench.ts (a real client core
 * against a real server, main's own coalescer and publisher) and reads the JSON it prints.
 * Issue 14's target 7: under 1 MB/s of IPC and under 20 ms/s of serialisation.
 */
import { printTable, round, runScriptForJson } from './lib.js';

/** Target 7, per second of a 50 msg/s stream with 1,000 conversations. */
const TARGET_BYTES_PER_SECOND = 1_000_000;
const TARGET_MS_PER_SECOND = 20;

interface Way {
  pushesPerSecond: number;
  bytesPerSecond: number;
  maxBytesInASecond: number;
  serializeMsPerSecond: number;
  maxSerializeMsInASecond: number;
  diffMsPerSecond: number;
  replayedSerializeMsPerSecond: number;
  replayedDiffMsPerSecond: number;
}
interface Result {
  conversations: number;
  rate: number;
  seconds: number;
  snapshotBytes: number;
  old: Way;
  new: Way;
  receiverMatches: boolean;
}

export async function desktopIpc(o: {
  conversations: number;
  rate: number;
  seconds: number;
  rounds: number;
}) {
  const runs: Record<string, unknown>[] = [];
  const results: Result[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const result = await runScriptForJson<Result>('electron/tools/desktop-ipc-bench.ts', [
      o.conversations,
      o.rate,
      o.seconds,
    ]);
    if (!result.receiverMatches)
      throw new Error('desktop-ipc: the patched state differs from the core state');
    results.push(result);
    for (const [label, way] of [
      ['old: full snapshot per push', result.old],
      ['new: patches (state-publisher)', result.new],
    ] as const) {
      // Main's whole cost per second: serialisation, plus the diff for the new way.
      const liveMs = way.serializeMsPerSecond + way.diffMsPerSecond;
      const replayedMs = way.replayedSerializeMsPerSecond + way.replayedDiffMsPerSecond;
      runs.push({
        round: r,
        way: label,
        'pushes/s': round(way.pushesPerSecond, 1),
        'IPC KB/s': round(way.bytesPerSecond / 1000, 1),
        'worst second KB': round(way.maxBytesInASecond / 1000, 1),
        'live serialise ms/s': round(way.serializeMsPerSecond, 1),
        'live diff ms/s': round(way.diffMsPerSecond, 1),
        'replayed serialise + diff ms/s': round(replayedMs, 2),
        'bytes ÷ target': round(way.bytesPerSecond / TARGET_BYTES_PER_SECOND, 3),
        'live ms ÷ target': round(liveMs / TARGET_MS_PER_SECOND, 3),
        'replayed ms ÷ target': round(replayedMs / TARGET_MS_PER_SECOND, 3),
      });
    }
  }
  printTable(
    `desktop-ipc: ${o.conversations} conversations, ${o.rate} msg/s into the open one for ${o.seconds} s, ` +
      `targets ${TARGET_BYTES_PER_SECOND / 1e6} MB/s and ${TARGET_MS_PER_SECOND} ms/s`,
    runs,
  );
  const snapshotKb = results.map((r) => round(r.snapshotBytes / 1000, 1)).join(', ');
  console.log(`\none full snapshot: ${snapshotKb} KB; the patched state matched the core's in every round`);
  return { options: o, table: runs, raw: results };
}
