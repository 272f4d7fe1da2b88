/**
 * Desktop IPC cost, run by `npm run bench -- desktop-ipc` (server/bench/desktop-ipc.ts reads
 * the JSON it prints). A real client core, signed in to a real server on a random port, has
 * `conversations` conversations with one open; another user's socket sends `rate` messages a
 * second into the open one for `seconds`. Every state change goes to two pushers, each
 * coalesced like main's (coalesce.ts):
 * - old: the whole `ClientState` per push, as main sent it before state-publisher.ts;
 * - new: main's state publisher (a snapshot once, then patches).
 * One way at a time (old, then new, the stream going on), so neither pays for the other's
 * garbage. Each push is measured as main pays for it: `v8.serialize` stands in for the
 * structured clone of `webContents.send` (its length is the bytes on the wire, its time the
 * serialisation), and for the new way the diff is timed too. Times come twice: live (wall
 * clock, so a busy machine's waits for a core count too) and replayed afterwards (the same
 * pushes on the recorded states, best of three). A receiver applies the new way's updates to a
 * deserialised copy and must end equal to the core's state.
 *
 *   npx tsx electron/tools/desktop-ipc-bench.ts [conversations=1000] [rate=50] [seconds=10]
 */
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { deserialize, serialize } from 'node:v8';
import { applyStatePatch, type ClientState, type StateUpdate } from '@parley/shared';
import { createParleyClient } from '@parley/shared/client';
import { createMemoryStorage } from '../../shared/src/client/memory-storage.js';
import { waitForState } from '../../shared/src/client/test-support.js';
import * as harness from '../../server/test/harness.js';
import { createCoalescer } from '../main/coalesce.js';
import { createStatePublisher } from '../main/state-publisher.js';

const conversationCount = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 50);
const seconds = Number(process.argv[4] ?? 10);
const HISTORY = 100;

/** Per-second sums for one way of pushing. */
interface Meter {
  pushes: number[];
  bytes: number[];
  serializeMs: number[];
  diffMs: number[];
  /** The state of every push, in order, for the replay. */
  states: ClientState[];
}
const meter = (): Meter => ({ pushes: [], bytes: [], serializeMs: [], diffMs: [], states: [] });
let measuring = false;
let measureStart = 0;
const bucket = () => Math.floor((performance.now() - measureStart) / 1000);
const add = (series: number[], value: number) => {
  if (!measuring) return;
  const b = bucket();
  if (b >= seconds) return;
  series[b] = (series[b] ?? 0) + value;
};
let serializeTotalMs = 0;
const timedSerialize = (m: Meter, payload: unknown): Buffer => {
  const start = performance.now();
  const buffer = serialize(payload);
  const ms = performance.now() - start;
  serializeTotalMs += ms;
  add(m.serializeMs, ms);
  add(m.bytes, buffer.length);
  add(m.pushes, 1);
  return buffer;
};

/**
 * The recorded pushes again, back to back: serialisation and (new way) diff time in total,
 * the best of three. `states[0]` is where the new way's publisher starts (its snapshot).
 */
function replay(states: ClientState[], way: 'old' | 'new') {
  let best = { serializeMs: Infinity, diffMs: Infinity };
  for (let round = 0; round < 3; round++) {
    let serializeMs = 0;
    let diffMs = 0;
    if (way === 'old') {
      for (const state of states) {
        const start = performance.now();
        serialize(state);
        serializeMs += performance.now() - start;
      }
    } else {
      let index = 0;
      let inSend: number;
      const publisher = createStatePublisher({
        getSnapshot: () => states[index]!,
        send: (update) => {
          const start = performance.now();
          serialize(update);
          inSend = performance.now() - start;
        },
      });
      publisher.push();
      for (index = 1; index < states.length; index++) {
        inSend = 0;
        const start = performance.now();
        publisher.push();
        serializeMs += inSend;
        diffMs += performance.now() - start - inSend;
      }
    }
    if (serializeMs + diffMs < best.serializeMs + best.diffMs) best = { serializeMs, diffMs };
  }
  return best;
}

const pool = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>) => {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
};

