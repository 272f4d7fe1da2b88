import { createHmac } from 'node:crypto';
import type { Ack, CallEndReason, IceServersResponse, Message } from '@parley/shared';
import sharp from 'sharp';
import { io as ioClient } from 'socket.io-client';
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
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

// Call signaling over real sockets: a real server on port 0, real Socket.IO clients, a real
// SQLite file. Timeouts that matter (ring, reconnect grace) are configured short on servers of
// their own, so the main server keeps the defaults and no test races a timer.

interface World {
  server: TestServer;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  a: ClientSocket;
  /** Bob's two devices. */
  b1: ClientSocket;
  b2: ClientSocket;
  c: ClientSocket;
  conversationId: string;
  sockets: ClientSocket[];
}

async function world(overrides: Partial<Config> = {}): Promise<World> {
  const server = await startTestServer(overrides);
  const [alice, bob, carol] = await Promise.all([
    registerUser(server.url),
    registerUser(server.url),
    registerUser(server.url),
  ]);
  const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
  const bobSecond = await loginUser(server.url, bob);
  const [a, b1, b2, c] = await Promise.all([
    connectSocket(server.url, alice.accessToken),
    connectSocket(server.url, bob.accessToken),
    connectSocket(server.url, bobSecond.accessToken),
    connectSocket(server.url, carol.accessToken),
  ]);
  return {
    server,
    alice,
    bob,
    carol,
    a,
    b1,
    b2,
    c,
    conversationId: conversation.id,
    sockets: [a, b1, b2, c],
  };
}

async function teardown(w: World | undefined) {
  if (!w) return;
  for (const s of w.sockets) s.close();
  await w.server.close();
}

function expectOk<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack;
}

const errorCode = (ack: Ack<object>) => (ack.ok ? 'ok' : ack.error.code);

/**
 * Resolves once the server has processed everything sent to `socket` so far: an event the
 * server answers, on the same socket, is acked after any event emitted to it earlier.
 */
async function drained(socket: ClientSocket) {
  await socket.emitWithAck('call:end', { callId: 'no-such-call' });
}

const callMessage = (socket: ClientSocket, callId: string) =>
  nextEvent(socket, 'message:new', (e) => e.message.kind === 'call' && e.message.call?.callId === callId);

const ended = (socket: ClientSocket, callId: string) =>
  nextEvent(socket, 'call:ended', (e) => e.callId === callId);

/** Alice calls Bob; both of Bob's devices ring. */
async function ring(w: World, media: 'audio' | 'video' = 'video') {
  const incoming1 = nextEvent(w.b1, 'call:incoming');
  const incoming2 = nextEvent(w.b2, 'call:incoming');
  const ack = await w.a.emitWithAck('call:initiate', { conversationId: w.conversationId, media });
  const { callId } = expectOk(ack);
  const [i1, i2] = await Promise.all([incoming1, incoming2]);
  return { callId, i1, i2 };
}

/** Alice calls Bob and Bob answers on his second device. */
async function connect(w: World) {
  const { callId } = await ring(w);
  const accepted = nextEvent(w.a, 'call:accepted');
  const elsewhere = ended(w.b1, callId);
  expectOk(await w.b2.emitWithAck('call:accept', { callId }));
  await Promise.all([accepted, elsewhere]);
  return callId;
}

