/**
 * Two server nodes sharing one PostgreSQL schema and one Redis (adapter, presence, rate
 * limits) must behave as one server. Needs PARLEY_TEST_DATABASE_URL (postgres://) and
 * PARLEY_TEST_REDIS_URL; without them this file is skipped and says so.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  collect,
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

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && redisUrl);
if (!enabled) {
  console.info(
    'cluster.test.ts skipped: set PARLEY_TEST_DATABASE_URL=postgres://... and PARLEY_TEST_REDIS_URL=redis://... to run it',
  );
}

describe.runIf(enabled)('two nodes behind one Redis and one PostgreSQL', () => {
  const suffix = randomBytes(6).toString('hex');
  const shared = {
    databaseUrl,
    databaseSchema: `parley_cluster_${suffix}`,
    redisUrl,
    redisPrefix: `parley-cluster-${suffix}`,
    messageRate: 4,
  };
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async (server: TestServer, token: string) => {
    const socket = await connectSocket(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    a = await startTestServer(shared);
    b = await startTestServer(shared);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    if (databaseUrl) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${shared.databaseSchema}" cascade`);
      await client.end();
    }
  });

  it('delivers messages and conversation:new across nodes', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const aliceOnA = await open(a, alice.accessToken);
    const aliceOnB = await open(b, alice.accessToken);
    const bobOnA = await open(a, bob.accessToken);
    const bobOnB = await open(b, bob.accessToken);

    const announced = [aliceOnA, bobOnA].map((s) => nextEvent(s, 'conversation:new'));
    // Created through node B; the sockets on node A join the room too.
    const conversation = await createConversation(b.url, bob.accessToken, [alice.user.id]);
    await Promise.all(announced);

    const delivered = [aliceOnB, bobOnA, bobOnB].map((s) => nextEvent(s, 'message:new'));
    const ack = await sendMessage(aliceOnA, conversation.id, 'across nodes');
    expect(ack.ok).toBe(true);
    for (const e of await Promise.all(delivered)) expect(e.message.body).toBe('across nodes');
  });

  it('counts presence across nodes: one online, one offline', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(a.url);
    const conversation = await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const watcher = await open(a, alice.accessToken);
    const online = collect(watcher, 'user:online');

    const first = nextEvent(watcher, 'user:online');
    const bob1 = await connectSocket(b.url, bob.accessToken);
    await first;
    const bob2 = await connectSocket(a.url, bob.accessToken);
    const marker = nextEvent(watcher, 'message:new', (e) => e.message.body === 'both devices');
    await sendMessage(bob2, conversation.id, 'both devices');
    await marker;
    bob1.close();
    const offline = nextEvent(watcher, 'user:offline');
    bob2.close();
    expect((await offline).userId).toBe(bob.user.id);
    expect(online.events).toHaveLength(1);
  });

  it('logout on one node disconnects that session’s sockets on the other', async () => {
    const carol = await registerUser(a.url);
    const other = await loginUser(a.url, carol);
    const onA = await open(a, carol.accessToken);
    const otherOnA = await open(a, other.accessToken);
    const gone = new Promise<string>((resolve) => onA.once('disconnect', resolve));
    expect(
      (await api(b.url, '/api/auth/logout', { body: { refreshToken: carol.refreshToken } })).status,
    ).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(otherOnA.connected).toBe(true);
  });

  it('shares the message rate limit between nodes', async () => {
    const dave = await registerUser(a.url);
    const erin = await registerUser(b.url);
    const conversation = await createConversation(a.url, dave.accessToken, [erin.user.id]);
    const onA = await open(a, dave.accessToken);
    const onB = await open(b, dave.accessToken);
    for (let i = 0; i < 4; i++)
      expect((await sendMessage(i % 2 ? onA : onB, conversation.id, `m${i}`)).ok).toBe(true);
    expect(await sendMessage(onA, conversation.id, 'too many')).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
  });

  it('reaps the presence of a node that died without closing', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(a.url);
    await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const watcher = await open(a, alice.accessToken);
    // Bob "was connected" through a node that crashed a minute ago.
    const redis = new Redis(redisUrl!);
    redis.on('error', () => undefined);
    const p = shared.redisPrefix;
    await redis.hincrby(`${p}:presence:count`, bob.user.id, 1);
    await redis.hincrby(`${p}:presence:node:dead-node`, bob.user.id, 1);
    await redis.zadd(`${p}:presence:nodes`, Date.now() - 60_000, 'dead-node');
    await redis.quit();
    const offline = nextEvent(watcher, 'user:offline', (e) => e.userId === bob.user.id);
    // A third node starting up sweeps at once (the running ones would within a heartbeat).
    const c = await startTestServer(shared);
    try {
      expect((await offline).userId).toBe(bob.user.id);
    } finally {
      await c.close({ keepData: true });
    }
  });
});
