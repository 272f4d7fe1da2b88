/**
 * The client core against the real server (see integration-support.ts): chatting, restarts,
 * the outbox, token rotation and catch-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from './memory-storage.js';
import { OUTBOX_STORAGE_KEY } from './outbox.js';
import { waitForEvent, waitForState, waitUntil } from './test-support.js';
import {
  accessTokenOf,
  bodies,
  cleanups,
  collectEvents,
  harness,
  newClient,
  runCleanups,
  server,
  serverHistory,
  signedUpClient,
  stored,
  waitForConnected,
  type TestServer,
} from './integration-support.js';

afterEach(runCleanups);

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
