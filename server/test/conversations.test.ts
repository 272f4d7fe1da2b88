import type {
  ConversationListResponse,
  ConversationResponse,
  ErrorResponse,
  MessagesResponse,
  UserSearchResponse,
} from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  uniqueName,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GET /api/users', () => {
  it('matches a prefix of username or display name, case-insensitively, leaving out the caller', async () => {
    const tag = uniqueName('zq');
    const me = await registerUser(server.url, `${tag}_me`, 'Me Myself');
    const byName = await registerUser(server.url, `${tag}_anna`, 'Anna');
    const byDisplay = await registerUser(server.url, uniqueName('other'), `${tag.toUpperCase()} Display`);
    await registerUser(server.url, uniqueName('unrelated'), 'Nobody');
    const res = await api<UserSearchResponse>(server.url, `/api/users?q=${tag.toUpperCase()}`, {
      token: me.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.id).sort()).toEqual([byName.user.id, byDisplay.user.id].sort());
    expect(res.body.users[0]).toHaveProperty('online', false);
  });

  it('matches the start of any word of the display name, not the middle of one', async () => {
    const me = await registerUser(server.url);
    const tag = uniqueName('w').replace(/[^a-z]/g, '');
    const builder = await registerUser(server.url, uniqueName('bob'), `Bob ${tag}Builder`);
    await registerUser(server.url, uniqueName('rob'), `Rob X${tag}Builder`);
    const res = await api<UserSearchResponse>(server.url, `/api/users?q=${tag}bui`, {
      token: me.accessToken,
    });
    expect(res.body.users.map((u) => u.id)).toEqual([builder.user.id]);
  });

  it('treats % and _ as plain characters and returns at most 20', async () => {
    const me = await registerUser(server.url);
    const percent = await api<UserSearchResponse>(server.url, '/api/users?q=%25', { token: me.accessToken });
    expect(percent.body.users).toEqual([]);
    const prefix = uniqueName('many');
    for (let i = 0; i < 22; i++) await registerUser(server.url, `${prefix}_${i}`);
    const res = await api<UserSearchResponse>(server.url, `/api/users?q=${prefix}`, {
      token: me.accessToken,
    });
    expect(res.body.users).toHaveLength(20);
  });

  it('needs a token', async () => {
    expect((await api(server.url, '/api/users?q=a')).status).toBe(401);
  });
});

