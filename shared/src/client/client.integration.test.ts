/**
 * The client core against the real server: real HTTP, real sockets, a real SQLite file in a
 * temporary directory (server/test/harness.ts), several clients per test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSignal } from '../host-api.js';
import type { Ack, Conversation, Message, User } from '../protocol/index.js';
import { createParleyClient } from './client.js';
import { createMemoryStorage } from './memory-storage.js';
import { OUTBOX_STORAGE_KEY } from './outbox.js';
import type { ClientState, MessageView } from './state.js';
import { waitForEvent, waitForState, waitUntil } from './test-support.js';
import { globalFetch, type FetchLike } from './runtime.js';
import type { ClientEvent, ClientStorage, ParleyClient } from './types.js';

/**
 * The parts of server/test/harness.ts these tests use. shared/ cannot reference the server
 * project (the server depends on shared, and project references must not form a cycle), so
 * the harness is imported by a path TypeScript does not follow and typed here by what is
 * used; vitest resolves and transpiles it like any other test import.
 */
interface TestServer {
  url: string;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}
interface RawSocket {
  emitWithAck(
    event: 'message:send',
    payload: { conversationId: string; clientId: string; body: string },
  ): Promise<Ack<{ message: Message }>>;
  close(): void;
}
interface Harness {
  startTestServer(overrides?: {
    dataDir?: string;
    port?: number;
    accessTokenTtlSeconds?: number;
  }): Promise<TestServer>;
  registerUser(
    url: string,
    name?: string,
  ): Promise<{ user: User; accessToken: string; refreshToken: string; password: string }>;
  uniqueName(prefix?: string): string;
  createConversation(url: string, token: string, memberIds: string[], title?: string): Promise<Conversation>;
  connectSocket(url: string, token: string): Promise<RawSocket>;
  loginUser(
    url: string,
    user: { user: { username: string }; password: string },
  ): Promise<{ accessToken: string }>;
  api<T>(
    url: string,
    path: string,
    options?: { method?: string; token?: string; body?: unknown },
  ): Promise<{ status: number; body: T }>;
}
const harnessPath = '../../../server/test/harness.js';
const harness = (await import(/* @vite-ignore */ harnessPath)) as Harness;

const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 1000 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(overrides: Parameters<Harness['startTestServer']>[0] = {}): Promise<TestServer> {
  const s = await harness.startTestServer(overrides);
  cleanups.push(() => s.close());
  return s;
}

function newClient(storage: ClientStorage = createMemoryStorage()): ParleyClient {
  const client = createParleyClient({ storage, reconnect: FAST_RECONNECT });
  cleanups.push(() => client.stop());
  return client;
}

/** A client signed up as a new user and connected (catch-up finished). */
async function signedUpClient(
  url: string,
  storage?: ClientStorage,
): Promise<{ client: ParleyClient; user: User; password: string }> {
  const client = newClient(storage);
  const username = harness.uniqueName('c');
  const password = `password-${username}`;
  const result = await client.auth.signUp({ serverUrl: url, username, password, displayName: username });
  expect(result).toEqual({ ok: true, value: undefined });
  const state = await waitForConnected(client);
  if (state.session.status !== 'signed-in') throw new Error('not signed in');
  return { client, user: state.session.user, password };
}

function waitForConnected(client: ParleyClient): Promise<ClientState> {
  return waitForState(
    client,
    (s) => s.connection.status === 'connected' && !s.catchUp.active && s.session.status === 'signed-in',
    'connected and caught up',
  );
}

function collectEvents(client: ParleyClient): ClientEvent[] {
  const events: ClientEvent[] = [];
  cleanups.push(client.onEvent((e) => events.push(e)));
  return events;
}

const stored = (items: readonly MessageView[] | undefined) =>
  (items ?? []).filter((m) => m.status === 'sent');
const bodies = (items: readonly MessageView[] | undefined) => stored(items).map((m) => m.body);

/** Every message of a conversation as the server has it, paging with afterSeq. */
async function serverHistory(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const res = await harness.api<{ messages: Message[] }>(
      url,
      `/api/conversations/${conversationId}/messages?afterSeq=${all.length === 0 ? 0 : all[all.length - 1]!.seq}&limit=200`,
      { token },
    );
    expect(res.status).toBe(200);
    all.push(...res.body.messages);
    if (res.body.messages.length < 200) return all;
  }
}

