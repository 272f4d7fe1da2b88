import type {
  Ack,
  ConversationListResponse,
  HealthResponse,
  Message,
  MessagesResponse,
} from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  collect,
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

let server: TestServer;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

async function device(user: TestUser): Promise<ClientSocket> {
  const socket = await connectSocket(server.url, user.accessToken);
  sockets.push(socket);
  return socket;
}

/** Two users with a direct conversation and two devices each. */
async function pair() {
  const alice = await registerUser(server.url);
  const bob = await registerUser(server.url);
  const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
  const [a1, a2, b1, b2] = await Promise.all([device(alice), device(alice), device(bob), device(bob)]);
  return { alice, bob, conversation, a1: a1!, a2: a2!, b1: b1!, b2: b2! };
}

const okMessage = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};

describe('message:send', () => {
  it('stores the message, acks it and sends message:new to every other device of every member', async () => {
    const { alice, bob, conversation, a1, a2, b1, b2 } = await pair();
    const seen = [a1, a2, b1, b2].map((s) => collect(s, 'message:new'));
    const message = okMessage(await sendMessage(a1, conversation.id, '  hi bob  ', 'c-1'));
    expect(message).toMatchObject({
      conversationId: conversation.id,
      seq: 1,
      senderId: alice.user.id,
      clientId: 'c-1',
      kind: 'text',
      body: 'hi bob',
    });
    // A message from Bob afterwards: each socket receives events in order, so once it has
    // arrived everywhere, anything sent for Alice's message has arrived too.
    const delivered = Promise.all(
      [a1, a2, b2].map((s) => nextEvent(s, 'message:new', (e) => e.message.seq === 2)),
    );
    const reply = okMessage(await sendMessage(b1, conversation.id, 'hi alice'));
    await delivered;
    const ids = seen.map((c) => c.events.map((e) => e.message.seq));
    expect(ids).toEqual([[2], [1, 2], [1], [1, 2]]);
    expect(bob.user.id).toBe(reply.senderId);
  });

  it('is idempotent on clientId: a retry answers the stored message and broadcasts nothing', async () => {
    const { conversation, a1, a2, b1 } = await pair();
    const seen = collect(b1, 'message:new');
    const first = okMessage(await sendMessage(a1, conversation.id, 'once', 'same-id'));
    // The retry may come from another device of the same user (an outbox synced elsewhere).
    const again = okMessage(await sendMessage(a2, conversation.id, 'once (edited retry)', 'same-id'));
    expect(again).toEqual(first);
    const [concurrentA, concurrentB] = await Promise.all([
      sendMessage(a1, conversation.id, 'race', 'race-id'),
      sendMessage(a2, conversation.id, 'race', 'race-id'),
    ]);
    expect(okMessage(concurrentA!)).toEqual(okMessage(concurrentB!));
    const delivered = nextEvent(b1, 'message:new', (e) => e.message.body === 'sentinel');
    okMessage(await sendMessage(a1, conversation.id, 'sentinel'));
    await delivered;
    expect(seen.events.map((e) => e.message.seq)).toEqual([1, 2, 3]);
  });

  it('assigns gapless seqs under concurrent sends from many devices', async () => {
    const users = await Promise.all([1, 2, 3].map(() => registerUser(server.url)));
    const group = await createConversation(
      server.url,
      users[0]!.accessToken,
      users.slice(1).map((u) => u.user.id),
      'Busy',
    );
    const devices = await Promise.all(users.flatMap((u) => [device(u), device(u)]));
    const perDevice = 25;
    const acks = await Promise.all(
      devices.flatMap((s, d) =>
        Array.from({ length: perDevice }, (_, i) => sendMessage(s, group.id, `d${d} m${i}`, `d${d}-${i}`)),
      ),
    );
    const seqs = acks.map((a) => okMessage(a).seq).sort((a, b) => a - b);
    const total = devices.length * perDevice;
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const history = await api<MessagesResponse>(
      server.url,
      `/api/conversations/${group.id}/messages?limit=200`,
      {
        token: users[1]!.accessToken,
      },
    );
    expect(history.body.messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('answers not_found for a conversation the sender is not in, exactly as for one that does not exist', async () => {
    const { conversation } = await pair();
    const eve = await registerUser(server.url);
    const e = await device(eve);
    const notMember = await sendMessage(e, conversation.id, 'let me in');
    const missing = await sendMessage(e, 'no-such-conversation', 'hello?');
    expect(notMember).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
    expect(notMember).toEqual(missing);
  });

  it('answers a non-member not_found whatever the replyToId, so replies cannot probe a conversation', async () => {
    const { conversation, a1 } = await pair();
    const inside = okMessage(await sendMessage(a1, conversation.id, 'private'));
    const e = await device(await registerUser(server.url));
    const probe = (replyToId: string) =>
      e.emitWithAck('message:send', {
        conversationId: conversation.id,
        clientId: crypto.randomUUID(),
        body: 'x',
        replyToId,
      });
    const [existing, made_up] = await Promise.all([probe(inside.id), probe('no-such-message')]);
    expect(existing).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
    expect(made_up).toEqual(existing);
  });

  it('rejects a reply to a message of another conversation', async () => {
    const first = await pair();
    const second = await pair();
    const elsewhere = okMessage(await sendMessage(second.a1, second.conversation.id, 'over here'));
    const ack = await first.a1.emitWithAck('message:send', {
      conversationId: first.conversation.id,
      clientId: 'reply-1',
      body: 'replying',
      replyToId: elsewhere.id,
    });
    expect(ack.ok).toBe(false);
    if (!ack.ok) expect(ack.error.fields).toHaveProperty('replyToId');
    const target = okMessage(await sendMessage(first.b1, first.conversation.id, 'original'));
    const reply = okMessage(
      await first.a1.emitWithAck('message:send', {
        conversationId: first.conversation.id,
        clientId: 'reply-2',
        body: 'replying',
        replyToId: target.id,
      }),
    );
    expect(reply.replyToId).toBe(target.id);
  });
});

describe('malformed socket payloads', () => {
  type Emit = (event: string, ...args: unknown[]) => void;
  const badPayloads: unknown[] = [
    undefined,
    null,
    'a string',
    42,
    [],
    {},
    { conversationId: 42, clientId: {}, body: ['x'], seq: 'one', callId: null, signal: 'x', media: 'smell' },
    { conversationId: 'x'.repeat(65), clientId: 'c', body: 'b', seq: -1 },
  ];
  const events = [
    'message:send',
    'typing:start',
    'typing:stop',
    'messages:read',
    'call:initiate',
    'call:accept',
    'call:reject',
    'call:cancel',
    'call:end',
    'call:offer',
    'call:answer',
    'call:ice-candidate',
  ];

  it('answers invalid_input to every event with bad input, and the socket keeps working', async () => {
    const { conversation, a1, b1 } = await pair();
    for (const event of events) {
      for (const payload of badPayloads) {
        const ack = (await a1.timeout(5000).emitWithAck(event as 'message:send', payload as never)) as Ack;
        expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({
          ok: false,
          error: { code: 'invalid_input' },
        });
      }
    }
    // The ack can also come first, alone.
    const onlyAck = await new Promise<Ack>((resolve) =>
      (a1.emit as unknown as Emit)('message:send', resolve),
    );
    expect(onlyAck).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(a1.connected).toBe(true);
    const delivered = nextEvent(b1, 'message:new');
    expect(okMessage(await sendMessage(a1, conversation.id, 'still here')).seq).toBe(1);
    expect((await delivered).message.body).toBe('still here');
  });

  it('survives events without an ack callback, a non-function ack and extra arguments', async () => {
    const { conversation, a1, b1 } = await pair();
    const emit = a1.emit.bind(a1) as unknown as Emit;
    // Valid messages without a usable ack are still stored and delivered.
    const delivered = ['no ack', 'extra args', 'bad ack'].map((body) =>
      nextEvent(b1, 'message:new', (e) => e.message.body === body),
    );
    for (const event of events) {
      for (const payload of badPayloads) emit(event, payload);
      emit(event);
    }
    emit(
      'message:send',
      { conversationId: conversation.id, clientId: 'bad-ack', body: 'bad ack' },
      'not a function',
    );
    emit('message:send', { conversationId: conversation.id, clientId: 'extra', body: 'extra args' }, 1, 2, 3);
    emit('no:such-event', { anything: true }, () => undefined);
    emit('message:send', { conversationId: conversation.id, clientId: 'fire-and-forget', body: 'no ack' });
    await Promise.all(delivered);
    expect(okMessage(await sendMessage(a1, conversation.id, 'after the noise')).seq).toBe(4);
    expect(a1.connected).toBe(true);
  });

  it('refuses bodies that are empty after trimming or longer than 4000 characters', async () => {
    const { conversation, a1 } = await pair();
    // NUL cannot be stored by PostgreSQL, so it is refused on every backend alike.
    for (const body of ['', '   \n\t ', 'x'.repeat(4001), 'nul \u0000 inside']) {
      const ack = await sendMessage(a1, conversation.id, body);
      expect(ack).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', fields: { body: expect.any(String) } },
      });
    }
    expect(okMessage(await sendMessage(a1, conversation.id, `  ${'x'.repeat(4000)}  `)).body).toHaveLength(
      4000,
    );
  });

  it('drops a socket whose packet exceeds MAX_PAYLOAD_BYTES and keeps serving everyone else', async () => {
    const { conversation, a1, a2, b1 } = await pair();
    const dropped = new Promise<string>((resolve) => a1.once('disconnect', resolve));
    a1.emit(
      'message:send',
      {
        conversationId: conversation.id,
        clientId: 'huge',
        body: 'x'.repeat(server.config.maxPayloadBytes + 1),
      },
      () => {
        throw new Error('an oversized packet must not be acknowledged');
      },
    );
    expect(await dropped).toBe('transport close');
    const delivered = nextEvent(b1, 'message:new');
    expect(okMessage(await sendMessage(a2, conversation.id, 'fine')).seq).toBe(1);
    expect((await delivered).message.body).toBe('fine');
    const health = await api<HealthResponse>(server.url, '/health');
    expect(health.body.status).toBe('ok');
  });
});

describe('rate limits', () => {
  it('answers rate_limited past MESSAGE_RATE messages per 10 s per user, across devices', async () => {
    const limited = await startTestServer({ messageRate: 5 });
    try {
      const alice = await registerUser(limited.url);
      const bob = await registerUser(limited.url);
      const c = await createConversation(limited.url, alice.accessToken, [bob.user.id]);
      const d1 = await connectSocket(limited.url, alice.accessToken);
      const d2 = await connectSocket(limited.url, alice.accessToken);
      const bobSocket = await connectSocket(limited.url, bob.accessToken);
      for (let i = 0; i < 5; i++)
        expect((await sendMessage(i % 2 ? d1 : d2, c.id, `m${i}`, `m${i}`)).ok).toBe(true);
      const refused = await sendMessage(d1, c.id, 'one too many');
      expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      // A retry of something already stored is still answered: it stores nothing new.
      const retry = await sendMessage(d1, c.id, 'm0', 'm0');
      expect(retry).toMatchObject({ ok: true, message: { seq: 1, clientId: 'm0' } });
      // Bob has his own budget.
      expect((await sendMessage(bobSocket, c.id, 'my turn')).ok).toBe(true);
      for (const s of [d1, d2, bobSocket]) s.close();
    } finally {
      await limited.close();
    }
  });
});

describe('typing', () => {
  it('tells the other members (not the typist’s devices), and stops on typing:stop or on send', async () => {
    const { alice, conversation, a1, a2, b1, b2 } = await pair();
    const own = collect(a2, 'typing');
    const started = Promise.all([b1, b2].map((s) => nextEvent(s, 'typing')));
    a1.emit('typing:start', { conversationId: conversation.id });
    for (const e of await started)
      expect(e).toEqual({ conversationId: conversation.id, userId: alice.user.id, typing: true });
    const stopped = nextEvent(b1, 'typing');
    a1.emit('typing:stop', { conversationId: conversation.id });
    expect((await stopped).typing).toBe(false);

    a1.emit('typing:start', { conversationId: conversation.id });
    await nextEvent(b1, 'typing', (e) => e.typing);
    const stoppedBySend = nextEvent(b1, 'typing');
    await sendMessage(a1, conversation.id, 'done typing');
    expect((await stoppedBySend).typing).toBe(false);
    expect(own.events).toEqual([]);
  });

  it('does not broadcast typing into a conversation the user is not in', async () => {
    const { conversation, a1, b1 } = await pair();
    const eve = await device(await registerUser(server.url));
    const seen = collect(b1, 'typing');
    eve.emit('typing:start', { conversationId: conversation.id });
    // Eve's events are handled in order: once this ack is back, her typing:start was handled.
    await eve.emitWithAck('messages:read', { conversationId: conversation.id, seq: 1 });
    const delivered = nextEvent(b1, 'message:new', (e) => e.message.body === 'sentinel');
    okMessage(await sendMessage(a1, conversation.id, 'sentinel'));
    await delivered;
    expect(seen.events).toEqual([]);
  });

  it('expires a typing:start without a stop after about 6 s', { timeout: 15_000 }, async () => {
    const { conversation, a1, b1 } = await pair();
    a1.emit('typing:start', { conversationId: conversation.id });
    await nextEvent(b1, 'typing', (e) => e.typing);
    const expired = await nextEvent(b1, 'typing', () => true, 10_000);
    expect(expired.typing).toBe(false);
  });
});

describe('messages:read', () => {
  it('moves readSeq up only, clamps to lastSeq, and tells members and the reader’s other devices', async () => {
    const { alice, bob, conversation, a1, a2, b1 } = await pair();
    for (let i = 1; i <= 3; i++) okMessage(await sendMessage(a1, conversation.id, `m${i}`));
    const bobList = async () =>
      (await api<ConversationListResponse>(server.url, '/api/conversations', { token: bob.accessToken })).body
        .conversations[0]!;
    expect(await bobList()).toMatchObject({ lastSeq: 3, readSeq: 0, unreadCount: 3 });

    const toAlice = nextEvent(a2, 'messages:read');
    expect(await b1.emitWithAck('messages:read', { conversationId: conversation.id, seq: 2 })).toEqual({
      ok: true,
    });
    expect(await toAlice).toMatchObject({ conversationId: conversation.id, userId: bob.user.id, seq: 2 });
    expect(await bobList()).toMatchObject({ readSeq: 2, unreadCount: 1 });

    // Going back is accepted and changes nothing; beyond the end is clamped to lastSeq.
    expect(await b1.emitWithAck('messages:read', { conversationId: conversation.id, seq: 1 })).toEqual({
      ok: true,
    });
    expect((await bobList()).readSeq).toBe(2);
    const clamped = nextEvent(a1, 'messages:read');
    expect(await b1.emitWithAck('messages:read', { conversationId: conversation.id, seq: 999 })).toEqual({
      ok: true,
    });
    expect((await clamped).seq).toBe(3);
    expect(await bobList()).toMatchObject({ readSeq: 3, unreadCount: 0 });
    expect(alice.user.id).not.toBe(bob.user.id);
  });

  it('reaches the reader’s other devices', async () => {
    const { bob, conversation, a1, b1, b2 } = await pair();
    okMessage(await sendMessage(a1, conversation.id, 'read me'));
    const other = nextEvent(b2, 'messages:read');
    await b1.emitWithAck('messages:read', { conversationId: conversation.id, seq: 1 });
    expect(await other).toMatchObject({ userId: bob.user.id, seq: 1 });
  });

  it('answers not_found for a conversation the reader is not in', async () => {
    const { conversation } = await pair();
    const eve = await device(await registerUser(server.url));
    const ack = await eve.emitWithAck('messages:read', { conversationId: conversation.id, seq: 1 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('presence', () => {
  it('announces online at the first device and offline (with lastSeenAt) after the last', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const watcher = await device(alice);
    const online = collect(watcher, 'user:online');
    const offline = collect(watcher, 'user:offline');

    const firstOnline = nextEvent(watcher, 'user:online');
    const bob1 = await connectSocket(server.url, bob.accessToken);
    expect(await firstOnline).toEqual({ userId: bob.user.id });
    const bob2 = await connectSocket(server.url, bob.accessToken);
    // A message from the second device after it is fully set up orders the check below.
    const delivered1 = nextEvent(watcher, 'message:new', (e) => e.message.body === 'second device here');
    okMessage(await sendMessage(bob2, conversation.id, 'second device here'));
    await delivered1;

    bob1.close();
    const delivered2 = nextEvent(watcher, 'message:new', (e) => e.message.body === 'first device gone');
    okMessage(await sendMessage(bob2, conversation.id, 'first device gone'));
    await delivered2;
    expect(online.events).toHaveLength(1);
    expect(offline.events).toHaveLength(0);

    const wentOffline = nextEvent(watcher, 'user:offline');
    bob2.close();
    const event = await wentOffline;
    expect(event.userId).toBe(bob.user.id);
    expect(Date.parse(event.lastSeenAt)).toBeLessThanOrEqual(Date.now());

    const list = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
    });
    const member = list.body.conversations[0]!.members.find((m) => m.id === bob.user.id);
    expect(member).toMatchObject({ online: false, lastSeenAt: event.lastSeenAt });
    expect(online.events).toHaveLength(1);
  });
});

describe('health', () => {
  it('reports status, protocol and connection counts', async () => {
    const res = await api<HealthResponse>(server.url, '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', protocol: 1, version: expect.any(String) });
    expect(res.body.connections).toBeGreaterThanOrEqual(0);
    expect(res.body.authenticatedUsers).toBeGreaterThanOrEqual(0);
  });
});
