/**
 * Capacity: many idle authenticated sockets on Parley against the same number of plain
 * Socket.IO relay sockets. Reports RSS per socket, CPU per accepted socket (connecting them,
 * after the accounts exist) and idle CPU while they sit there.
 */
import { cpuSeconds, printTable, round, rssBytes, sleep } from './lib.js';
import { RELAY_LABEL, startSystem, type StartOptions, type SystemName } from './systems.js';

export interface CapacityOptions {
  sockets: number;
  group: number;
  idleSeconds: number;
  rounds: number;
  /** Parley and the relay, plus the baseline build when `--baseline-bin` names one. */
  systems?: SystemName[];
  start?: StartOptions;
}

export async function capacity(o: CapacityOptions) {
  const runs: Record<string, unknown>[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    for (const name of o.systems ?? (['parley', 'socketio'] as SystemName[])) {
      const system = await startSystem(name, o.start);
      try {
        const pid = system.proc.child.pid;
        await system.prepare(o.sockets, o.group);
        await sleep(500);
        const rssBefore = rssBytes(pid);
        const cpuBefore = cpuSeconds(pid);
        const clients = await system.connect();
        const acceptCpu = cpuSeconds(pid) - cpuBefore;
        await sleep(1000);
        const rssAfter = rssBytes(pid);
        const idleBefore = cpuSeconds(pid);
        await sleep(o.idleSeconds * 1000);
        const idleCpu = cpuSeconds(pid) - idleBefore;
        for (const c of clients) c.close();
        runs.push({
          round: r,
          system: RELAY_LABEL[name],
          sockets: o.sockets,
          'RSS KB/socket': round((rssAfter - rssBefore) / 1024 / o.sockets, 1),
          'accept CPU ms/socket': round((acceptCpu * 1000) / o.sockets, 3),
          'idle CPU %': round((idleCpu / o.idleSeconds) * 100, 1),
        });
      } finally {
        await system.stop();
      }
    }
  }
  printTable(`capacity: ${o.sockets} idle sockets`, runs);
  return { options: { ...o, start: undefined, systems: undefined }, table: runs };
}