describe('client core against the real server', () => {
  it('two clients chat: conversation, messages, unread, reads, typing, presence', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const bobEvents = collectEvents(bob.client);

    const search = await alice.client.users.search(bob.user.username.slice(0, 5));
    expect(search.ok && search.value.some((u) => u.id === bob.user.id)).toBe(true);

    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    // Bob learns about it from conversation:new, and both see each other online.
    await waitForState(
      bob.client,
      (st) => st.conversations.some((c) => c.id === conversationId),
      'conversation:new',
    );
    await waitForState(alice.client, (st) => st.presence[bob.user.id]?.online === true, 'bob online');

    expect((await alice.client.conversations.open(conversationId)).ok).toBe(true);
    const sent = await alice.client.messages.send(conversationId, 'hello bob');
    if (!sent.ok) throw new Error(sent.error);
    const aliceState = await waitForState(
      alice.client,
      (st) =>
        st.messages[conversationId]?.items.some(
          (m) => m.clientId === sent.value.clientId && m.status === 'sent',
        ) === true,
      'the ack',
    );
    expect(aliceState.messages[conversationId]!.items).toHaveLength(1);

    const incoming = await waitForState(
      bob.client,
      (st) => st.conversations.find((c) => c.id === conversationId)?.unreadCount === 1,
      'unread 1',
    );
    expect(incoming.conversations[0]!.lastMessage?.body).toBe('hello bob');
    const messageEvent = bobEvents.find((e) => e.type === 'message');
    expect(messageEvent).toMatchObject({
      type: 'message',
      fromCatchUp: false,
      message: { body: 'hello bob' },
    });

    // Typing reaches Alice, and Bob's message clears it.
    expect((await bob.client.messages.setTyping(conversationId, true)).ok).toBe(true);
    await waitForState(
      alice.client,
      (st) => st.typing[conversationId]?.includes(bob.user.id) === true,
      'bob typing',
    );

    expect((await bob.client.conversations.open(conversationId)).ok).toBe(true);
    expect(bodies(bob.client.getSnapshot().messages[conversationId]?.items)).toEqual(['hello bob']);
    expect((await bob.client.conversations.markRead(conversationId, 1)).ok).toBe(true);
    expect(bob.client.getSnapshot().conversations[0]!.unreadCount).toBe(0);
    await waitForState(alice.client, (st) => st.reads[conversationId]?.[bob.user.id] === 1, 'read receipt');

    await bob.client.messages.send(conversationId, 'hi alice');
    const after = await waitForState(
      alice.client,
      (st) => bodies(st.messages[conversationId]?.items).length === 2,
      'reply',
    );
    expect(bodies(after.messages[conversationId]?.items)).toEqual(['hello bob', 'hi alice']);
    expect(after.typing[conversationId]).toBeUndefined();
    // Alice's own message is not unread for her; Bob's is.
    expect(after.conversations.find((c) => c.id === conversationId)?.unreadCount).toBe(1);

    // Bob leaves: Alice sees him offline.
    await bob.client.stop();
    await waitForState(alice.client, (st) => st.presence[bob.user.id]?.online === false, 'bob offline');
  });

  it('keeps sending while the server restarts; every message arrives exactly once, in order', async () => {
    const first = await harness.startTestServer();
    const port = Number(/:(\d+)$/.exec(first.url)?.[1]);
    // Closing the first server again (after the second) deletes the shared data directory.
    cleanups.push(() => first.close());
    let second: TestServer | null = null;
    cleanups.push(() => second?.close());
    const alice = await signedUpClient(first.url);
    const bob = await signedUpClient(first.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    await waitForState(
      bob.client,
      (st) => st.conversations.some((c) => c.id === conversationId),
      'conversation:new',
    );
    await alice.client.conversations.open(conversationId);
    await bob.client.conversations.open(conversationId);

    const expected: string[] = [];
    for (let i = 1; i <= 5; i++) {
      expected.push(`before ${i}`);
      await alice.client.messages.send(conversationId, `before ${i}`);
    }
    await waitForState(
      bob.client,
      (st) => bodies(st.messages[conversationId]?.items).length === 5,
      'first five',
    );

    // Down: stop the server, keep its data directory, keep typing.
    await first.close({ keepData: true });
    await waitForState(alice.client, (st) => st.connection.status === 'reconnecting', 'alice reconnecting');
    for (let i = 1; i <= 10; i++) {
      expected.push(`while down ${i}`);
      const r = await alice.client.messages.send(conversationId, `while down ${i}`);
      expect(r.ok).toBe(true);
    }
    const pendingNow = alice.client
      .getSnapshot()
      .messages[conversationId]!.items.filter((m) => m.status === 'pending');
    expect(pendingNow).toHaveLength(10);

    // Up again on the same port with the same data.
    second = await harness.startTestServer({ dataDir: first.dataDir, port });
    const current = second;
    for (let i = 1; i <= 3; i++) {
      expected.push(`after ${i}`);
      await alice.client.messages.send(conversationId, `after ${i}`);
    }

    const bobState = await waitForState(
      bob.client,
      (st) => bodies(st.messages[conversationId]?.items).length >= expected.length,
      'every message at bob',
    );
    expect(bodies(bobState.messages[conversationId]?.items)).toEqual(expected);
    const aliceState = await waitForState(
      alice.client,
      (st) =>
        stored(st.messages[conversationId]?.items).length === expected.length &&
        st.messages[conversationId]!.items.length === expected.length,
      'every message acknowledged at alice',
    );
    expect(aliceState.messages[conversationId]!.items.map((m) => m.seq)).toEqual(
      expected.map((_, i) => i + 1),
    );

    // The server agrees: one stored message per send, in order.
    const token = await accessTokenOf(current.url, alice);
    const history = await serverHistory(current.url, token, conversationId);
    expect(history.map((m) => m.body)).toEqual(expected);
    expect(new Set(history.map((m) => m.clientId)).size).toBe(expected.length);
  });

  it('retryNow reconnects at once, even while the host believes it is offline', async () => {
    const s = await server();
    const { client } = await signedUpClient(s.url);
    client.networkChanged(false);
    // Offline means no retries at all: only retryNow (or networkChanged(true)) reconnects.
    expect(client.getSnapshot().connection).toMatchObject({ status: 'offline', nextRetryAt: null });
    expect((await client.connection.retryNow()).ok).toBe(true);
    await waitForConnected(client);
  });

  it('an outbox survives a client restart and is delivered once', async () => {
    const s = await server();
    const storage = createMemoryStorage();
    const alice = await signedUpClient(s.url, storage);
    const bob = await signedUpClient(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    await alice.client.conversations.open(conversationId);

    alice.client.networkChanged(false);
    expect(alice.client.getSnapshot().connection.status).toBe('offline');
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) {
      const r = await alice.client.messages.send(conversationId, body);
      if (!r.ok) throw new Error(r.error);
      ids.push(r.value.clientId);
    }
    await alice.client.stop();
    expect(storage.data.get(OUTBOX_STORAGE_KEY)).toContain(ids[2]);

    const restarted = newClient(storage);
    await restarted.start();
    await restarted.conversations.open(conversationId);
    // Also one the server will refuse for good: it fails instead of blocking the rest.
    const bad = await restarted.messages.send('no-such-conversation', 'lost');
    if (!bad.ok) throw new Error(bad.error);
    const state = await waitForState(
      restarted,
      (st) => stored(st.messages[conversationId]?.items).length === 3 && !st.catchUp.active,
      'the restored outbox delivered',
    );
    expect(state.messages[conversationId]!.items.map((m) => [m.clientId, m.status, m.body])).toEqual([
      [ids[0], 'sent', 'one'],
      [ids[1], 'sent', 'two'],
      [ids[2], 'sent', 'three'],
    ]);
    // Refused for good: failed and kept (persisted) until discarded.
    await waitUntil(
      () => (storage.data.get(OUTBOX_STORAGE_KEY) ?? '').includes('"failed"'),
      'a failed entry',
    );
    expect((await restarted.messages.discard(bad.value.clientId)).ok).toBe(true);
    await waitUntil(() => !storage.data.has(OUTBOX_STORAGE_KEY), 'an empty outbox');

    const bobOpen = await bob.client.conversations.open(conversationId);
    expect(bobOpen.ok).toBe(true);
    expect(bodies(bob.client.getSnapshot().messages[conversationId]?.items)).toEqual(['one', 'two', 'three']);
  });

  it('resends an entry whose ack was lost without storing it twice', async () => {
    const s = await server();
    const storage = createMemoryStorage();
    const alice = await signedUpClient(s.url, storage);
    const bob = await harness.registerUser(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    await alice.client.stop();

    // The server stored "lost ack" (sent from this outbox, say, just before a crash) but the
    // client never heard back, so the entry is still in its persisted outbox.
    const otherDevice = await harness.loginUser(s.url, alice);
    const raw = await harness.connectSocket(s.url, otherDevice.accessToken);
    cleanups.push(() => raw.close());
    const first = await raw.emitWithAck('message:send', {
      conversationId,
      clientId: 'lost-ack',
      body: 'lost ack',
    });
    expect(first.ok).toBe(true);
    const entry = (clientId: string, body: string) => ({
      clientId,
      conversationId,
      body,
      createdAt: new Date().toISOString(),
      status: 'pending',
      error: null,
    });
    storage.data.set(
      OUTBOX_STORAGE_KEY,
      JSON.stringify({
        version: 1,
        userId: alice.user.id,
        entries: [entry('lost-ack', 'lost ack'), entry('fresh', 'fresh')],
      }),
    );

    const restarted = newClient(storage);
    await restarted.start();
    await waitUntil(() => !storage.data.has(OUTBOX_STORAGE_KEY), 'the outbox to drain');
    await restarted.conversations.open(conversationId);
    const items = restarted.getSnapshot().messages[conversationId]!.items;
    expect(items.map((m) => [m.seq, m.clientId, m.status])).toEqual([
      [1, 'lost-ack', 'sent'],
      [2, 'fresh', 'sent'],
    ]);
    const history = await serverHistory(s.url, otherDevice.accessToken, conversationId);
    expect(history.map((m) => m.clientId)).toEqual(['lost-ack', 'fresh']);
  });

  it('rotates the refresh token, and a replayed old token ends the session with a clear error', async () => {
    const s = await server({ accessTokenTtlSeconds: 3 });
    const storage = createMemoryStorage();
    const alice = await signedUpClient(s.url, storage);
    const bob = await harness.registerUser(s.url);
    const initial = storage.data.get('refreshToken');
    expect(initial).toBeTruthy();

    // At 80 % of the 3 s lifetime the client refreshes by itself and keeps the new token.
    await waitUntil(() => storage.data.get('refreshToken') !== initial, 'a rotated refresh token', 10_000);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    expect(created.ok).toBe(true);

    // Someone replays the old token: the server revokes the whole login session...
    const replay = await harness.api<{ error: { code: string } }>(s.url, '/api/auth/refresh', {
      body: { refreshToken: initial },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('refresh_reused');
    // ...and the client notices (socket refused or next refresh refused) and signs out, saying why.
    const state = await waitForState(
      alice.client,
      (st) => st.session.status === 'signed-out',
      'signed out',
      10_000,
    );
    expect(state.session.status === 'signed-out' && state.session.error).toMatch(/sign in again/i);
    expect(storage.data.has('refreshToken')).toBe(false);
    expect(state.connection.status).toBe('idle');
  });

  it('catches up 300 messages sent while it was offline, each once, then reports it', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await harness.registerUser(s.url);
    const conversation = await harness.createConversation(s.url, bob.accessToken, [alice.user.id]);
    const bobSocket = await harness.connectSocket(s.url, bob.accessToken);
    cleanups.push(() => bobSocket.close());
    await waitForState(
      alice.client,
      (st) => st.conversations.some((c) => c.id === conversation.id),
      'conversation:new',
    );
    expect(
      (
        await bobSocket.emitWithAck('message:send', {
          conversationId: conversation.id,
          clientId: 'first',
          body: 'm1',
        })
      ).ok,
    ).toBe(true);
    await alice.client.conversations.open(conversation.id);
    await waitForState(
      alice.client,
      (st) => stored(st.messages[conversation.id]?.items).length === 1,
      'first message',
    );

    alice.client.networkChanged(false);
    const events = collectEvents(alice.client);
    for (let i = 2; i <= 301; i++) {
      const ack = await bobSocket.emitWithAck('message:send', {
        conversationId: conversation.id,
        clientId: `m${i}`,
        body: `m${i}`,
      });
      expect(ack.ok).toBe(true);
    }
    expect(stored(alice.client.getSnapshot().messages[conversation.id]?.items)).toHaveLength(1);

    const done = waitForEvent(alice.client, (e) => e.type === 'catch-up:done', 'catch-up:done');
    alice.client.networkChanged(true);
    expect(await done).toEqual({ type: 'catch-up:done', newMessages: 300 });
    const state = alice.client.getSnapshot();
    expect(state.catchUp).toEqual({ active: false, done: 1, total: 1 });
    const items = state.messages[conversation.id]!.items;
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(items.map((m) => m.body)).toEqual(Array.from({ length: 301 }, (_, i) => `m${i + 1}`));
    expect(state.conversations.find((c) => c.id === conversation.id)?.unreadCount).toBe(301);
    const fromCatchUp = events.filter((e) => e.type === 'message' && e.fromCatchUp);
    expect(fromCatchUp).toHaveLength(300);
  });
});

describe('client core: history, groups and bad input', () => {
  it('opens the newest page and pages back with loadOlder until the start', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await harness.registerUser(s.url);
    const carol = await harness.registerUser(s.url);
    const group = await alice.client.conversations.createGroup('  Book club ', [bob.user.id, carol.user.id]);
    if (!group.ok) throw new Error(group.error);
    expect(group.value).toMatchObject({ type: 'group', title: 'Book club' });
    expect(group.value.members.map((m) => m.id).sort()).toEqual(
      [alice.user.id, bob.user.id, carol.user.id].sort(),
    );
    const bobSocket = await harness.connectSocket(s.url, bob.accessToken);
    cleanups.push(() => bobSocket.close());
    for (let i = 1; i <= 120; i++) {
      await bobSocket.emitWithAck('message:send', {
        conversationId: group.value.id,
        clientId: `h${i}`,
        body: `h${i}`,
      });
    }
    await waitForState(
      alice.client,
      (st) => st.conversations.find((c) => c.id === group.value.id)?.lastSeq === 120,
      'all 120 announced',
    );

    expect((await alice.client.conversations.open(group.value.id)).ok).toBe(true);
    let window = alice.client.getSnapshot().messages[group.value.id]!;
    expect(alice.client.getSnapshot().openConversationId).toBe(group.value.id);
    expect(window.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(window).toMatchObject({ hasOlder: true, loadingOlder: false });

    const older = alice.client.conversations.loadOlder(group.value.id);
    expect(alice.client.getSnapshot().messages[group.value.id]!.loadingOlder).toBe(true);
    expect((await older).ok).toBe(true);
    window = alice.client.getSnapshot().messages[group.value.id]!;
    expect(window.items.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 21 + i));
    expect(window).toMatchObject({ hasOlder: true, loadingOlder: false });

    expect((await alice.client.conversations.loadOlder(group.value.id)).ok).toBe(true);
    window = alice.client.getSnapshot().messages[group.value.id]!;
    expect(window.items.map((m) => m.body)).toEqual(Array.from({ length: 120 }, (_, i) => `h${i + 1}`));
    expect(window.hasOlder).toBe(false);
    // Nothing more to load: a no-op that keeps the very same window object.
    expect((await alice.client.conversations.loadOlder(group.value.id)).ok).toBe(true);
    expect(alice.client.getSnapshot().messages[group.value.id]).toBe(window);
  });

  it('answers bad input with a clear error and changes nothing', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const before = alice.client.getSnapshot();
    const results = [
      await alice.client.messages.send('', 'hello'),
      await alice.client.messages.send('c', 'x'.repeat(5000)),
      await alice.client.conversations.createGroup('', []),
      await alice.client.conversations.createDirect(''),
      await alice.client.conversations.markRead('c', -1),
      await alice.client.messages.retry('nope'),
      await alice.client.calls.sendSignal('', null as unknown as Record<string, unknown>),
      await alice.client.calls.initiate('c', 'smell' as 'audio'),
    ];
    for (const result of results) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(3);
    }
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      'invalid_input',
      'invalid_input',
      'invalid_input',
      'invalid_input',
      'invalid_input',
      'not_found',
      'invalid_input',
      'invalid_input',
    ]);
    expect(alice.client.getSnapshot()).toBe(before);
    const missing = await alice.client.conversations.createDirect('no-such-user');
    expect(missing).toMatchObject({ ok: false, code: 'not_found' });
    const wrong = await newClient().auth.signIn({
      serverUrl: s.url,
      username: alice.user.username,
      password: 'wrong-password',
    });
    expect(wrong).toMatchObject({ ok: false, code: 'invalid_credentials' });
    const nowhere = newClient();
    const unreachable = await nowhere.auth.signIn({
      serverUrl: 'http://127.0.0.1:9',
      username: 'someone',
      password: 'password-1',
    });
    expect(unreachable).toMatchObject({ ok: false, code: 'network' });
    expect(nowhere.getSnapshot().session).toMatchObject({
      status: 'signed-out',
      error: expect.stringMatching(/Cannot reach/),
    });
  });
});

