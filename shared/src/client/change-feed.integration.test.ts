/**
 * The client core and contract v1.1 against the real server (see integration-support.ts):
 * edits, deletes and reactions live and after being offline, read ticks after a reload, and
 * the server's protocol check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageView } from './state.js';
import { waitForState } from './test-support.js';
import type { Message } from '../protocol/index.js';
import { createParleyClient } from './client.js';
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
  stored,
  waitForConnected,
} from './integration-support.js';
import { createMemoryStorage } from './memory-storage.js';

afterEach(runCleanups);

const byBody = (items: readonly MessageView[] | undefined, body: string): MessageView | undefined =>
  stored(items).find((m) => m.body === body);

/** Alice and Bob in a direct conversation with `count` messages from Alice, both windows open. */
async function chatting(count: number) {
  const s = await server();
  const alice = await signedUpClient(s.url);
  const bob = await signedUpClient(s.url);
  const created = await alice.client.conversations.createDirect(bob.user.id);
  if (!created.ok) throw new Error(created.error);
  const id = created.value.id;
  await alice.client.conversations.open(id);
  await waitForState(bob.client, (st) => st.conversations.some((c) => c.id === id), 'conversation:new');
  await bob.client.conversations.open(id);
  for (let i = 1; i <= count; i++) await alice.client.messages.send(id, `m${i}`);
  await waitForState(bob.client, (st) => bodies(st.messages[id]?.items).length === count, 'messages at bob');
  await waitForState(alice.client, (st) => bodies(st.messages[id]?.items).length === count, 'acks at alice');
  return { s, alice, bob, id };
}

