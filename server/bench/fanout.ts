/**
 * Fan-out and saturation: clients in rooms of `group`, a steady message rate, delivery
 * latency (send to every other member's receipt) and the server's CPU, for Parley and the
 * two reference relays in the same run, in interleaved rounds (a shared machine's noise
 * then hits all of them alike; compare the ratios, not the absolute figures).
 */
import { cpuSeconds, percentile, postgresCpuSeconds, printTable, round, sleep } from './lib.js';
import { RELAY_LABEL, startSystem, type BenchClient, type StartOptions, type SystemName } from './systems.js';

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  acked: number;
  failedAcks: number;
  deliveredShare: number | null;
  p50: number | null;
  p99: number | null;
  ackP99: number | null;
  /** Server CPU seconds (user + system) while sending and draining. */
  cpuSeconds: number | null;
  cpuMsPerMessage: number | null;
  /** The load generator's own CPU seconds (this process) over the same window. */
  generatorCpuSeconds: number | null;
  /** Every local PostgreSQL process's CPU seconds over the same window (meaningful for the -pg systems). */
  postgresCpuSeconds: number | null;
}

/**
 * Sends `rate` messages a second for `seconds` over `clients` (message n goes to room
 * n mod rooms, from a random member), waits for the tail (at most `drainMs`), and measures.
 * Bodies carry the send time and the sender's index, so a receiver can time it and skip its own.
 */
export async function runLoad(
  pid: number | undefined,
  clients: BenchClient[],
  group: number,
  rate: number,
  seconds: number,
  drainMs = 5000,
): Promise<LoadResult> {
  const rooms = Math.floor(clients.length / group);
  const deliveries: number[] = [];
  const acks: number[] = [];
  let failedAcks = 0;
  const listeners = clients.map((_, self) => (body: string) => {
    const [at, from] = body.split(' ');
    if (Number(from) !== self) deliveries.push(performance.timeOrigin + performance.now() - Number(at));
  });
  const active = { on: true };
  clients.forEach((c, i) => c.onMessage((body) => active.on && listeners[i]!(body)));
  const total = Math.round(rate * seconds);
  let sent = 0;
  const started = performance.now();
  const cpuBefore = cpuSeconds(pid);
  const generatorBefore = process.cpuUsage();
  const postgresBefore = postgresCpuSeconds();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      // Send whatever is due by now, so timer jitter does not lower the rate.
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        const room = sent % rooms;
        const sender = room * group + Math.floor(Math.random() * group);
        const sentAt = performance.timeOrigin + performance.now();
        clients[sender]!.send(`${sentAt} ${sender}`, (ok) => {
          if (ok) acks.push(performance.timeOrigin + performance.now() - sentAt);
          else failedAcks++;
        });
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  const expected = total * (group - 1);
  const drainUntil = performance.now() + drainMs;
  while (
    (deliveries.length < expected || acks.length + failedAcks < total) &&
    performance.now() < drainUntil
  ) {
    await sleep(50);
  }
  const cpu = cpuSeconds(pid) - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  const postgres = postgresCpuSeconds() - postgresBefore;
  active.on = false;
  deliveries.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    rate,
    seconds,
    sent: total,
    acked: acks.length,
    failedAcks,
    deliveredShare: round(deliveries.length / expected, 4),
    p50: round(percentile(deliveries, 50), 1),
    p99: round(percentile(deliveries, 99), 1),
    ackP99: round(percentile(acks, 99), 1),
    cpuSeconds: round(cpu),
    cpuMsPerMessage: round((cpu * 1000) / Math.max(1, total), 3),
    generatorCpuSeconds: round((generator.user + generator.system) / 1e6),
    postgresCpuSeconds: round(postgres),
  };
}

export interface FanoutOptions {
  users: number;
  group: number;
  rate: number;
  seconds: number;
  rounds: number;
  systems: SystemName[];
  start?: StartOptions;
}

