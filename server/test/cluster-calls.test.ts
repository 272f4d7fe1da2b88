/**
 * Calls between users on different nodes: two servers sharing one PostgreSQL schema and one
 * Redis must ring, accept, relay, count busy, hang up and survive reconnects as one server.
 * Needs PARLEY_TEST_DATABASE_URL (postgres://) and PARLEY_TEST_REDIS_URL; without them this
 * file is skipped and says so.
 */
import { randomBytes } from 'node:crypto';
import type { Ack, Message } from '@parley/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
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
  type TestUser,
} from './harness.js';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && redisUrl);
if (!enabled) {
  console.info(
    'cluster-calls.test.ts skipped: set PARLEY_TEST_DATABASE_URL=postgres://... and PARLEY_TEST_REDIS_URL=redis://... to run it',
  );
}

function expectOk<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack;
}
const errorCode = (ack: Ack<object>) => (ack.ok ? 'ok' : ack.error.code);
const ended = (socket: ClientSocket, callId: string) =>
  nextEvent(socket, 'call:ended', (e) => e.callId === callId);
const callRecord = (socket: ClientSocket, callId: string) =>
  nextEvent(socket, 'message:new', (e) => e.message.kind === 'call' && e.message.call?.callId === callId);

/** Two nodes acting as one: same database schema, same Redis prefix, same JWT secret. */
async function startPair(overrides: Partial<Config> = {}) {
  const suffix = randomBytes(6).toString('hex');
  const shared: Partial<Config> = {
    databaseUrl,
    databaseSchema: `parley_ccalls_${suffix}`,
    redisUrl,
    redisPrefix: `parley-ccalls-${suffix}`,
    ...overrides,
  };
  const a = await startTestServer(shared);
  const b = await startTestServer(shared);
  const sockets: ClientSocket[] = [];
  return {
    a,
    b,
    shared,
    sockets,
    async open(server: TestServer, token: string) {
      const socket = await connectSocket(server.url, token);
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const s of sockets) s.close();
      await b.close();
      await a.close();
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${shared.databaseSchema}" cascade`);
      await client.end();
    },
  };
}
type Pair = Awaited<ReturnType<typeof startPair>>;

interface Cast {
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  /** Alice, the caller, on node A. */
  aliceA: ClientSocket;
  /** Bob's two devices, one on each node. */
  bobA: ClientSocket;
  bobB: ClientSocket;
  /** Carol, a third user, on both nodes. */
  carolA: ClientSocket;
  carolB: ClientSocket;
  /** Alice–Bob. */
  conversationId: string;
  /** Alice–Carol, for a delivery barrier that passes Carol's sockets. */
  aliceCarol: string;
}

/** Fresh users for each test, so no test inherits another's call state. */
async function cast(pair: Pair): Promise<Cast> {
  const { a, b } = pair;
  const [alice, bob, carol] = await Promise.all([
    registerUser(a.url),
    registerUser(b.url),
    registerUser(a.url),
  ]);
  const conversation = await createConversation(a.url, alice.accessToken, [bob.user.id]);
  const aliceCarol = await createConversation(b.url, carol.accessToken, [alice.user.id]);
  const bobSecond = await loginUser(b.url, bob);
  const carolSecond = await loginUser(a.url, carol);
  const [aliceA, bobA, bobB, carolA, carolB] = await Promise.all([
    pair.open(a, alice.accessToken),
    pair.open(a, bob.accessToken),
    pair.open(b, bobSecond.accessToken),
    pair.open(a, carol.accessToken),
    pair.open(b, carolSecond.accessToken),
  ]);
  return {
    alice,
    bob,
    carol,
    aliceA,
    bobA,
    bobB,
    carolA,
    carolB,
    conversationId: conversation.id,
    aliceCarol: aliceCarol.id,
  };
}

/** Alice (node A) calls Bob; both his devices ring, one per node. */
async function ring(c: Cast, media: 'audio' | 'video' = 'video') {
  const rings = [c.bobA, c.bobB].map((s) => nextEvent(s, 'call:incoming'));
  const { callId } = expectOk(
    await c.aliceA.emitWithAck('call:initiate', { conversationId: c.conversationId, media }),
  );
  const incoming = await Promise.all(rings);
  return { callId, incoming };
}