const server = await harness.startTestServer({ messageRate: 10_000_000 });
try {
  const alice = await harness.registerUser(server.url, harness.uniqueName('alice'), 'Alice Desktop');
  const bob = await harness.registerUser(server.url, harness.uniqueName('bob'), 'Bob Sender');
  const carol = await harness.registerUser(server.url, harness.uniqueName('carol'), 'Carol Third');
  const bobSocket = await harness.connectSocket(server.url, bob.accessToken);
  const ids: string[] = [];
  await pool(
    Array.from({ length: conversationCount }, (_, i) => i),
    8,
    async (i) => {
      const c = await harness.createConversation(
        server.url,
        bob.accessToken,
        [alice.user.id, carol.user.id],
        `Team ${i}`,
      );
      ids.push(c.id);
    },
  );
  // Every conversation has a last message, as a real list does; the open one has history.
  await pool(ids, 8, async (id) => {
    const ack = await harness.sendMessage(bobSocket, id, `hello ${id.slice(0, 8)}`);
    if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  });
  const openId = ids[0]!;
  for (let n = 0; n < HISTORY; n++) await harness.sendMessage(bobSocket, openId, `history ${n}`);

  const client = createParleyClient({ storage: createMemoryStorage() });
  const signedIn = await client.auth.signIn({
    serverUrl: server.url,
    username: alice.user.username,
    password: alice.password,
  });
  if (!signedIn.ok) throw new Error(signedIn.error);
  await waitForState(
    client,
    (s) =>
      s.connection.status === 'connected' &&
      !s.catchUp.active &&
      s.conversations.length === conversationCount,
    'connected with every conversation',
    120_000,
  );
  await client.conversations.open(openId);

  const old = meter();
  const fresh = meter();
  // What the renderer would get, applied after the run so it costs the pushers nothing.
  const wire: Buffer[] = [];
  let snapshotBytes = 0;
  const publisher = createStatePublisher({
    getSnapshot: () => client.getSnapshot(),
    send: (update) => {
      const buffer = timedSerialize(fresh, update);
      if (update.kind === 'snapshot') snapshotBytes = buffer.length;
      wire.push(buffer);
    },
  });
  let lastOld: ClientState | null = null;
  const oldPush = createCoalescer(() => {
    const state = client.getSnapshot();
    if (state === lastOld) return;
    lastOld = state;
    if (measuring && bucket() < seconds) old.states.push(state);
    timedSerialize(old, state);
  });
  const newPush = createCoalescer(() => {
    const start = performance.now();
    const serializeBefore = serializeTotalMs;
    const state = client.getSnapshot();
    if (measuring && bucket() < seconds && state !== fresh.states.at(-1)) fresh.states.push(state);
    publisher.push();
    // The publisher's own work: its time minus the serialisation measured inside `send`.
    add(fresh.diffMs, performance.now() - start - (serializeTotalMs - serializeBefore));
  });
  // One way at a time, so neither pays for the other's garbage collection.
  let active: 'old' | 'new' | null = null;
  // The renderer marks what it shows as read, as the open chat does.
  let marked = 0;
  client.subscribe(() => {
    if (active === 'old') oldPush.schedule();
    if (active === 'new') newPush.schedule();
    const last = client.getSnapshot().messages[openId]?.items.at(-1);
    if (last && last.status === 'sent' && last.seq > marked) {
      marked = last.seq;
      client.conversations.markRead(openId, last.seq).catch(() => {});
    }
  });

  // The stream: `rate` messages a second from Bob into the open conversation, for `seconds`.
  let sent = 0;
  const stream = async (way: 'old' | 'new') => {
    active = way;
    measuring = true;
    measureStart = performance.now();
    const first = sent;
    const total = first + rate * seconds;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, first + Math.floor(((performance.now() - measureStart) / 1000) * rate));
        for (; sent < due; sent++) harness.sendMessage(bobSocket, openId, `stream ${sent}`).catch(() => {});
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const expectedSeq = 1 + HISTORY + total;
    await waitForState(
      client,
      (s) => s.messages[openId]?.items.at(-1)?.seq === expectedSeq,
      'stream arrived',
      60_000,
    );
    const remaining = seconds * 1000 - (performance.now() - measureStart);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    measuring = false;
    active = null;
    oldPush.cancel();
    newPush.cancel();
  };
  await stream('old');
  // The new way's one snapshot (what a window gets on load or resync), then the stream.
  const startState = client.getSnapshot();
  publisher.push();
  await stream('new');
  publisher.push();

  let received: ClientState | null = null;
  for (const buffer of wire) {
    const update = deserialize(buffer) as StateUpdate;
    received = update.kind === 'snapshot' ? update.state : applyStatePatch(received!, update.ops);
  }
  const sum = (series: number[]) => series.reduce((a, b) => a + (b ?? 0), 0);
  const max = (series: number[]) => Math.max(0, ...Array.from(series, (v) => v ?? 0));
  const summary = (m: Meter, replayed: { serializeMs: number; diffMs: number }) => ({
    pushesPerSecond: sum(m.pushes) / seconds,
    bytesPerSecond: sum(m.bytes) / seconds,
    maxBytesInASecond: max(m.bytes),
    serializeMsPerSecond: sum(m.serializeMs) / seconds,
    maxSerializeMsInASecond: max(m.serializeMs),
    diffMsPerSecond: sum(m.diffMs) / seconds,
    replayedSerializeMsPerSecond: replayed.serializeMs / seconds,
    replayedDiffMsPerSecond: replayed.diffMs / seconds,
  });
  console.log(
    JSON.stringify(
      {
        conversations: conversationCount,
        rate,
        seconds,
        messagesSent: sent,
        order: 'old, then new (the stream goes on; the open window is longer in the second)',
        snapshotBytes,
        old: summary(old, replay(old.states, 'old')),
        new: summary(fresh, replay([startState, ...fresh.states], 'new')),
        receiverMatches: isDeepStrictEqual(received, client.getSnapshot()),
        node: process.version,
      },
      null,
      2,
    ),
  );
  await client.stop();
  bobSocket.close();
} finally {
  await server.close();
}