/** One system: start it, connect, run the load, stop. */
async function measure(name: SystemName, o: FanoutOptions, rates: number[], seconds: number) {
  const system = await startSystem(name, o.start);
  try {
    await system.prepare(o.users, o.group);
    const clients = await system.connect();
    await sleep(300); // let the joins and presence settle
    const results: LoadResult[] = [];
    for (const rate of rates)
      results.push(await runLoad(system.proc.child.pid, clients, o.group, rate, seconds));
    for (const c of clients) c.close();
    return results;
  } finally {
    await system.stop();
  }
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b != null && b > 0 ? round(a / b) : null;

export async function fanout(o: FanoutOptions) {
  const rounds: { round: number; system: SystemName; result: LoadResult }[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    for (const name of o.systems) {
      const [result] = await measure(name, o, [o.rate], o.seconds);
      rounds.push({ round: r, system: name, result: result! });
    }
  }
  const rows = rounds.map(({ round: r, system, result }) => {
    const relay = rounds.find((x) => x.round === r && x.system === 'socketio')?.result;
    return {
      round: r,
      system: RELAY_LABEL[system],
      delivered: result.deliveredShare,
      'p50 ms': result.p50,
      'p99 ms': result.p99,
      'server CPU s': result.cpuSeconds,
      'CPU ÷ Socket.IO': ratio(result.cpuSeconds, relay?.cpuSeconds),
      'p99 ÷ Socket.IO': ratio(result.p99, relay?.p99),
      'generator CPU s': result.generatorCpuSeconds,
      'PostgreSQL CPU s': system.endsWith('-pg') ? result.postgresCpuSeconds : null,
    };
  });
  printTable(`fanout: ${o.users} clients, rooms of ${o.group}, ${o.rate} msg/s for ${o.seconds} s`, rows);
  return { options: { ...o, start: undefined }, rounds, table: rows };
}

export async function saturation(o: FanoutOptions & { rates: number[] }) {
  const runs: { system: SystemName; result: LoadResult }[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    for (const name of o.systems) {
      for (const result of await measure(name, o, o.rates, o.seconds)) runs.push({ system: name, result });
    }
  }
  const rows = runs.map(({ system, result }) => ({
    system: RELAY_LABEL[system],
    'rate msg/s': result.rate,
    delivered: result.deliveredShare,
    'p99 ms': result.p99,
    'ack p99 ms': result.ackP99,
    'CPU ms/msg': result.cpuMsPerMessage,
    'generator CPU s': result.generatorCpuSeconds,
  }));
  printTable(`saturation: ${o.users} clients, rooms of ${o.group}, ${o.seconds} s per rate`, rows);
  const summary = sustainedRates(runs, Math.max(...o.rates));
  printTable(
    `saturation: the highest rate with every message delivered and p99 ≤ ${SUSTAINED_P99_MS} ms`,
    summary,
  );
  return { options: { ...o, start: undefined }, runs, table: rows, summary };
}

/** Target 1c's line: a rate is sustained when everything arrived and the p99 stayed under this. */
const SUSTAINED_P99_MS = 100;

/**
 * Per system, the highest rate of the sweep it sustained (in every round, and every rate below
 * it too), and its ratio to the Socket.IO relay's. A relay that sustained even the sweep's top
 * rate has not saturated: its rate is then a lower bound ("≥"), and Parley's ratio an upper
 * bound.
 */
function sustainedRates(runs: { system: SystemName; result: LoadResult }[], topRate: number) {
  // The sweep from the bottom up, to the first rate it did not sustain.
  const sustained = (system: SystemName) => {
    const mine = runs.filter((r) => r.system === system);
    const rates = [...new Set(mine.map((r) => r.result.rate))].sort((a, b) => a - b);
    let best: number | null = null;
    for (const rate of rates) {
      const held = mine
        .filter((r) => r.result.rate === rate)
        .every((r) => r.result.deliveredShare === 1 && (r.result.p99 ?? Infinity) <= SUSTAINED_P99_MS);
      if (!held) break;
      best = rate;
    }
    return best;
  };
  const relay = sustained('socketio');
  const relayOpen = relay === topRate;
  return [...new Set(runs.map((r) => r.system))].map((system) => {
    const rate = sustained(system);
    return {
      system: RELAY_LABEL[system],
      'sustained msg/s': rate === null ? 'none' : rate === topRate ? `≥ ${rate}` : rate,
      '÷ Socket.IO relay':
        rate === null || relay === null
          ? null
          : `${relayOpen && system !== 'socketio' ? '≤ ' : ''}${round(rate / relay)}`,
    };
  });
}