describe('client core: messages that change (contract v1.1)', () => {
  it('knows the server speaks its protocol', async () => {
    const { bob } = await chatting(0);
    const state = await waitForState(
      bob.client,
      (st) => st.server?.compatibility !== 'unknown',
      'the server check',
    );
    expect(state.server).toMatchObject({ compatibility: 'compatible', protocol: 1, message: null });
  });

  it('edits, deletes and reactions show live, in place, on the other side', async () => {
    const { alice, bob, id } = await chatting(3);
    const items = alice.client.getSnapshot().messages[id]?.items;
    const [m1, m2, m3] = [byBody(items, 'm1')!, byBody(items, 'm2')!, byBody(items, 'm3')!];
    expect((await alice.client.messages.edit(m1.id, 'm1 (edited)')).ok).toBe(true);
    expect((await alice.client.messages.delete(m2.id)).ok).toBe(true);
    expect((await bob.client.messages.react(m3.id, '👍', true)).ok).toBe(true);

    const seen = await waitForState(
      bob.client,
      (st) => {
        const w = st.messages[id]?.items;
        return (
          byBody(w, 'm1 (edited)') !== undefined &&
          stored(w).some((m) => m.id === m2.id && m.deletedAt) &&
          stored(w).some((m) => m.id === m3.id && m.reactions?.length === 1)
        );
      },
      'the edit, the delete and the reaction at bob',
    );
    const window = stored(seen.messages[id]?.items);
    // Replaced in place: same rows, same seqs, nothing appended.
    expect(window.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(window[1]).toMatchObject({ body: '', deletedAt: expect.any(String) });
    expect(window[2]?.reactions).toEqual([{ emoji: '👍', userIds: [bob.user.id] }]);
    await waitForState(
      alice.client,
      (st) => stored(st.messages[id]?.items)[2]?.reactions?.length === 1,
      'the reaction at alice',
    );
  });

  it('a client offline during an edit, a delete and a reaction shows all of them after reconnecting', async () => {
    const { alice, bob, id } = await chatting(4);
    const items = alice.client.getSnapshot().messages[id]?.items;
    const [m1, m2, m3] = [byBody(items, 'm1')!, byBody(items, 'm2')!, byBody(items, 'm3')!];
    const unreadBefore = bob.client.getSnapshot().conversations.find((c) => c.id === id)?.unreadCount;

    bob.client.networkChanged(false);
    await waitForState(bob.client, (st) => st.connection.status === 'offline', 'bob offline');
    await alice.client.messages.edit(m1.id, 'm1 (edited offline)');
    await alice.client.messages.delete(m2.id);
    await alice.client.messages.react(m3.id, '🎉', true);
    await alice.client.messages.send(id, 'm5');
    await waitForState(
      alice.client,
      (st) =>
        stored(st.messages[id]?.items)[2]?.reactions?.length === 1 &&
        bodies(st.messages[id]?.items).includes('m5'),
      'alice done',
    );

    bob.client.networkChanged(true);
    const after = await waitForState(
      bob.client,
      (st) =>
        st.connection.status === 'connected' &&
        !st.catchUp.active &&
        bodies(st.messages[id]?.items).includes('m5'),
      'bob caught up',
    );
    const window = stored(after.messages[id]?.items);
    expect(window.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(window[0]).toMatchObject({ body: 'm1 (edited offline)', editedAt: expect.any(String) });
    expect(window[1]).toMatchObject({ body: '', deletedAt: expect.any(String) });
    expect(window[2]?.reactions).toEqual([{ emoji: '🎉', userIds: [alice.user.id] }]);
    const conversation = after.conversations.find((c) => c.id === id);
    expect(conversation?.version).toBe(window[4]?.version);
    // m2 was unread and is gone; m5 is new: the count follows the unread rule.
    expect(conversation?.unreadCount).toBe((unreadBefore ?? 0) - 1 + 1);
  });

  it('read ticks of the other member survive a reload', async () => {
    const { alice, bob, id } = await chatting(2);
    expect((await bob.client.conversations.markRead(id, 2)).ok).toBe(true);
    await waitForState(alice.client, (st) => st.reads[id]?.[bob.user.id] === 2, 'the read receipt');

    // A fresh client core on Alice's stored session: only the conversation payload tells it.
    const storage = createMemoryStorage();
    const laptop = newClient(storage);
    const login = await laptop.auth.signIn({
      serverUrl: alice.client.getSnapshot().session.serverUrl ?? '',
      username: (alice.client.getSnapshot().session as { user: { username: string } }).user.username,
      password: alice.password,
    });
    expect(login.ok).toBe(true);
    const state = await waitForConnected(laptop);
    expect(state.reads[id]?.[bob.user.id]).toBe(2);
    expect(
      state.conversations.find((c) => c.id === id)?.members.find((m) => m.id === bob.user.id)?.readSeq,
    ).toBe(2);
  });

  it('a change page that breaks the contract is not applied: the window is refetched', async () => {
    const { s, alice, id } = await chatting(0);
    // Bob's second device, whose fetch corrupts the first change page it gets.
    let corrupted = 0;
    const fetchFn: FetchLike = async (url, init) => {
      const response = await globalFetch(url, init);
      if (!String(url).includes('/changes?') || corrupted > 0) return response;
      corrupted++;
      const body = JSON.parse(await response.text()) as { messages: Message[] };
      // A message from another conversation, with a version from the future.
      const broken = {
        ...body,
        messages: [{ ...body.messages[0], conversationId: 'elsewhere', version: 1e9 }],
      };
      return { ok: true, status: 200, text: async () => JSON.stringify(broken) };
    };
    const bob = await harness.registerUser(s.url);
    await alice.client.conversations.createDirect(bob.user.id);
    const direct = alice.client
      .getSnapshot()
      .conversations.find((c) => c.members.some((m) => m.id === bob.user.id));
    await alice.client.conversations.open(direct!.id);
    await alice.client.messages.send(direct!.id, 'before');
    const device = createParleyClient({
      storage: createMemoryStorage(),
      fetch: fetchFn,
      reconnect: FAST_RECONNECT,
    });
    cleanups.push(() => device.stop());
    expect(
      (await device.auth.signIn({ serverUrl: s.url, username: bob.user.username, password: bob.password }))
        .ok,
    ).toBe(true);
    await waitForConnected(device);
    await device.conversations.open(direct!.id);
    await waitForState(device, (st) => bodies(st.messages[direct!.id]?.items).length === 1, 'history');

    device.networkChanged(false);
    await waitForState(device, (st) => st.connection.status === 'offline', 'offline');
    await alice.client.messages.send(direct!.id, 'while away');
    await waitForState(alice.client, (st) => bodies(st.messages[direct!.id]?.items).length === 2, 'sent');
    device.networkChanged(true);
    const after = await waitForState(
      device,
      (st) => bodies(st.messages[direct!.id]?.items).length === 2 && !st.catchUp.active,
      'refetched',
    );
    expect(corrupted).toBe(1);
    expect(bodies(after.messages[direct!.id]?.items)).toEqual(['before', 'while away']);
    expect(Object.keys(after.messages)).toEqual([direct!.id]);
    expect(stored(after.messages[direct!.id]?.items).every((m) => (m.version ?? 0) < 1e9)).toBe(true);
    void id;
  });
});