describe('POST /api/conversations', () => {
  it('creates a direct conversation once; asking again (either side) answers 200 with the same one', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const created = await api<ConversationResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
      body: { type: 'direct', userId: bob.user.id },
    });
    expect(created.status).toBe(201);
    const c = created.body.conversation;
    expect(c).toMatchObject({ type: 'direct', lastSeq: 0, readSeq: 0, unreadCount: 0 });
    expect(c.members.map((m) => m.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    const again = await api<ConversationResponse>(server.url, '/api/conversations', {
      token: bob.accessToken,
      body: { type: 'direct', userId: alice.user.id },
    });
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(c.id);
  });

  it('refuses a direct conversation with yourself (400) and with an unknown user (404)', async () => {
    const alice = await registerUser(server.url);
    const self = await api<ErrorResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
      body: { type: 'direct', userId: alice.user.id },
    });
    expect(self.status).toBe(400);
    expect(self.body.error.fields).toHaveProperty('userId');
    const unknown = await api<ErrorResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
      body: { type: 'direct', userId: 'no-such-user' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('creates a group with the creator included; an unknown member is 404 and creates nothing', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const bad = await api<ErrorResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
      body: { type: 'group', title: 'Nope', memberIds: [bob.user.id, 'ghost'] },
    });
    expect(bad.status).toBe(404);
    const list = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: bob.accessToken,
    });
    expect(list.body.conversations).toEqual([]);

    const res = await api<ConversationResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
      body: { type: 'group', title: '  Trip  ', memberIds: [bob.user.id, carol.user.id, bob.user.id] },
    });
    expect(res.status).toBe(201);
    expect(res.body.conversation.title).toBe('Trip');
    expect(res.body.conversation.members.map((m) => m.id).sort()).toEqual(
      [alice.user.id, bob.user.id, carol.user.id].sort(),
    );
  });

  it('answers 400 invalid_input for a malformed request', async () => {
    const alice = await registerUser(server.url);
    for (const body of [
      {},
      { type: 'channel' },
      { type: 'group', memberIds: [] },
      { type: 'direct' },
      'direct',
    ]) {
      const res = await api<ErrorResponse>(server.url, '/api/conversations', {
        token: alice.accessToken,
        body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('sends conversation:new to every device of every member and they receive its messages at once', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const bob1 = await connectSocket(server.url, bob.accessToken);
    const bob2 = await connectSocket(server.url, bob.accessToken);
    const alice1 = await connectSocket(server.url, alice.accessToken);
    const events = [bob1, bob2, alice1].map((s) => nextEvent(s, 'conversation:new'));
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Fresh');
    for (const e of await Promise.all(events)) expect(e.conversation.id).toBe(c.id);

    const received = [bob1, bob2].map((s) => nextEvent(s, 'message:new'));
    expect((await sendMessage(alice1, c.id, 'first')).ok).toBe(true);
    for (const e of await Promise.all(received)) expect(e.message.body).toBe('first');
    for (const s of [bob1, bob2, alice1]) s.close();
  });
});

describe('GET /api/conversations', () => {
  it('lists most recent activity first, with lastMessage, lastSeq, readSeq and unreadCount per caller', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const withBob = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const withCarol = await createConversation(server.url, alice.accessToken, [carol.user.id]);
    const aliceSocket = await connectSocket(server.url, alice.accessToken);
    const bobSocket = await connectSocket(server.url, bob.accessToken);

    await sendMessage(aliceSocket, withCarol.id, 'to carol');
    await sendMessage(aliceSocket, withBob.id, 'to bob 1');
    await sendMessage(aliceSocket, withBob.id, 'to bob 2');
    await sendMessage(bobSocket, withBob.id, 'from bob');

    const aliceList = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: alice.accessToken,
    });
    expect(aliceList.body.conversations.map((c) => c.id)).toEqual([withBob.id, withCarol.id]);
    const [first] = aliceList.body.conversations;
    expect(first).toMatchObject({ lastSeq: 3, readSeq: 2, unreadCount: 1 });
    expect(first!.lastMessage).toMatchObject({ seq: 3, body: 'from bob', senderId: bob.user.id });
    // Both are connected, so each sees the other online.
    expect(first!.members.find((m) => m.id === bob.user.id)?.online).toBe(true);

    const bobList = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: bob.accessToken,
    });
    expect(bobList.body.conversations.map((c) => c.id)).toEqual([withBob.id]);
    // Bob sent seq 3, which implies he read 1 and 2.
    expect(bobList.body.conversations[0]).toMatchObject({ lastSeq: 3, readSeq: 3, unreadCount: 0 });

    const carolList = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: carol.accessToken,
    });
    expect(carolList.body.conversations[0]).toMatchObject({ lastSeq: 1, readSeq: 0, unreadCount: 1 });
    aliceSocket.close();
    bobSocket.close();
  });
});

describe('GET /api/conversations/:id/messages', () => {
  it('pages exactly as the contract says', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const socket = await connectSocket(server.url, alice.accessToken);
    for (let i = 1; i <= 230; i++) expect((await sendMessage(socket, c.id, `m${i}`)).ok).toBe(true);
    socket.close();
    const page = async (query: string) => {
      const res = await api<MessagesResponse>(server.url, `/api/conversations/${c.id}/messages${query}`, {
        token: bob.accessToken,
      });
      expect(res.status).toBe(200);
      return res.body.messages.map((m) => m.seq);
    };
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    expect(await page('')).toEqual(range(181, 230)); // newest 50, ascending
    expect(await page('?limit=10')).toEqual(range(221, 230));
    expect(await page('?limit=1000')).toEqual(range(31, 230)); // capped at 200
    expect(await page('?beforeSeq=100&limit=5')).toEqual(range(95, 99));
    expect(await page('?beforeSeq=3')).toEqual([1, 2]);
    expect(await page('?afterSeq=0&limit=3')).toEqual([1, 2, 3]);
    expect(await page('?afterSeq=225')).toEqual(range(226, 230));
    expect(await page('?afterSeq=230')).toEqual([]);
    expect(await page('?afterSeq=10&beforeSeq=14')).toEqual([11, 12, 13]);

    for (const bad of ['?limit=0', '?limit=abc', '?afterSeq=-1', '?beforeSeq=0']) {
      const res = await api<ErrorResponse>(server.url, `/api/conversations/${c.id}/messages${bad}`, {
        token: bob.accessToken,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('answers a non-member exactly like a conversation that does not exist', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const eve = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const asEve = await api<ErrorResponse>(server.url, `/api/conversations/${c.id}/messages`, {
      token: eve.accessToken,
    });
    const missing = await api<ErrorResponse>(server.url, `/api/conversations/does-not-exist/messages`, {
      token: eve.accessToken,
    });
    expect(asEve.status).toBe(404);
    expect(asEve.body).toEqual(missing.body);
  });
});