/** Alice calls Bob and Bob answers on his node-B device. */
async function connect(c: Cast) {
  const { callId } = await ring(c);
  const accepted = nextEvent(c.aliceA, 'call:accepted');
  const elsewhere = ended(c.bobA, callId);
  expectOk(await c.bobB.emitWithAck('call:accept', { callId }));
  await Promise.all([accepted, elsewhere]);
  return callId;
}

/**
 * Resolves once everything node A emitted before now has reached Carol's sockets on both
 * nodes: a message sent through node A follows earlier emits of that node down the same
 * adapter channel. The call's owner is node A, so a stray call event would have come first.
 */
async function barrierForCarol(c: Cast) {
  const marker = `barrier ${randomBytes(4).toString('hex')}`;
  const seen = [c.carolA, c.carolB].map((s) => nextEvent(s, 'message:new', (e) => e.message.body === marker));
  expectOk(await sendMessage(c.aliceA, c.aliceCarol, marker));
  await Promise.all(seen);
}

async function callRecordsIn(pair: Pair, c: Cast, callId: string): Promise<Message[]> {
  const history = await api<{ messages: Message[] }>(
    pair.b.url,
    `/api/conversations/${c.conversationId}/messages?limit=200`,
    { token: c.bob.accessToken },
  );
  return history.body.messages.filter((m) => m.call?.callId === callId);
}