describe('calls', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(() => teardown(w));

  it('rings every device of the callee; the first accept wins and the others stop ringing', async () => {
    const strangers = collect(w.c, 'call:incoming');
    const callerIncoming = collect(w.a, 'call:incoming');
    const { callId, i1, i2 } = await ring(w);
    expect(i1).toEqual({
      callId,
      conversationId: w.conversationId,
      media: 'video',
      from: expect.objectContaining({ id: w.alice.user.id, username: w.alice.user.username }),
    });
    expect(i2).toEqual(i1);

    const accepted = nextEvent(w.a, 'call:accepted');
    const elsewhere = ended(w.b1, callId);
    const b2Ended = collect(w.b2, 'call:ended');
    expectOk(await w.b2.emitWithAck('call:accept', { callId }));
    expect(await accepted).toEqual({ callId, userId: w.bob.user.id });
    expect(await elsewhere).toEqual({ callId, reason: 'answered_elsewhere' });
    // The second device is too late.
    expect(errorCode(await w.b1.emitWithAck('call:accept', { callId }))).toBe('not_found');

    await Promise.all([drained(w.b2), drained(w.c), drained(w.a)]);
    expect(b2Ended.events).toEqual([]);
    expect(strangers.events).toEqual([]);
    expect(callerIncoming.events).toEqual([]);
    strangers.stop();
    callerIncoming.stop();
    b2Ended.stop();

    const record = callMessage(w.b1, callId);
    expectOk(await w.a.emitWithAck('call:end', { callId }));
    expect((await record).message.call).toMatchObject({ callId, outcome: 'completed' });
  });

  it('holds the caller’s offer and candidates sent while ringing for the device that accepts', async () => {
    const { callId } = await ring(w);
    const offer = { type: 'offer', sdp: 'v=0 early' };
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    };
    const ringingSide = [collect(w.b1, 'call:offer'), collect(w.b2, 'call:offer')];
    expectOk(await w.a.emitWithAck('call:offer', { callId, signal: offer }));
    expectOk(await w.a.emitWithAck('call:ice-candidate', { callId, signal: candidate }));
    // A ringing device may not signal yet.
    expect(errorCode(await w.b1.emitWithAck('call:answer', { callId, signal: offer }))).toBe('not_found');
    await Promise.all([drained(w.b1), drained(w.b2)]);
    expect(ringingSide.flatMap((c) => c.events)).toEqual([]);
    for (const c of ringingSide) c.stop();

    // Both arrive at the accepting device before the ack of its accept, in order.
    const order: string[] = [];
    const gotOffer = nextEvent(w.b2, 'call:offer').then((e) => (order.push('offer'), e));
    const gotCandidate = nextEvent(w.b2, 'call:ice-candidate').then((e) => (order.push('candidate'), e));
    const elsewhere = collect(w.b1, 'call:offer');
    expectOk(await w.b2.emitWithAck('call:accept', { callId }));
    order.push('ack');
    expect(await gotOffer).toEqual({ callId, from: w.alice.user.id, signal: offer });
    expect((await gotCandidate).signal).toEqual(candidate);
    expect(order).toEqual(['offer', 'candidate', 'ack']);
    await drained(w.b1);
    expect(elsewhere.events).toEqual([]);
    elsewhere.stop();

    const record = callMessage(w.b2, callId);
    expectOk(await w.a.emitWithAck('call:end', { callId }));
    await record;
  });

  it('relays signals untouched between the two bound sockets only, and records the duration', async () => {
    const callId = await connect(w);
    const offSide = [collect(w.b1, 'call:offer'), collect(w.c, 'call:offer'), collect(w.c, 'call:answer')];
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n', extra: { nested: [1, 2] } };

    const gotOffer = nextEvent(w.b2, 'call:offer');
    expectOk(await w.a.emitWithAck('call:offer', { callId, signal: offer }));
    expect(await gotOffer).toEqual({ callId, from: w.alice.user.id, signal: offer });

    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    const gotAnswer = nextEvent(w.a, 'call:answer');
    expectOk(await w.b2.emitWithAck('call:answer', { callId, to: w.alice.user.id, signal: answer }));
    expect(await gotAnswer).toEqual({ callId, from: w.bob.user.id, signal: answer });

    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' },
    };
    const gotCandidate = nextEvent(w.b2, 'call:ice-candidate');
    expectOk(await w.a.emitWithAck('call:ice-candidate', { callId, signal: candidate }));
    expect((await gotCandidate).signal).toEqual(candidate);

    // Bob's other device, a stranger, and a `to` naming someone else are all refused.
    expect(errorCode(await w.b1.emitWithAck('call:offer', { callId, signal: offer }))).toBe('not_found');
    expect(errorCode(await w.c.emitWithAck('call:answer', { callId, signal: answer }))).toBe('not_found');
    expect(
      errorCode(await w.a.emitWithAck('call:offer', { callId, to: w.carol.user.id, signal: offer })),
    ).toBe('not_found');
    await Promise.all([drained(w.b1), drained(w.c)]);
    for (const c of offSide) {
      expect(c.events).toEqual([]);
      c.stop();
    }

    const aliceRecord = callMessage(w.a, callId);
    const bobRecord = callMessage(w.b1, callId);
    const hangup = ended(w.a, callId);
    expectOk(await w.b2.emitWithAck('call:end', { callId }));
    expect(await hangup).toEqual({ callId, reason: 'hangup' });
    const message: Message = (await aliceRecord).message;
    expect(message).toMatchObject({
      kind: 'call',
      senderId: w.alice.user.id,
      conversationId: w.conversationId,
    });
    expect(message.call).toMatchObject({ callId, media: 'video', outcome: 'completed' });
    expect(message.call?.durationSeconds).toBeGreaterThanOrEqual(0);
    expect((await bobRecord).message.id).toBe(message.id);

    // Once ended, the call is gone for everyone.
    expect(errorCode(await w.a.emitWithAck('call:offer', { callId, signal: offer }))).toBe('not_found');
    expect(errorCode(await w.b2.emitWithAck('call:end', { callId }))).toBe('not_found');

    // The record is in the history, once.
    const history = await api<{ messages: Message[] }>(
      w.server.url,
      `/api/conversations/${w.conversationId}/messages?limit=200`,
      { token: w.alice.accessToken },
    );
    expect(history.body.messages.filter((m) => m.call?.callId === callId)).toHaveLength(1);
  });

  it('a rejected call ends for the caller and for the callee’s other devices', async () => {
    const { callId } = await ring(w, 'audio');
    const forCaller = ended(w.a, callId);
    const forOtherDevice = ended(w.b2, callId);
    const record = callMessage(w.a, callId);
    expectOk(await w.b1.emitWithAck('call:reject', { callId }));
    expect(await forCaller).toEqual({ callId, reason: 'rejected' });
    expect(await forOtherDevice).toEqual({ callId, reason: 'rejected' });
    expect((await record).message.call).toMatchObject({ callId, media: 'audio', outcome: 'rejected' });
    expect(errorCode(await w.b2.emitWithAck('call:accept', { callId }))).toBe('not_found');
  });

  it('only the caller can cancel; a cancelled call stops every callee device', async () => {
    const { callId } = await ring(w);
    expect(errorCode(await w.b1.emitWithAck('call:cancel', { callId }))).toBe('not_found');
    expect(errorCode(await w.c.emitWithAck('call:cancel', { callId }))).toBe('not_found');
    const e1 = ended(w.b1, callId);
    const e2 = ended(w.b2, callId);
    const record = callMessage(w.b1, callId);
    expectOk(await w.a.emitWithAck('call:cancel', { callId }));
    expect(await e1).toEqual({ callId, reason: 'cancelled' });
    expect(await e2).toEqual({ callId, reason: 'cancelled' });
    expect((await record).message.call).toMatchObject({ callId, outcome: 'cancelled' });
  });

  it('the ringing event names the caller’s picture, so the callee can show it', async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#e76f51' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
    const uploaded = await fetch(`${w.server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.alice.accessToken}` },
      body: form,
    });
    const { attachment } = (await uploaded.json()) as { attachment: { id: string } };
    const me = { token: w.alice.accessToken, method: 'PATCH' };
    const set = await api<{ user: { avatarId?: string | null } }>(w.server.url, '/api/me', {
      ...me,
      body: { avatarId: attachment.id },
    });
    expect(set.status).toBe(200);
    try {
      const { callId, i1 } = await ring(w);
      expect(i1.from.avatarId).toBe(set.body.user.avatarId);
      expect(i1.from.avatarId).toBeTruthy();
      const stopped = ended(w.b1, callId);
      expectOk(await w.a.emitWithAck('call:cancel', { callId }));
      await stopped;
    } finally {
      await api(w.server.url, '/api/me', { ...me, body: { avatarId: null } });
    }
  });

  it('answers busy while the caller or the callee is in a call', async () => {
    const carolBob = await createConversation(w.server.url, w.carol.accessToken, [w.bob.user.id]);
    const carolAlice = await createConversation(w.server.url, w.carol.accessToken, [w.alice.user.id]);
    const { callId } = await ring(w);
    const incomingForBob = collect(w.b1, 'call:incoming');
    expect(
      errorCode(await w.c.emitWithAck('call:initiate', { conversationId: carolBob.id, media: 'audio' })),
    ).toBe('busy');
    expect(
      errorCode(await w.c.emitWithAck('call:initiate', { conversationId: carolAlice.id, media: 'audio' })),
    ).toBe('busy');
    expect(
      errorCode(await w.a.emitWithAck('call:initiate', { conversationId: w.conversationId, media: 'audio' })),
    ).toBe('busy');
    await drained(w.b1);
    expect(incomingForBob.events).toEqual([]);
    incomingForBob.stop();
    expectOk(await w.a.emitWithAck('call:cancel', { callId }));
    // Free again: Carol can now call Bob.
    const again = nextEvent(w.b1, 'call:incoming');
    const { callId: second } = expectOk(
      await w.c.emitWithAck('call:initiate', { conversationId: carolBob.id, media: 'audio' }),
    );
    expect((await again).callId).toBe(second);
    expectOk(await w.c.emitWithAck('call:cancel', { callId: second }));
  });

  it('answers unavailable when no callee device is connected, and still records a missed call', async () => {
    const dave = await registerUser(w.server.url);
    const conv = await createConversation(w.server.url, w.alice.accessToken, [dave.user.id]);
    const record = nextEvent(w.a, 'message:new', (e) => e.message.conversationId === conv.id);
    expect(
      errorCode(await w.a.emitWithAck('call:initiate', { conversationId: conv.id, media: 'video' })),
    ).toBe('unavailable');
    expect((await record).message).toMatchObject({
      kind: 'call',
      call: { media: 'video', outcome: 'missed', unavailable: true },
    });
    // Alice is not left "in a call".
    const { callId } = await ring(w);
    expectOk(await w.a.emitWithAck('call:cancel', { callId }));
  });

  it('refuses non-members and unknown calls with not_found and tells no one', async () => {
    const watchers = [w.a, w.b1, w.b2].map((s) => collect(s, 'call:incoming'));
    expect(
      errorCode(await w.c.emitWithAck('call:initiate', { conversationId: w.conversationId, media: 'video' })),
    ).toBe('not_found');
    expect(
      errorCode(await w.c.emitWithAck('call:initiate', { conversationId: 'nope', media: 'video' })),
    ).toBe('not_found');
    await Promise.all([w.a, w.b1, w.b2].map(drained));
    for (const c of watchers) {
      expect(c.events).toEqual([]);
      c.stop();
    }
    const { callId } = await ring(w);
    const noise = [collect(w.a, 'call:ended'), collect(w.b1, 'call:ended'), collect(w.b2, 'call:ended')];
    for (const event of ['call:accept', 'call:reject', 'call:cancel', 'call:end'] as const) {
      expect(errorCode(await w.c.emitWithAck(event, { callId }))).toBe('not_found');
      expect(errorCode(await w.a.emitWithAck(event, { callId: 'unknown-call' }))).toBe('not_found');
    }
    await Promise.all([w.a, w.b1, w.b2].map(drained));
    for (const c of noise) {
      expect(c.events).toEqual([]);
      c.stop();
    }
    expectOk(await w.a.emitWithAck('call:cancel', { callId }));
  });

  it('in a group, every member rings and the first to answer is the other participant', async () => {
    const group = await createConversation(
      w.server.url,
      w.alice.accessToken,
      [w.bob.user.id, w.carol.user.id],
      'Team',
    );
    const rings = [w.b1, w.b2, w.c].map((s) =>
      nextEvent(s, 'call:incoming', (e) => e.conversationId === group.id),
    );
    const { callId } = expectOk(
      await w.a.emitWithAck('call:initiate', { conversationId: group.id, media: 'audio' }),
    );
    await Promise.all(rings);
    const bobStops = [ended(w.b1, callId), ended(w.b2, callId)];
    const accepted = nextEvent(w.a, 'call:accepted');
    expectOk(await w.c.emitWithAck('call:accept', { callId }));
    expect(await accepted).toEqual({ callId, userId: w.carol.user.id });
    expect((await Promise.all(bobStops)).map((e) => e.reason)).toEqual([
      'answered_elsewhere',
      'answered_elsewhere',
    ]);
    // `to` must name the participant.
    const signal = { type: 'offer', sdp: 'v=0' };
    expect(errorCode(await w.a.emitWithAck('call:offer', { callId, to: w.bob.user.id, signal }))).toBe(
      'not_found',
    );
    const got = nextEvent(w.c, 'call:offer');
    expectOk(await w.a.emitWithAck('call:offer', { callId, to: w.carol.user.id, signal }));
    expect((await got).from).toBe(w.alice.user.id);
    expect(errorCode(await w.b1.emitWithAck('call:accept', { callId }))).toBe('not_found');
    const hangup = ended(w.a, callId);
    expectOk(await w.c.emitWithAck('call:end', { callId }));
    expect((await hangup).reason).toBe('hangup');
  });

  it('answers malformed payloads with invalid_input and keeps working', async () => {
    type Loose = { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<object>> };
    const loose = w.a as unknown as Loose;
    const bad: Array<[string, unknown]> = [
      ['call:initiate', undefined],
      ['call:initiate', null],
      ['call:initiate', 'hello'],
      ['call:initiate', { conversationId: w.conversationId }],
      ['call:initiate', { conversationId: w.conversationId, media: 'hologram' }],
      ['call:initiate', { conversationId: 42, media: 'audio' }],
      ['call:accept', {}],
      ['call:reject', { callId: '' }],
      ['call:cancel', { callId: 'x'.repeat(65) }],
      ['call:end', [1, 2]],
      ['call:offer', { callId: 'x' }],
      ['call:answer', { callId: 'x', signal: 'sdp' }],
      ['call:ice-candidate', { callId: 'x', signal: null }],
      ['call:offer', { callId: 'x', to: 7, signal: {} }],
    ];
    for (const [event, payload] of bad) {
      const ack = await loose.emitWithAck(event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe('invalid_input');
    }
    // Without an ack callback nothing breaks either.
    (w.a as unknown as { emit(e: string, p: unknown): void }).emit('call:initiate', { media: 1 });
    const { callId } = await ring(w);
    expectOk(await w.a.emitWithAck('call:cancel', { callId }));
  });

  it('hands out STUN and time-limited TURN credentials to signed-in users only', async () => {
    const server = await startTestServer({
      stunUrls: ['stun:stun.example.org:3478'],
      turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
      turnSecret: 'coturn-static-auth-secret',
    });
    try {
      expect((await api(server.url, '/api/ice-servers')).status).toBe(401);
      const user = await registerUser(server.url);
      const before = Math.floor(Date.now() / 1000);
      const res = await api<IceServersResponse>(server.url, '/api/ice-servers', { token: user.accessToken });
      expect(res.status).toBe(200);
      const { iceServers, ttlSeconds } = res.body;
      expect(ttlSeconds).toBeGreaterThan(0);
      expect(iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
      const turn = iceServers[1];
      expect(turn?.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
      const [expiry, userId] = (turn?.username ?? '').split(':');
      expect(userId).toBe(user.user.id);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + ttlSeconds);
      expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ttlSeconds);
      const expected = createHmac('sha1', 'coturn-static-auth-secret')
        .update(turn?.username ?? '')
        .digest('base64');
      expect(turn?.credential).toBe(expected);
    } finally {
      await server.close();
    }
  });
});

