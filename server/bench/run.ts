/**
 * The benches by name. Each prints a Markdown table (with the load average) and writes
 * JSON to bench-results/<name>.json (git-ignored).
 *
 *   npm run bench                          # every scenario, short versions
 *   npm run bench -- fanout                # one scenario, full size
 *   npm run bench -- fanout --rounds 3 --users 1000 --rate 500 --seconds 10
 *   npm run bench -- --smoke               # every scenario in a few seconds (the test runs this)
 *   npm run bench -- fanout --profile prof # CPU profile of Parley's server (node --cpu-prof)
 *                                          # (call-setup: also the callee page's, per call)
 *   npm run bench -- fanout --database-url postgres://...   # adds Parley on PostgreSQL
 *   npm run bench -- fanout --baseline-bin /tmp/main-bin.js # before/after in one run
 *   npm run bench -- call-setup --calls 12 --ring-ms 1000   # needs npm run build:web first
 *   npm run bench -- saturation --raw-clients  # a generator cheap enough to saturate the server first
 *
 * Scenarios: fanout (Parley vs a plain Socket.IO relay vs a bare ws relay, ratios to the
 * Socket.IO relay), saturation (a rate sweep, Parley vs the Socket.IO relay), capacity (idle
 * authenticated sockets), catchup (through the client core), call-setup (Accept → first remote
 * video frame in Chromium, Parley's web client vs bare RTCPeerConnection pages), open-chat
 * (the web client in Chromium: a list of 1,000 conversations to rows on screen, and a chat
 * that got 1,000 messages while away to its newest message; `--conversations`, `--messages`),
 * desktop-ipc (Electron main's state pushes with 1,000 conversations and a 50 msg/s stream:
 * full snapshots against the state publisher's patches; `--conversations`, `--rate`, `--seconds`),
 * store (CPU per message stored through the SQLite repository, writer thread against
 * PARLEY_SQLITE_WRITER=main; `--rate`, `--messages`).
 * The machine is usually shared:
 * compare the ratios within one run, not absolute numbers between runs.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { callSetup } from './call-setup.js';
import { capacity } from './capacity.js';
import { catchup } from './catchup.js';
import { desktopIpc } from './desktop-ipc.js';
import { fanout, saturation } from './fanout.js';
import { openChat } from './open-chat.js';
import { store } from './store.js';
import { loadAverage, repoDir, writeResult } from './lib.js';
import type { StartOptions, SystemName } from './systems.js';

const SCENARIOS = [
  'fanout',
  'saturation',
  'capacity',
  'catchup',
  'call-setup',
  'open-chat',
  'desktop-ipc',
  'store',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    users: { type: 'string' },
    group: { type: 'string' },
    rate: { type: 'string' },
    rates: { type: 'string' },
    seconds: { type: 'string' },
    sockets: { type: 'string' },
    conversations: { type: 'string' },
    messages: { type: 'string' },
    systems: { type: 'string' },
    out: { type: 'string', default: join(repoDir, 'bench-results') },
    profile: { type: 'string' },
    bin: { type: 'string' },
    'database-url': { type: 'string' },
    /** fanout, saturation, capacity: the generator's clients speak Socket.IO over bare ws (raw-socketio.ts). */
    'raw-clients': { type: 'boolean', default: false },
    /** Also run this Parley build (e.g. main's server/dist/bin.js) in fanout and saturation. */
    'baseline-bin': { type: 'string' },
    /** call-setup: calls per system, ring time before Accept, another built web client. */
    calls: { type: 'string' },
    'ring-ms': { type: 'string' },
    'web-dir': { type: 'string' },
    /** call-setup: the bare baseline's callee opens its media on Accept (the old order). */
    'bare-media-at-accept': { type: 'boolean', default: false },
  },
});

const unknown = positionals.filter((p) => !SCENARIOS.includes(p as Scenario));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const chosen: Scenario[] = positionals.length > 0 ? (positionals as Scenario[]) : [...SCENARIOS];
// Named alone: the full size. All at once: the short versions. --smoke: a few seconds each.
const size: 'smoke' | 'short' | 'full' = args.smoke ? 'smoke' : positionals.length > 0 ? 'full' : 'short';
const pick = <T>(smoke: T, short: T, full: T): T =>
  size === 'smoke' ? smoke : size === 'short' ? short : full;
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