describe.runIf(enabled)('calls across two nodes', () => {
  let pair: Pair;
  beforeAll(async () => {
    // A long grace, so a reconnect can never lose the race on a slow machine.
    pair = await startPair({ callReconnectGraceMs: 20_000 });
  });
  afterAll(() => pair?.close());

  it('rings on both nodes; an accept on node B wins, signals cross both ways, hang-up from B ends it once', async () => {
    const c = await cast(pair);
    const strangers = [c.carolA, c.carolB].flatMap((s) => [
      collect(s, 'call:incoming'),
      collect(s, 'call:offer'),
      collect(s, 'call:answer'),
      collect(s, 'call:ice-candidate'),
    ]);
    const otherDevice = [collect(c.bobA, 'call:offer'), collect(c.bobA, 'call:ice-candidate')];
    const { callId, incoming } = await ring(c);
    for (const e of incoming) {
      expect(e).toEqual({
        callId,
        conversationId: c.conversationId,
        media: 'video',
        from: expect.objectContaining({ id: c.alice.user.id }),
      });
    }

    // The caller's offer, sent while it rings, waits on the owner for the device that accepts
    // (on the other node); the ringing device on the owner's node never sees it.
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n', extra: { nested: [1, 2] } };
    expectOk(await c.aliceA.emitWithAck('call:offer', { callId, signal: offer }));
    const gotOffer = nextEvent(c.bobB, 'call:offer');

    const accepted = nextEvent(c.aliceA, 'call:accepted');
    const elsewhere = ended(c.bobA, callId);
    expectOk(await c.bobB.emitWithAck('call:accept', { callId }));
    expect(await accepted).toEqual({ callId, userId: c.bob.user.id });
    expect(await elsewhere).toEqual({ callId, reason: 'answered_elsewhere' });
    expect(await gotOffer).toEqual({ callId, from: c.alice.user.id, signal: offer });
    // Too late, on the node that owns the call.
    expect(errorCode(await c.bobA.emitWithAck('call:accept', { callId }))).toBe('not_found');

    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    const gotAnswer = nextEvent(c.aliceA, 'call:answer');
    expectOk(await c.bobB.emitWithAck('call:answer', { callId, to: c.alice.user.id, signal: answer }));
    expect(await gotAnswer).toEqual({ callId, from: c.bob.user.id, signal: answer });

    const candidate = (n: number) => ({
      type: 'candidate',
      candidate: { candidate: `candidate:${n}`, sdpMid: '0' },
    });
    const toBob = collect(c.bobB, 'call:ice-candidate');
    const toAlice = collect(c.aliceA, 'call:ice-candidate');
    const isLast = (n: number) => (e: { signal: Record<string, unknown> }) =>
      JSON.stringify(e.signal) === JSON.stringify(candidate(n));
    const lastToBob = nextEvent(c.bobB, 'call:ice-candidate', isLast(3));
    const lastToAlice = nextEvent(c.aliceA, 'call:ice-candidate', isLast(13));
    // Sent without waiting for acks: order must hold across the forward from node B too.
    const sent = [1, 2, 3].flatMap((n) => [
      c.aliceA.emitWithAck('call:ice-candidate', { callId, signal: candidate(n) }),
      c.bobB.emitWithAck('call:ice-candidate', { callId, signal: candidate(n + 10) }),
    ]);
    for (const ack of await Promise.all(sent)) expectOk(ack);
    await Promise.all([lastToBob, lastToAlice]);
    expect(toBob.events).toEqual(
      [1, 2, 3].map((n) => ({ callId, from: c.alice.user.id, signal: candidate(n) })),
    );
    expect(toAlice.events).toEqual(
      [11, 12, 13].map((n) => ({ callId, from: c.bob.user.id, signal: candidate(n) })),
    );

    // Bob's other device, a stranger on either node, and a `to` naming someone else: refused.
    expect(errorCode(await c.bobA.emitWithAck('call:offer', { callId, signal: offer }))).toBe('not_found');
    expect(errorCode(await c.carolB.emitWithAck('call:answer', { callId, signal: answer }))).toBe(
      'not_found',
    );
    expect(errorCode(await c.carolA.emitWithAck('call:end', { callId }))).toBe('not_found');
    expect(
      errorCode(await c.aliceA.emitWithAck('call:offer', { callId, to: c.carol.user.id, signal: offer })),
    ).toBe('not_found');
    await barrierForCarol(c);
    for (const s of [...strangers, ...otherDevice]) {
      expect(s.events).toEqual([]);
      s.stop();
    }

    const aliceRecord = callRecord(c.aliceA, callId);
    const bobRecord = callRecord(c.bobA, callId);
    const hangup = ended(c.aliceA, callId);
    expectOk(await c.bobB.emitWithAck('call:end', { callId }));
    expect(await hangup).toEqual({ callId, reason: 'hangup' });
    const record = (await aliceRecord).message;
    expect(record).toMatchObject({ kind: 'call', senderId: c.alice.user.id });
    expect(record.call).toMatchObject({ callId, media: 'video', outcome: 'completed' });
    expect((await bobRecord).message.id).toBe(record.id);
    expect(errorCode(await c.bobB.emitWithAck('call:end', { callId }))).toBe('not_found');
    expect(errorCode(await c.aliceA.emitWithAck('call:offer', { callId, signal: offer }))).toBe('not_found');
    expect(await callRecordsIn(pair, c, callId)).toHaveLength(1);
  });

  it('a hang-up by the caller reaches the callee on the other node, with one record', async () => {
    const c = await cast(pair);
    const callId = await connect(c);
    const bobEnded = collect(c.bobB, 'call:ended');
    const hangup = ended(c.bobB, callId);
    const record = callRecord(c.bobB, callId);
    expectOk(await c.aliceA.emitWithAck('call:end', { callId }));
    expect(await hangup).toEqual({ callId, reason: 'hangup' });
    expect((await record).message.call).toMatchObject({ callId, outcome: 'completed' });
    // Free at once for both: Bob (through node B) can call Alice back right away.
    const again = nextEvent(c.aliceA, 'call:incoming');
    const { callId: back } = expectOk(
      await c.bobB.emitWithAck('call:initiate', { conversationId: c.conversationId, media: 'audio' }),
    );
    expect((await again).callId).toBe(back);
    expectOk(await c.bobB.emitWithAck('call:cancel', { callId: back }));
    expect(bobEnded.events).toEqual([{ callId, reason: 'hangup' }]);
    expect(await callRecordsIn(pair, c, callId)).toHaveLength(1);
  });

  it('answers busy across nodes, for the caller and for the callee, and frees both after', async () => {
    const c = await cast(pair);
    const carolBob = await createConversation(pair.b.url, c.carol.accessToken, [c.bob.user.id]);
    const { callId } = await ring(c);
    const bobRings = [collect(c.bobA, 'call:incoming'), collect(c.bobB, 'call:incoming')];
    // Carol through node B: Bob is ringing for a call owned by node A; Alice is calling.
    expect(
      errorCode(await c.carolB.emitWithAck('call:initiate', { conversationId: carolBob.id, media: 'audio' })),
    ).toBe('busy');
    expect(
      errorCode(
        await c.carolB.emitWithAck('call:initiate', { conversationId: c.aliceCarol, media: 'audio' }),
      ),
    ).toBe('busy');
    // Bob, ringing, cannot start a call of his own from node B either.
    expect(
      errorCode(await c.bobB.emitWithAck('call:initiate', { conversationId: carolBob.id, media: 'audio' })),
    ).toBe('busy');

    // While it lives, every entry has an expiry: a node that dies cannot leave anyone busy forever.
    const redis = new Redis(redisUrl!);
    redis.on('error', () => undefined);
    try {
      for (const user of [c.alice, c.bob]) {
        const key = `${pair.shared.redisPrefix}:calls:user:${user.user.id}`;
        expect(await redis.get(key)).toBe(callId);
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(30_000);
      }
    } finally {
      await redis.quit();
    }

    const stopped = [ended(c.bobA, callId), ended(c.bobB, callId)];
    expectOk(await c.aliceA.emitWithAck('call:cancel', { callId }));
    await Promise.all(stopped);
    for (const r of bobRings) {
      expect(r.events).toEqual([]);
      r.stop();
    }
    // Free again: Carol calls Bob through node B; the call is owned there and rings on node A too.
    const rings = [nextEvent(c.bobA, 'call:incoming'), nextEvent(c.bobB, 'call:incoming')];
    const { callId: second } = expectOk(
      await c.carolB.emitWithAck('call:initiate', { conversationId: carolBob.id, media: 'audio' }),
    );
    await Promise.all(rings);
    const accepted = nextEvent(c.carolB, 'call:accepted');
    expectOk(await c.bobA.emitWithAck('call:accept', { callId: second }));
    await accepted;
    // Now Alice finds Bob busy, from node A.
    expect(
      errorCode(
        await c.aliceA.emitWithAck('call:initiate', { conversationId: c.conversationId, media: 'audio' }),
      ),
    ).toBe('busy');
    const hangup = ended(c.carolB, second);
    expectOk(await c.bobA.emitWithAck('call:end', { callId: second }));
    await hangup;
  });

  it('keeps the call when the callee drops on node B and comes back on node A within the grace', async () => {
    const c = await cast(pair);
    const callId = await connect(c);
    const aliceEnded = collect(c.aliceA, 'call:ended');
    const gone = new Promise((resolve) => c.bobB.once('disconnect', resolve));
    c.bobB.close();
    await gone;
    // Bob's app comes back through the load balancer, this time to node A (a new socket).
    const again = await loginUser(pair.a.url, c.bob);
    const bobBack = await pair.open(pair.a, again.accessToken);
    const offer = nextEvent(bobBack, 'call:offer');
    expectOk(await c.aliceA.emitWithAck('call:offer', { callId, signal: { type: 'offer', sdp: 'v=0' } }));
    expect(await offer).toEqual({ callId, from: c.alice.user.id, signal: { type: 'offer', sdp: 'v=0' } });
    const answer = nextEvent(c.aliceA, 'call:answer');
    expectOk(await bobBack.emitWithAck('call:answer', { callId, signal: { type: 'answer', sdp: 'v=0' } }));
    expect((await answer).from).toBe(c.bob.user.id);
    // The device that was connected all along cannot take the call.
    expect(errorCode(await c.bobA.emitWithAck('call:end', { callId }))).toBe('not_found');
    const hangup = ended(c.aliceA, callId);
    const record = callRecord(c.aliceA, callId);
    expectOk(await bobBack.emitWithAck('call:end', { callId }));
    expect(await hangup).toEqual({ callId, reason: 'hangup' });
    expect((await record).message.call).toMatchObject({ outcome: 'completed' });
    expect(aliceEnded.events).toEqual([{ callId, reason: 'hangup' }]);
  });

  it('answers not_found for a call whose node is gone, and a closing node frees its users', async () => {
    const c = await cast(pair);
    // A call id naming a node that is not there (crashed): answered at once, nobody hears anything.
    const ghost = `0123456789ab.${crypto.randomUUID()}`;
    for (const event of ['call:accept', 'call:reject', 'call:end'] as const) {
      expect(errorCode(await c.bobB.emitWithAck(event, { callId: ghost }))).toBe('not_found');
    }
    expect(
      errorCode(await c.bobB.emitWithAck('call:offer', { callId: ghost, signal: { type: 'offer' } })),
    ).toBe('not_found');

    // A third node owns a call, then shuts down cleanly.
    const third = await startTestServer(pair.shared);
    try {
      const aliceC = await pair.open(third, c.alice.accessToken);
      const rings = [nextEvent(c.bobA, 'call:incoming'), nextEvent(c.bobB, 'call:incoming')];
      const { callId } = expectOk(
        await aliceC.emitWithAck('call:initiate', { conversationId: c.conversationId, media: 'audio' }),
      );
      await Promise.all(rings);
      // Bob, on the nodes that stay, hears that the call is over, and the missed call is recorded.
      const over = [ended(c.bobA, callId), ended(c.bobB, callId)];
      const record = callRecord(c.bobA, callId);
      await third.close({ keepData: true });
      expect(await Promise.all(over)).toEqual([
        { callId, reason: 'connection_lost' },
        { callId, reason: 'connection_lost' },
      ]);
      expect((await record).message.call).toMatchObject({ callId, outcome: 'missed' });
      expect(errorCode(await c.bobB.emitWithAck('call:accept', { callId }))).toBe('not_found');
    } finally {
      await third.close({ keepData: true });
    }
    // Neither Alice nor Bob is left busy.
    const incoming = nextEvent(c.aliceA, 'call:incoming');
    const { callId: back } = expectOk(
      await c.bobB.emitWithAck('call:initiate', { conversationId: c.conversationId, media: 'audio' }),
    );
    expect((await incoming).callId).toBe(back);
    expectOk(await c.bobB.emitWithAck('call:cancel', { callId: back }));
  });
});

