/**
 * The client core against the real server (see integration-support.ts): history, groups, bad
 * input, calls, several devices, presence and read receipts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSignal } from '../host-api.js';
import { createParleyClient } from './client.js';
import { createMemoryStorage } from './memory-storage.js';
import { waitForEvent, waitForState, waitUntil } from './test-support.js';
import { globalFetch, type FetchLike } from './runtime.js';
import {
  bodies,
  cleanups,
  FAST_RECONNECT,
  harness,
  newClient,
  runCleanups,
  server,
  signedUpClient,
  waitForConnected,
} from './integration-support.js';

afterEach(runCleanups);

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
