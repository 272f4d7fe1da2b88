/**
 * Message search through the client core against the real server (see
 * integration-support.ts): scope, membership, edits and deletes, bad input and a broken answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../protocol/index.js';
import { createParleyClient } from './client.js';
import {
  cleanups,
  FAST_RECONNECT,
  harness,
  runCleanups,
  server,
  signedUpClient,
} from './integration-support.js';
import { createMemoryStorage } from './memory-storage.js';
import { globalFetch, type FetchLike } from './runtime.js';
import { waitForState } from './test-support.js';

afterEach(runCleanups);

const bodiesOf = (r: { ok: boolean; value?: Message[] }) => (r.ok ? (r.value ?? []).map((m) => m.body) : r);

async function sendAll(
  client: Awaited<ReturnType<typeof signedUpClient>>['client'],
  conversationId: string,
  bodies: string[],
) {
  for (const body of bodies) expect((await client.messages.send(conversationId, body)).ok).toBe(true);
  await waitForState(
    client,
    (s) =>
      (s.messages[conversationId]?.items ?? []).filter((m) => m.status === 'sent').length >= bodies.length,
    'messages stored',
  );
}

/** Alice talks to Bob and, separately, to Carol. */
async function threeUsers() {
  const s = await server();
  const [alice, bob, carol] = [
    await signedUpClient(s.url),
    await signedUpClient(s.url),
    await signedUpClient(s.url),
  ];
  const withBob = await alice.client.conversations.createDirect(bob.user.id);
  const withCarol = await alice.client.conversations.createDirect(carol.user.id);
  if (!withBob.ok || !withCarol.ok) throw new Error('could not create the conversations');
  await alice.client.conversations.open(withBob.value.id);
  await alice.client.conversations.open(withCarol.value.id);
  return { s, alice, bob, carol, bobChat: withBob.value.id, carolChat: withCarol.value.id };
}