describe.runIf(enabled)('calls across two nodes, short reconnect grace', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({ callReconnectGraceMs: 300 });
  });
  afterAll(() => pair?.close());

  it('ends with connection_lost when the callee on node B stays away', async () => {
    const c = await cast(pair);
    const callId = await connect(c);
    const lost = ended(c.aliceA, callId);
    const record = callRecord(c.aliceA, callId);
    c.bobB.close();
    expect(await lost).toEqual({ callId, reason: 'connection_lost' });
    expect((await record).message.call).toMatchObject({ callId, outcome: 'completed' });
    expect(await callRecordsIn(pair, c, callId)).toHaveLength(1);
    // Bob is free again (his entry went with the call).
    const incoming = nextEvent(c.bobA, 'call:incoming');
    const { callId: next } = expectOk(
      await c.aliceA.emitWithAck('call:initiate', { conversationId: c.conversationId, media: 'audio' }),
    );
    expect((await incoming).callId).toBe(next);
    expectOk(await c.aliceA.emitWithAck('call:cancel', { callId: next }));
  });

  it('ends with connection_lost when the caller on node A stays away, telling the callee on node B', async () => {
    const c = await cast(pair);
    const callId = await connect(c);
    const lost = ended(c.bobB, callId);
    const record = callRecord(c.bobB, callId);
    c.aliceA.close();
    expect(await lost).toEqual({ callId, reason: 'connection_lost' });
    expect((await record).message.call).toMatchObject({ callId, outcome: 'completed' });
  });
});