describe('client core: calls and several devices', () => {
  it('rings, accepts, relays simple-peer signals both ways and ends a call', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    await waitForState(
      bob.client,
      (st) => st.conversations.some((c) => c.id === conversationId),
      'conversation:new',
    );

    const ice = await alice.client.calls.iceServers();
    expect(ice.ok && Array.isArray(ice.value.iceServers)).toBe(true);

    const ringing = waitForEvent(bob.client, (e) => e.type === 'call:incoming', 'call:incoming');
    const initiated = await alice.client.calls.initiate(conversationId, 'video');
    if (!initiated.ok) throw new Error(initiated.error);
    const { callId } = initiated.value;
    expect(alice.client.getSnapshot().call).toMatchObject({
      callId,
      phase: 'outgoing',
      direction: 'outgoing',
      initiator: true,
      peer: { id: bob.user.id },
    });
    expect(await ringing).toMatchObject({
      type: 'call:incoming',
      call: { callId, from: { id: alice.user.id } },
    });
    expect(bob.client.getSnapshot().call).toMatchObject({
      callId,
      phase: 'incoming',
      peer: { id: alice.user.id },
    });

    expect((await bob.client.calls.accept(callId)).ok).toBe(true);
    expect(bob.client.getSnapshot().call).toMatchObject({ phase: 'active', initiator: false });
    await waitForState(
      alice.client,
      (st) => st.call?.phase === 'active' && st.call.startedAt !== null,
      'accepted',
    );

    const atBob: CallSignal[] = [];
    const atAlice: CallSignal[] = [];
    cleanups.push(bob.client.calls.onSignal((sig) => atBob.push(sig)));
    cleanups.push(alice.client.calls.onSignal((sig) => atAlice.push(sig)));
    const offer = { type: 'offer', sdp: 'v=0 fake offer' };
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' },
    };
    const renegotiate = { type: 'renegotiate', renegotiate: true };
    expect((await alice.client.calls.sendSignal(callId, offer)).ok).toBe(true);
    expect((await alice.client.calls.sendSignal(callId, candidate)).ok).toBe(true);
    expect((await alice.client.calls.sendSignal(callId, renegotiate)).ok).toBe(true);
    expect((await bob.client.calls.sendSignal(callId, { type: 'answer', sdp: 'v=0 fake answer' })).ok).toBe(
      true,
    );
    await waitUntil(() => atBob.length === 3 && atAlice.length === 1, 'the relayed signals');
    expect(atBob.map((x) => [x.event, x.from, x.signal.type])).toEqual([
      ['call:offer', alice.user.id, 'offer'],
      ['call:ice-candidate', alice.user.id, 'candidate'],
      ['call:ice-candidate', alice.user.id, 'renegotiate'],
    ]);
    expect(atBob[1]!.signal).toEqual(candidate);
    expect(atAlice[0]).toMatchObject({ callId, event: 'call:answer', from: bob.user.id });

    expect((await alice.client.calls.end(callId)).ok).toBe(true);
    expect(alice.client.getSnapshot().call).toMatchObject({ phase: 'ended', endReason: 'hangup' });
    await waitForState(bob.client, (st) => st.call?.phase === 'ended', 'call:ended at bob');
    expect(bob.client.getSnapshot().call?.endReason).toBe('hangup');
    expect((await bob.client.calls.dismiss()).ok).toBe(true);
    expect(bob.client.getSnapshot().call).toBeNull();
    // The finished call leaves a call record message in the conversation.
    await waitForState(
      alice.client,
      (st) => st.conversations.find((c) => c.id === conversationId)?.lastMessage?.kind === 'call',
      'the call record message',
    );
  });

  it('a call to someone without a connected device cannot start, and says why', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await harness.registerUser(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const result = await alice.client.calls.initiate(created.value.id, 'audio');
    expect(result).toMatchObject({ ok: false, code: 'unavailable' });
    expect(alice.client.getSnapshot().call).toMatchObject({ phase: 'ended', error: 'unavailable' });
    expect((await alice.client.calls.dismiss()).ok).toBe(true);
  });

  it("a read on one device clears the unread count on the user's other device", async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await harness.registerUser(s.url);
    const phone = newClient();
    expect(
      (await phone.auth.signIn({ serverUrl: s.url, username: alice.user.username, password: alice.password }))
        .ok,
    ).toBe(true);
    await waitForConnected(phone);
    const conversation = await harness.createConversation(s.url, bob.accessToken, [alice.user.id]);
    const bobSocket = await harness.connectSocket(s.url, bob.accessToken);
    cleanups.push(() => bobSocket.close());
    for (const body of ['a', 'b', 'c']) {
      await bobSocket.emitWithAck('message:send', { conversationId: conversation.id, clientId: body, body });
    }
    for (const device of [alice.client, phone]) {
      await waitForState(
        device,
        (st) => st.conversations.find((c) => c.id === conversation.id)?.unreadCount === 3,
        '3 unread',
      );
    }
    expect((await alice.client.conversations.markRead(conversation.id, 3)).ok).toBe(true);
    const phoneState = await waitForState(
      phone,
      (st) => st.conversations.find((c) => c.id === conversation.id)?.unreadCount === 0,
      'unread cleared on the phone',
    );
    expect(phoneState.conversations.find((c) => c.id === conversation.id)?.readSeq).toBe(3);
    // Our own reads are not receipts of others.
    expect(phoneState.reads[conversation.id]?.[alice.user.id]).toBeUndefined();
  });

  it('refreshes and retries when the socket is refused with token_expired', async () => {
    const s = await server({ accessTokenTtlSeconds: 2 });
    // A client clock that stands still: the client believes its token is fresh forever, so
    // only the server's connect_error can tell it otherwise.
    const frozen = Date.now();
    const storage = createMemoryStorage();
    let refreshes = 0;
    const countingFetch: FetchLike = (url, init) => {
      if (url.endsWith('/api/auth/refresh')) refreshes++;
      return globalFetch(url, init);
    };
    const client = createParleyClient({
      storage,
      reconnect: FAST_RECONNECT,
      now: () => frozen,
      fetch: countingFetch,
    });
    cleanups.push(() => client.stop());
    const username = harness.uniqueName('t');
    expect(
      (await client.auth.signUp({ serverUrl: s.url, username, password: `password-${username}` })).ok,
    ).toBe(true);
    await waitForConnected(client);
    // Stopped, no refresh timer runs; the access token it holds expires on the server.
    await client.stop();
    await waitUntil(() => Date.now() - frozen > 3000, 'the access token to expire', 10_000);
    const before = refreshes;
    await client.start();
    const state = await waitForConnected(client);
    expect(state.session.status).toBe('signed-in');
    // Exactly one refresh, caused by the refused connect, and the rotated token was kept.
    expect(refreshes).toBe(before + 1);
    expect((await client.users.search('t')).ok).toBe(true);
  });
});