describe('client core: message search (contract v1.1)', () => {
  it('finds messages in the caller’s conversations, newest first, every word, the last as a prefix', async () => {
    const { alice, bob, bobChat, carolChat } = await threeUsers();
    await sendAll(alice.client, bobChat, ['Budget draft for March', 'lunch?', 'The budget is approved']);
    await sendAll(alice.client, carolChat, ['Carol, the budgetary meeting moved', 'budget notes attached']);

    expect(bodiesOf(await alice.client.search.messages('budget'))).toEqual([
      'budget notes attached',
      'Carol, the budgetary meeting moved',
      'The budget is approved',
      'Budget draft for March',
    ]);
    expect(bodiesOf(await alice.client.search.messages('  BUDGET  approved '))).toEqual([
      'The budget is approved',
    ]);
    // Not a prefix unless it is the last word.
    expect(bodiesOf(await alice.client.search.messages('budg draft'))).toEqual([]);
    expect(bodiesOf(await alice.client.search.messages('draft budg'))).toEqual(['Budget draft for March']);

    // One conversation, and a limit.
    expect(bodiesOf(await alice.client.search.messages('budget', { conversationId: bobChat }))).toEqual([
      'The budget is approved',
      'Budget draft for March',
    ]);
    const limited = await alice.client.search.messages('budget', { limit: 1 });
    expect(bodiesOf(limited)).toEqual(['budget notes attached']);
    // Whole, contract-valid messages: seq and conversation to jump to.
    expect(limited.ok && limited.value[0]).toMatchObject({ conversationId: carolChat, seq: 2, kind: 'text' });

    // Bob sees only his conversation with Alice; Carol's is not_found to him, as everywhere.
    expect(bodiesOf(await bob.client.search.messages('budget'))).toEqual([
      'The budget is approved',
      'Budget draft for March',
    ]);
    expect(await bob.client.search.messages('budget', { conversationId: carolChat })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });

  it('finds an edit by its new text only, and a deleted message not at all', async () => {
    const { alice, bob, bobChat } = await threeUsers();
    await sendAll(alice.client, bobChat, ['meet at the harbour', 'bring the kayak']);
    const items = alice.client.getSnapshot().messages[bobChat]?.items ?? [];
    const harbour = items.find((m) => m.body === 'meet at the harbour')!;
    const kayak = items.find((m) => m.body === 'bring the kayak')!;
    expect((await alice.client.messages.edit(harbour.id, 'meet at the lighthouse')).ok).toBe(true);
    expect((await alice.client.messages.delete(kayak.id)).ok).toBe(true);
    await waitForState(
      bob.client,
      (s) => s.conversations.find((c) => c.id === bobChat)?.lastMessage?.deletedAt != null,
      'the delete reached bob',
    );

    expect(bodiesOf(await bob.client.search.messages('harbour'))).toEqual([]);
    expect(bodiesOf(await bob.client.search.messages('lighthouse'))).toEqual(['meet at the lighthouse']);
    expect(bodiesOf(await bob.client.search.messages('kayak'))).toEqual([]);
  });

  it('answers bad input with invalid_input, without asking the server', async () => {
    const s = await server();
    const requests: string[] = [];
    const fetchFn: FetchLike = (url, init) => {
      requests.push(url);
      return globalFetch(url, init);
    };
    const client = createParleyClient({
      storage: createMemoryStorage(),
      reconnect: FAST_RECONNECT,
      fetch: fetchFn,
    });
    cleanups.push(() => client.stop());
    const username = harness.uniqueName('s');
    expect(
      (await client.auth.signUp({ serverUrl: s.url, username, password: `password-${username}` })).ok,
    ).toBe(true);
    requests.length = 0;

    for (const [query, options] of [
      ['a', undefined],
      ['   b  ', undefined],
      ['x'.repeat(201), undefined],
      [42, undefined],
      ['hello', { limit: 0 }],
      ['hello', { limit: 'many' }],
      ['hello', { conversationId: '' }],
    ] as const) {
      const result = await client.search.messages(query as string, options as never);
      expect(result, JSON.stringify([query, options])).toMatchObject({ ok: false, code: 'invalid_input' });
    }
    expect(requests.filter((url) => url.includes('/api/search'))).toEqual([]);
    // A limit above the maximum is capped, as the server does.
    expect(await client.search.messages('hello', { limit: 500 })).toEqual({ ok: true, value: [] });
    expect(requests.filter((url) => url.includes('/api/search'))).toEqual([
      `${s.url}/api/search?q=hello&limit=50`,
    ]);
  });

  it('says bad_response when the server answers something else than a list, and drops broken messages', async () => {
    const { s, alice, bobChat } = await threeUsers();
    await sendAll(alice.client, bobChat, ['sunny day', 'sunny evening']);
    let mode: 'no-list' | 'one-broken' = 'no-list';
    const fetchFn: FetchLike = async (url, init) => {
      const response = await globalFetch(url, init);
      if (!url.includes('/api/search')) return response;
      const body = JSON.parse(await response.text()) as { results: unknown[] };
      const text =
        mode === 'no-list'
          ? JSON.stringify({ results: 'sunny' })
          : JSON.stringify({ results: [{ id: 'broken' }, ...body.results] });
      return { ok: true, status: 200, text: async () => text };
    };
    const device = createParleyClient({
      storage: createMemoryStorage(),
      reconnect: FAST_RECONNECT,
      fetch: fetchFn,
    });
    cleanups.push(() => device.stop());
    expect(
      (
        await device.auth.signIn({
          serverUrl: s.url,
          username: alice.user.username,
          password: alice.password,
        })
      ).ok,
    ).toBe(true);

    expect(await device.search.messages('sunny')).toMatchObject({ ok: false, code: 'bad_response' });
    mode = 'one-broken';
    expect(bodiesOf(await device.search.messages('sunny'))).toEqual(['sunny evening', 'sunny day']);
  });

  it('needs a session', async () => {
    const client = createParleyClient({ storage: createMemoryStorage() });
    expect(await client.search.messages('hello')).toMatchObject({ ok: false, code: 'signed_out' });
  });
});