describe('calls with short timers', () => {
  let w: World | undefined;
  afterAll(() => teardown(w));

  it('ends an unanswered call with no_answer for everyone and records a missed call', async () => {
    await teardown(w);
    w = await world({ callRingTimeoutMs: 300 });
    const { callId } = await ring(w);
    const reasons = [w.a, w.b1, w.b2].map((s) => ended(s, callId));
    const record = callMessage(w.a, callId);
    const got: CallEndReason[] = (await Promise.all(reasons)).map((e) => e.reason);
    expect(got).toEqual(['no_answer', 'no_answer', 'no_answer']);
    expect((await record).message.call).toMatchObject({ callId, outcome: 'missed' });
    expect(errorCode(await w.b1.emitWithAck('call:accept', { callId }))).toBe('not_found');
  });

  it('ends with connection_lost when a participant stays away past the grace period', async () => {
    await teardown(w);
    w = await world({ callReconnectGraceMs: 200 });
    const callId = await connect(w);
    const lost = ended(w.a, callId);
    const record = callMessage(w.a, callId);
    w.b2.close();
    expect(await lost).toEqual({ callId, reason: 'connection_lost' });
    expect((await record).message.call).toMatchObject({ callId, outcome: 'completed' });
  });

  it('keeps the call when the participant reconnects within the grace period', async () => {
    await teardown(w);
    // Long enough that reconnecting can never lose the race on a slow machine.
    w = await world({ callReconnectGraceMs: 20_000 });
    const callId = await connect(w);
    const aliceEnded = collect(w.a, 'call:ended');
    w.b2.close();
    // Bob's device comes back with a new socket (a new login, as after an app restart).
    const again = await loginUser(w.server.url, w.bob);
    const b3 = await connectSocket(w.server.url, again.accessToken);
    w.sockets.push(b3);
    const offer = nextEvent(b3, 'call:offer');
    expectOk(await w.a.emitWithAck('call:offer', { callId, signal: { type: 'offer', sdp: 'v=0' } }));
    expect((await offer).from).toBe(w.alice.user.id);
    const answer = nextEvent(w.a, 'call:answer');
    expectOk(await b3.emitWithAck('call:answer', { callId, signal: { type: 'answer', sdp: 'v=0' } }));
    await answer;
    // Bob's other, older device cannot take over a call that is bound again.
    expect(errorCode(await w.b1.emitWithAck('call:end', { callId }))).toBe('not_found');
    const hangup = ended(w.a, callId);
    expectOk(await b3.emitWithAck('call:end', { callId }));
    expect(await hangup).toEqual({ callId, reason: 'hangup' });
    expect(aliceEnded.events).toEqual([{ callId, reason: 'hangup' }]);
  });
  it('tells a caller who was away when the callee accepted, once the caller is back', async () => {
    await teardown(w);
    w = await world({ callReconnectGraceMs: 20_000 });
    const { callId } = await ring(w);
    // Alice's only device drops while Bob's phone rings; Bob accepts in the meantime.
    w.a.close();
    expectOk(await w.b2.emitWithAck('call:accept', { callId }));
    const again = await loginUser(w.server.url, w.alice);
    // Listening before the socket connects: the server says it as soon as the socket is in.
    const a2: ClientSocket = ioClient(w.server.url, {
      auth: { token: again.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    w.sockets.push(a2);
    expect(await nextEvent(a2, 'call:accepted')).toEqual({ callId, userId: w.bob.user.id });
  });

  it('ends calls in progress with a record when the server shuts down', async () => {
    await teardown(w);
    w = await world();
    const callId = await connect(w);
    const dataDir = w.server.dataDir;
    // Sockets are closed before the cleanups run, so nobody hears call:ended; the record stays.
    await w.server.close({ keepData: true });
    for (const socket of w.sockets) socket.close();
    const restarted = await startTestServer({ dataDir });
    try {
      const { body } = await api<{ messages: Message[] }>(
        restarted.url,
        `/api/conversations/${w.conversationId}/messages`,
        { token: w.alice.accessToken },
      );
      const record = body.messages.find((m) => m.call?.callId === callId);
      expect(record?.kind).toBe('call');
      expect(record?.call?.outcome).toBe('completed');
    } finally {
      await restarted.close();
      w.sockets = [];
    }
  });
  it('limits how many calls one user may start per minute', async () => {
    await teardown(w);
    w = await world({ callRate: 10 });
    // Bob goes offline, so every attempt is answered unavailable (and recorded).
    for (const socket of [w.b1, w.b2]) socket.close();
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        errorCode(
          await w.a.emitWithAck('call:initiate', { conversationId: w.conversationId, media: 'audio' }),
        ),
      );
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('unavailable'));
    expect(codes[10]).toBe('rate_limited');
  });
});
