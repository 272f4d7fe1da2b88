/**
 * Contract v1.1 search: live messages in the caller's conversations only, newest first;
 * edits and deletes reflected at once; the last word matches as a prefix.
 */
import type { Ack, Message, SearchResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let withBob: string;
let withCarol: string;
let aliceSocket: ClientSocket;
let bobSocket: ClientSocket;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol] = await Promise.all([
    registerUser(server.url),
    registerUser(server.url),
    registerUser(server.url),
  ]);
  withBob = (await createConversation(server.url, alice.accessToken, [bob.user.id])).id;
  withCarol = (await createConversation(server.url, alice.accessToken, [carol.user.id])).id;
  aliceSocket = await connectSocket(server.url, alice.accessToken);
  bobSocket = await connectSocket(server.url, bob.accessToken);
});
afterAll(async () => {
  aliceSocket.close();
  bobSocket.close();
  await server.close();
});

const ok = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};

async function search(user: TestUser, query: Record<string, string>) {
  const res = await api<SearchResponse & { error?: { code: string } }>(
    server.url,
    `/api/search?${new URLSearchParams(query).toString()}`,
    { token: user.accessToken },
  );
  return res;
}
const ids = async (user: TestUser, query: Record<string, string>) => {
  const res = await search(user, query);
  expect(res.status).toBe(200);
  return res.body.results.map((m) => m.id);
};

describe('search', () => {
  it("finds words in the caller's conversations only, newest first", async () => {
    const first = ok(await sendMessage(aliceSocket, withBob, 'The zebra crossing is closed'));
    const second = ok(await sendMessage(bobSocket, withBob, 'A ZEBRA, really?'));
    const third = ok(await sendMessage(aliceSocket, withCarol, 'zebra stripes for carol'));
    ok(await sendMessage(aliceSocket, withBob, 'nothing to see here'));

    // Newest first: within a conversation by seq; across them by time (which may tie to the ms).
    const all = (await search(alice, { q: 'zebra' })).body.results;
    expect(new Set(all.map((r) => r.id))).toEqual(new Set([first.id, second.id, third.id]));
    expect(all.map((r) => r.createdAt)).toEqual(
      all
        .map((r) => r.createdAt)
        .sort()
        .reverse(),
    );
    expect(await ids(bob, { q: 'zebra' })).toEqual([second.id, first.id]);
    expect(await ids(carol, { q: 'zebra' })).toEqual([third.id]);
    // Every word must match.
    expect(await ids(alice, { q: 'zebra crossing' })).toEqual([first.id]);
    const full = (await search(alice, { q: 'crossing' })).body.results[0]!;
    expect(full).toMatchObject({
      id: first.id,
      conversationId: withBob,
      body: 'The zebra crossing is closed',
    });
  });

  it('filters by conversation; one the caller is not in is 404', async () => {
    const inCarol = ok(await sendMessage(aliceSocket, withCarol, 'giraffe for carol'));
    ok(await sendMessage(aliceSocket, withBob, 'giraffe for bob'));
    expect(await ids(alice, { q: 'giraffe', conversationId: withCarol })).toEqual([inCarol.id]);
    expect((await search(bob, { q: 'giraffe', conversationId: withCarol })).status).toBe(404);
    expect((await search(bob, { q: 'giraffe', conversationId: 'no-such-conversation' })).status).toBe(404);
  });

  it('matches the last word as a prefix, and any script or accent', async () => {
    const m = ok(await sendMessage(aliceSocket, withBob, 'Rendezvous at the café, привет'));
    expect(await ids(alice, { q: 'rendez' })).toEqual([m.id]);
    expect(await ids(alice, { q: 'привет' })).toEqual([m.id]);
    expect(await ids(alice, { q: 'café' })).toEqual([m.id]);
  });

  it('finds the words of tags, e-mail addresses and URLs on both backends', async () => {
    const m = ok(
      await sendMessage(
        aliceSocket,
        withBob,
        'Use <Widget onClick> and mail quokka@example.org or see https://docs.example.org/tapir-guide',
      ),
    );
    for (const q of ['widget', 'onclick', 'quokka', 'tapir guide', 'docs example']) {
      expect(await ids(alice, { q }), q).toEqual([m.id]);
    }
  });

  it('reflects edits and deletes at once', async () => {
    const m = ok(await sendMessage(aliceSocket, withBob, 'walrus on the beach'));
    expect(await ids(bob, { q: 'walrus' })).toEqual([m.id]);
    ok(await aliceSocket.emitWithAck('message:edit', { messageId: m.id, body: 'narwhal on the beach' }));
    expect(await ids(bob, { q: 'walrus' })).toEqual([]);
    const edited = (await search(bob, { q: 'narwhal' })).body.results;
    expect(edited.map((r) => r.id)).toEqual([m.id]);
    expect(edited[0]!.editedAt).toBeTruthy();
    ok(await aliceSocket.emitWithAck('message:delete', { messageId: m.id }));
    expect(await ids(bob, { q: 'narwhal' })).toEqual([]);
    expect(await ids(bob, { q: 'beach' })).toEqual([]);
  });

  it('keeps an edited message in its place, newest first by when it was sent', async () => {
    const older = ok(await sendMessage(aliceSocket, withBob, 'koala one'));
    const newer = ok(await sendMessage(bobSocket, withBob, 'koala two'));
    ok(await aliceSocket.emitWithAck('message:edit', { messageId: older.id, body: 'koala uno' }));
    expect(await ids(alice, { q: 'koala' })).toEqual([newer.id, older.id]);
  });

  it('leaves out system messages', async () => {
    const group = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Platypus club');
    await api(server.url, `/api/conversations/${group.id}`, {
      method: 'PATCH',
      token: alice.accessToken,
      body: { title: 'Platypus society' },
    });
    expect(await ids(alice, { q: 'platypus' })).toEqual([]);
  });

  it('pages: default 20, at most 50', async () => {
    for (let i = 0; i < 55; i++) ok(await sendMessage(aliceSocket, withBob, `ocelot number ${i}`));
    expect(await ids(alice, { q: 'ocelot' })).toHaveLength(20);
    expect(await ids(alice, { q: 'ocelot', limit: '5' })).toHaveLength(5);
    expect(await ids(alice, { q: 'ocelot', limit: '500' })).toHaveLength(50);
    const newest = (await search(alice, { q: 'ocelot', limit: '1' })).body.results[0]!;
    expect(newest.body).toBe('ocelot number 54');
  });

  it('refuses a query under 2 characters or a bad limit (400), and strangers (401)', async () => {
    const bad: Record<string, string>[] = [
      { q: 'a' },
      { q: ' b ' },
      {},
      { q: 'ok', limit: '0' },
      { q: 'ok', limit: 'x' },
    ];
    for (const query of bad) {
      const res = await search(alice, query);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('invalid_input');
    }
    expect((await api(server.url, '/api/search?q=zebra')).status).toBe(401);
  });

  it('treats query syntax as plain words', async () => {
    for (const q of ['"zebra', 'zebra*', 'NEAR(zebra)', "zeb'ra", 'zebra & | !', '-- ;', '!!']) {
      expect((await search(alice, { q })).status).toBe(200);
    }
    expect(await ids(alice, { q: '"zebra OR' })).toEqual([]);
  });
});
