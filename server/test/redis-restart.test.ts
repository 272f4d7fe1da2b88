/**
 * Presence and live delivery after a Redis restart (issue 11). A private redis-server (the
 * machine's shared one is left alone) on a random port, no persistence, is killed and started
 * again on the same port: it comes back empty. Two nodes on PostgreSQL must re-register their
 * sockets' presence, so within 5 s a user with two devices shows online, a device that
 * connected during the outage counts, one that left during it does not, `/health` counts the
 * right users, and live delivery works across nodes again.
 * Needs PARLEY_TEST_DATABASE_URL (postgres://) and redis-server on the PATH.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ConversationListResponse, HealthResponse } from '@parley/shared';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  loginUser,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
} from './harness.js';
import { freePort, startRedis, stop } from './faults-support.js';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && hasRedisServer);
if (!enabled)
  console.info(
    'redis-restart.test.ts skipped: needs PARLEY_TEST_DATABASE_URL=postgres://... and redis-server',
  );

/** Polls `check` until it holds; rejects after `ms` with the last value seen. */
async function within<T>(
  ms: number,
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      last = err as T;
    }
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(enabled)('a Redis restart under two nodes', { timeout: 120_000 }, () => {
  const suffix = randomBytes(6).toString('hex');
  let redis: ChildProcess | undefined;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  const sockets: ClientSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    if (redis) await stop(redis, 'SIGKILL');
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "parley_rrestart_${suffix}" cascade`);
    await client.end();
  });

  it('re-registers presence and resumes live delivery within 5 s', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const shared = {
      databaseUrl,
      databaseSchema: `parley_rrestart_${suffix}`,
      redisUrl: `redis://127.0.0.1:${port}`,
      redisPrefix: `parley-rrestart-${suffix}`,
    };
    const nodeA = (a = await startTestServer(shared));
    const nodeB = (b = await startTestServer(shared));
    const open = async (server: TestServer, token: string) => {
      const socket = await connectSocket(server.url, token);
      sockets.push(socket);
      return socket;
    };
    const [alice, bob, carol, dave] = await Promise.all([
      registerUser(nodeA.url),
      registerUser(nodeA.url),
      registerUser(nodeB.url),
      registerUser(nodeB.url),
    ]);
    const group = await createConversation(
      nodeA.url,
      bob.accessToken,
      [alice.user.id, carol.user.id, dave.user.id],
      'Team',
    );
    // Alice on both nodes, Bob watching from A, Carol on B (she leaves during the outage).
    const aliceA = await open(nodeA, alice.accessToken);
    const aliceB = await open(nodeB, (await loginUser(nodeB.url, alice)).accessToken);
    const bobA = await open(nodeA, bob.accessToken);
    const carolB = await open(nodeB, carol.accessToken);

    const onlineSeenByBob = async (server: TestServer) => {
      const res = await api<ConversationListResponse>(server.url, '/api/conversations', {
        token: bob.accessToken,
      });
      const members = res.body.conversations.find((c) => c.id === group.id)!.members;
      return Object.fromEntries(members.map((m) => [m.username, m.online]));
    };
    const users = async (server: TestServer) =>
      (await api<HealthResponse>(server.url, '/health')).body.authenticatedUsers;
    expect(await onlineSeenByBob(nodeA)).toMatchObject({
      [alice.user.username]: true,
      [carol.user.username]: true,
      [dave.user.username]: false,
    });
    expect(await users(nodeA)).toBe(3);

    // Redis dies. Carol leaves and Dave arrives while it is gone.
    await stop(redis, 'SIGKILL');
    redis = undefined;
    carolB.close();
    const daveB = await open(nodeB, dave.accessToken);
    // Every socket is told to catch up once its node has subscribed again: broadcasts other
    // nodes published meanwhile did not reach it.
    const told = [aliceA, aliceB, bobA, daveB].map((s) => nextEvent(s, 'sync:needed', () => true, 15_000));
    await new Promise((r) => setTimeout(r, 1000));
    redis = await startRedis(port);
    const restarted = Date.now();

    for (const server of [nodeA, nodeB]) {
      await within(
        5000,
        'presence after the restart',
        () => onlineSeenByBob(server),
        (online) =>
          online[alice.user.username] === true &&
          online[dave.user.username] === true &&
          online[carol.user.username] === false &&
          online[bob.user.username] === true,
      );
      await within(
        5000,
        '/health after the restart',
        () => users(server),
        (n) => n === 3,
      );
    }
    console.info(
      `redis restart: presence and /health right ${((Date.now() - restarted) / 1000).toFixed(1)} s after`,
    );
    await Promise.all(told);
    // Live delivery across nodes: Alice's device on B to Bob on A, and back.
    await within(
      5000,
      'live delivery from B to A',
      async () => {
        const heard = nextEvent(bobA, 'message:new', (e) => e.message.body.startsWith('probe'), 1000);
        const ack = await sendMessage(aliceB, group.id, `probe ${Date.now()}`);
        if (!ack.ok) throw new Error(ack.error.code);
        return heard.then(() => true);
      },
      (v) => v,
    );
    const back = nextEvent(daveB, 'message:new', (e) => e.message.body === 'from A');
    const alsoAlice = nextEvent(aliceA, 'message:new', (e) => e.message.body === 'from A');
    expect((await sendMessage(bobA, group.id, 'from A')).ok).toBe(true);
    await Promise.all([back, alsoAlice]);
    expect(Date.now() - restarted).toBeLessThan(10_000);

    // The counts stay right afterwards: the last device leaving makes the user offline.
    aliceA.close();
    aliceB.close();
    await within(
      5000,
      'alice offline',
      () => onlineSeenByBob(nodeA),
      (o) => o[alice.user.username] === false,
    );
    expect(await users(nodeB)).toBe(2);
  });
});
