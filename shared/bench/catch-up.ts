/**
 * Catch-up time: one client core misses 1,000 changes in each of 10 conversations (per
 * conversation 800 new messages, 100 edits, 100 reactions) while offline, then reconnects.
 * Measures from `networkChanged(true)` to every window holding every change (catch-up done,
 * the change feed paged to the end), against the real server on SQLite in a temp directory.
 *
 *   npx tsx shared/bench/catch-up.ts [conversations=10] [changes=1000]
 *
 * A script, not a test: the figure depends on the machine, so nothing asserts on it.
 */
import { performance } from 'node:perf_hooks';
import type { Ack, Message } from '../src/protocol/index.js';
import { createParleyClient } from '../src/client/client.js';
import { createMemoryStorage } from '../src/client/memory-storage.js';
import type { ClientState } from '../src/client/state.js';
import { waitForState } from '../src/client/test-support.js';
import * as harness from '../../server/test/harness.js';

const conversationCount = Number(process.argv[2] ?? 10);
const changesEach = Number(process.argv[3] ?? 1000);
const editsEach = Math.floor(changesEach / 10);
const reactionsEach = Math.floor(changesEach / 10);
const sendsEach = changesEach - editsEach - reactionsEach;
const LOADED = 50;

const server = await harness.startTestServer({ messageRate: 10_000_000 });
try {
  const alice = await harness.registerUser(server.url, harness.uniqueName('alice'));
  const bob = await harness.registerUser(server.url, harness.uniqueName('bob'));
  const socket = await harness.connectSocket(server.url, alice.accessToken);
  const ids: string[] = [];
  for (let i = 0; i < conversationCount; i++) {
    const c = await harness.createConversation(server.url, alice.accessToken, [bob.user.id], `Bench ${i}`);
    ids.push(c.id);
  }
  const send = async (conversationId: string, body: string): Promise<Message> => {
    const ack = (await socket.emitWithAck('message:send', {
      conversationId,
      clientId: crypto.randomUUID(),
      body,
    })) as Ack<{ message: Message }>;
    if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
    return ack.message;
  };
  const history = new Map<string, Message[]>();
  await Promise.all(
    ids.map(async (id) => {
      const list: Message[] = [];
      for (let n = 0; n < LOADED; n++) list.push(await send(id, `before ${n}`));
      history.set(id, list);
    }),
  );

  const client = createParleyClient({
    storage: createMemoryStorage(),
    reconnect: { initialDelayMs: 50, maxDelayMs: 1000 },
  });
  const signedIn = await client.auth.signIn({
    serverUrl: server.url,
    username: bob.user.username,
    password: bob.password,
  });
  if (!signedIn.ok) throw new Error(signedIn.error);
  await waitForState(
    client,
    (s) => s.connection.status === 'connected' && !s.catchUp.active,
    'connected',
    60_000,
  );
  for (const id of ids) await client.conversations.open(id);

  client.networkChanged(false);
  await waitForState(client, (s) => s.connection.status === 'offline', 'offline');
  const writeStart = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      const list = history.get(id) ?? [];
      for (let n = 0; n < sendsEach; n++) list.push(await send(id, `while away ${n}`));
      for (let n = 0; n < editsEach; n++) {
        const target = list[n % list.length]!;
        const ack = (await socket.emitWithAck('message:edit', {
          messageId: target.id,
          body: `edited ${n}`,
        })) as Ack<{ message: Message }>;
        if (!ack.ok) throw new Error(`edit failed: ${ack.error.code}`);
      }
      for (let n = 0; n < reactionsEach; n++) {
        const target = list[list.length - 1 - n]!;
        const ack = (await socket.emitWithAck('message:react', {
          messageId: target.id,
          emoji: '👍',
          on: true,
        })) as Ack<{ message: Message }>;
        if (!ack.ok) throw new Error(`react failed: ${ack.error.code}`);
      }
    }),
  );
  const writeMs = performance.now() - writeStart;

  const expectedSeq = LOADED + sendsEach;
  const caughtUp = (s: ClientState): boolean =>
    s.connection.status === 'connected' &&
    !s.catchUp.active &&
    ids.every((id) => {
      const items = s.messages[id]?.items ?? [];
      const last = items[items.length - 1];
      return last?.seq === expectedSeq && items.filter((m) => m.reactions?.length).length === reactionsEach;
    });
  const start = performance.now();
  client.networkChanged(true);
  const state = await waitForState(client, caughtUp, 'caught up', 600_000);
  const ms = performance.now() - start;
  const edited = ids.reduce(
    (n, id) => n + (state.messages[id]?.items.filter((m) => m.editedAt).length ?? 0),
    0,
  );
  console.log(
    JSON.stringify(
      {
        conversations: conversationCount,
        changesPerConversation: changesEach,
        mix: { sends: sendsEach, edits: editsEach, reactions: reactionsEach },
        catchUpMs: Math.round(ms),
        changesPerSecond: Math.round((conversationCount * changesEach) / (ms / 1000)),
        editsSeen: edited,
        writeMs: Math.round(writeMs),
        node: process.version,
      },
      null,
      2,
    ),
  );
  await client.stop();
  socket.close();
} finally {
  await server.close();
}