/** An access token for direct API checks: signs in again as that user (another session). */
async function accessTokenOf(url: string, who: { user: User; password: string }): Promise<string> {
  const res = await harness.api<{ accessToken: string }>(url, '/api/auth/login', {
    body: { username: who.user.username, password: who.password },
  });
  expect(res.status).toBe(200);
  return res.body.accessToken;
}

describe('client core: presence and read receipts from what arrives', () => {
  it('a live user:online wins over the older presence inside a conversation it was creating', async () => {
    const s = await server();
    const bob = await signedUpClient(s.url);
    // Alice's HTTP answers can be held back, to put Bob's user:online between the moment the
    // server computed a response (Bob offline) and the moment Alice's client applies it.
    let holdResponse: ((url: string, method: string) => Promise<void>) | null = null;
    const heldFetch: FetchLike = async (url, init) => {
      const response = await globalFetch(url, init);
      const hold = holdResponse;
      if (hold) await hold(url, init?.method ?? 'GET');
      return response;
    };
    const username = harness.uniqueName('c');
    const aliceClient = createParleyClient({
      storage: createMemoryStorage(),
      reconnect: FAST_RECONNECT,
      fetch: heldFetch,
    });
    cleanups.push(() => aliceClient.stop());
    expect(
      await aliceClient.auth.signUp({ serverUrl: s.url, username, password: `password-${username}` }),
    ).toEqual({ ok: true, value: undefined });
    await waitForConnected(aliceClient);

    // A first conversation, so that Alice hears Bob's user:online/offline.
    const first = await aliceClient.conversations.createGroup('First', [bob.user.id]);
    expect(first.ok).toBe(true);
    await waitForState(aliceClient, (st) => st.presence[bob.user.id]?.online === true, 'bob online');
    await bob.client.stop();
    await waitForState(aliceClient, (st) => st.presence[bob.user.id]?.online === false, 'bob offline');

    holdResponse = async (url, method) => {
      if (method !== 'POST' || !url.endsWith('/api/conversations')) return;
      holdResponse = null;
      // The response says Bob is offline; Bob connects before Alice's client reads it.
      await bob.client.start();
      await waitForState(aliceClient, (st) => st.presence[bob.user.id]?.online === true, 'live user:online');
    };
    const second = await aliceClient.conversations.createDirect(bob.user.id);
    if (!second.ok) throw new Error(second.error);
    expect(second.value.members.find((m) => m.id === bob.user.id)?.online).toBe(false);
    expect(aliceClient.getSnapshot().presence[bob.user.id]?.online).toBe(true);
  });

  it('someone who posts has read everything up to their message, without a messages:read', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const conversationId = created.value.id;
    expect((await alice.client.conversations.open(conversationId)).ok).toBe(true);
    await alice.client.messages.send(conversationId, 'one');
    await alice.client.messages.send(conversationId, 'two');
    await waitForState(
      bob.client,
      (st) => st.conversations.find((c) => c.id === conversationId)?.lastSeq === 2,
      'both messages',
    );
    expect(alice.client.getSnapshot().reads[conversationId]?.[bob.user.id]).toBeUndefined();

    // Bob answers without opening the conversation, so his client never sends messages:read.
    const reply = await bob.client.messages.send(conversationId, 'three');
    expect(reply.ok).toBe(true);
    const after = await waitForState(
      alice.client,
      (st) => bodies(st.messages[conversationId]?.items).length === 3,
      'the reply',
    );
    expect(after.reads[conversationId]?.[bob.user.id]).toBe(3);
    // Alice's own messages never count as her receipt, and the server sent no messages:read.
    expect(after.reads[conversationId]?.[alice.user.id]).toBeUndefined();

    // A fresh device learns the same from the conversation list's last message alone.
    const laptop = newClient();
    expect(
      (
        await laptop.auth.signIn({
          serverUrl: s.url,
          username: alice.user.username,
          password: alice.password,
        })
      ).ok,
    ).toBe(true);
    const restored = await waitForConnected(laptop);
    expect(restored.messages[conversationId]).toBeUndefined();
    expect(restored.reads[conversationId]?.[bob.user.id]).toBe(3);
  });
});