const start: StartOptions = {
  ...(args.profile ? { profile: args.profile } : {}),
  ...(args.bin ? { bin: args.bin } : {}),
  ...(args['baseline-bin'] ? { baselineBin: args['baseline-bin'] } : {}),
  ...(args['database-url'] ? { databaseUrl: args['database-url'] } : {}),
  ...(args['raw-clients'] ? { rawClients: true } : {}),
};
/** Parley, plus its baseline build and its PostgreSQL variants when asked for. */
const withBaseline = (systems: SystemName[]): SystemName[] => [
  ...systems,
  ...(args['baseline-bin'] ? (['baseline'] as const) : []),
  ...(args['database-url'] ? (['parley-pg'] as const) : []),
  ...(args['database-url'] && args['baseline-bin'] ? (['baseline-pg'] as const) : []),
];
const rounds = num(args.rounds, pick(1, 2, 3));
const group = num(args.group, 10);

async function runScenario(name: Scenario): Promise<unknown> {
  switch (name) {
    case 'fanout':
      return fanout({
        users: num(args.users, pick(40, 1000, 1000)),
        group,
        rate: num(args.rate, pick(40, 500, 500)),
        seconds: num(args.seconds, pick(1, 5, 10)),
        rounds,
        systems: (args.systems?.split(',') as SystemName[] | undefined) ?? [
          ...withBaseline(['parley']),
          'socketio',
          'ws',
        ],
        start,
      });
    case 'saturation':
      return saturation({
        users: num(args.users, pick(40, 1000, 1000)),
        group,
        rate: 0,
        rates:
          args.rates?.split(',').map(Number) ??
          pick([50, 100], [1000, 2500, 4000], [1000, 2000, 3000, 4000, 5000, 6000]),
        seconds: num(args.seconds, pick(1, 3, 5)),
        rounds: num(args.rounds, 1),
        systems: (args.systems?.split(',') as SystemName[] | undefined) ?? [
          ...withBaseline(['parley']),
          'socketio',
        ],
        start,
      });
    case 'capacity':
      return capacity({
        sockets: num(args.sockets, pick(50, 1000, 5000)),
        group,
        idleSeconds: pick(1, 5, 10),
        rounds: num(args.rounds, 1),
        systems: withBaseline(['parley', 'socketio']),
        start,
      });
    case 'catchup':
      return catchup({
        conversations: pick(2, 10, 10),
        changes: pick(30, 300, 1000),
        rounds: num(args.rounds, 1),
      });
    case 'call-setup':
      return callSetup({
        calls: num(args.calls, pick(1, 6, 12)),
        ringMs: num(args['ring-ms'], pick(300, 1000, 1000)),
        bareMediaAtAccept: args['bare-media-at-accept'],
        ...(args['web-dir'] ? { webDir: args['web-dir'] } : {}),
        start,
      });
    case 'open-chat':
      return openChat({
        conversations: num(args.conversations, pick(5, 300, 1000)),
        messages: num(args.messages, pick(30, 1000, 1000)),
        rounds,
        ...(args['web-dir'] ? { webDir: args['web-dir'] } : {}),
        timeoutMs: pick(60_000, 60_000, 120_000),
      });
    case 'desktop-ipc':
      return desktopIpc({
        conversations: num(args.conversations, pick(50, 1000, 1000)),
        rate: num(args.rate, 50),
        seconds: num(args.seconds, pick(2, 5, 10)),
        rounds: num(args.rounds, 1),
      });
    case 'store':
      return store({
        rate: num(args.rate, pick(200, 500, 500)),
        messages: num(args.messages, pick(100, 2000, 4000)),
        rounds: num(args.rounds, pick(1, 1, 2)),
      });
  }
}

console.log(`bench (${size}): ${chosen.join(', ')}; load average ${loadAverage()}; node ${process.version}`);
for (const name of chosen) {
  const result = await runScenario(name);
  console.log(`wrote ${writeResult(args.out, name, { size, ...(result as object) })}`);
}
