/**
 * Contract v1.1, the change feed: versions on conversations and messages, GET .../changes,
 * aroundSeq paging, GET /api/server, and members with their roles and read positions.
 */
import {
  changesResponseSchema,
  conversationSchema,
  serverInfoSchema,
  type Ack,
  type ChangesResponse,
  type Conversation,
  type ConversationListResponse,
  type Message,
  type MessagesResponse,
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

const ok = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};

async function changes(token: string, conversationId: string, query: string) {
  return api<ChangesResponse>(server.url, `/api/conversations/${conversationId}/changes?${query}`, { token });
}

async function conversationOf(user: TestUser, id: string): Promise<Conversation> {
  const res = await api<ConversationListResponse>(server.url, '/api/conversations', {
    token: user.accessToken,
  });
  const found = res.body.conversations.find((c) => c.id === id);
  if (!found) throw new Error('conversation not listed');
  return conversationSchema.parse(found);
}

/** Every page of the feed after `since`, as a client catching up would read it. */
async function drain(token: string, conversationId: string, since: number, limit: number) {
  const pages: ChangesResponse[] = [];
  let cursor = since;
  for (;;) {
    const res = await changes(token, conversationId, `sinceVersion=${cursor}&limit=${limit}`);
    expect(res.status).toBe(200);
    const page = changesResponseSchema.parse(res.body);
    pages.push(page);
    if (!page.more) return pages;
    cursor = page.messages.at(-1)!.version!;
  }
}

describe('GET /api/server', () => {
  it('describes the server without a token', async () => {
    const res = await api(server.url, '/api/server');
    expect(res.status).toBe(200);
    const info = serverInfoSchema.parse(res.body);
    expect(info).toMatchObject({ protocol: 1, registration: 'open', invitesBy: 'admins' });
    expect(info.limits.maxBodyLength).toBe(4000);
    expect(info.features).toEqual(expect.arrayContaining(['changes', 'edit', 'delete', 'reactions']));
  });
});

describe('versions', () => {
  it('starts a conversation at 0; each message takes the next version, live and stored', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const created = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    expect(created.version).toBe(0);
    const [a, b] = [await device(alice), await device(bob)];
    const live = nextEvent(b, 'message:new', (e) => e.message.body === 'two');
    expect(ok(await sendMessage(a, created.id, 'one')).version).toBe(1);
    expect(ok(await sendMessage(a, created.id, 'two')).version).toBe(2);
    expect((await live).message.version).toBe(2);
    const listed = await conversationOf(bob, created.id);
    expect(listed.version).toBe(2);
    expect(listed.lastMessage?.version).toBe(2);
    const history = await api<MessagesResponse>(server.url, `/api/conversations/${created.id}/messages`, {
      token: bob.accessToken,
    });
    expect(history.body.messages.map((m) => m.version)).toEqual([1, 2]);
  });

  it('stays gap-free and unique under concurrent sends from many devices', async () => {
    const users = await Promise.all([1, 2, 3].map(() => registerUser(server.url)));
    const group = await createConversation(
      server.url,
      users[0]!.accessToken,
      users.slice(1).map((u) => u.user.id),
      'Busy',
    );
    const devices = await Promise.all(users.flatMap((u) => [device(u), device(u)]));
    const acks = await Promise.all(
      devices.flatMap((s, d) =>
        Array.from({ length: 20 }, (_, i) => sendMessage(s, group.id, `d${d} m${i}`)),
      ),
    );
    const messages = acks.map(ok);
    const total = messages.length;
    const versions = messages.map((m) => m.version!).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // With only new messages, each one's version is its seq.
    for (const m of messages) expect(m.version).toBe(m.seq);
    const [page] = await drain(users[1]!.accessToken, group.id, 0, 500);
    expect(page!.version).toBe(total);
    expect(page!.messages.map((m) => m.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('stays gap-free and unique with sends, edits and reactions racing each other', async () => {
    const users = await Promise.all([1, 2, 3].map(() => registerUser(server.url)));
    const group = await createConversation(
      server.url,
      users[0]!.accessToken,
      users.slice(1).map((u) => u.user.id),
      'Race',
    );
    const devices = await Promise.all(users.map((u) => device(u)));
    const seed = await Promise.all(devices.map((s, d) => sendMessage(s, group.id, `seed ${d}`)));
    const targets = seed.map(ok);
    const acks = await Promise.all(
      devices.flatMap((s, d) =>
        Array.from({ length: 12 }, (_, i) => {
          if (i % 3 === 0) return sendMessage(s, group.id, `d${d} m${i}`);
          if (i % 3 === 1)
            return s.emitWithAck('message:edit', { messageId: targets[d]!.id, body: `edit ${i}` });
          return s.emitWithAck('message:react', {
            messageId: targets[(d + 1) % 3]!.id,
            emoji: ['👍', '🎉', '😀', '🙂'][i % 4]!,
            on: true,
          });
        }),
      ),
    );
    // Every write above changes something (new bodies, new user+emoji pairs), so each took
    // its own version: together with the seeds they are exactly 1..N.
    const versions = [...targets, ...acks.map(ok)].map((m) => m.version!).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    const [page] = await drain(users[0]!.accessToken, group.id, 0, 500);
    expect(page!.version).toBe(versions.length);
    // The feed holds each message once, at its latest version, strictly ascending.
    const feedVersions = page!.messages.map((m) => m.version!);
    expect(feedVersions).toEqual([...feedVersions].sort((x, y) => x - y));
    expect(new Set(page!.messages.map((m) => m.id)).size).toBe(page!.messages.length);
    expect(feedVersions.at(-1)).toBe(versions.length);
  });
});

describe('GET /api/conversations/:id/changes', () => {
  it('pages by version with `more`, the default page being 200', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const a = await device(alice);
    for (let i = 0; i < 205; i++) ok(await sendMessage(a, c.id, `m${i}`));

    const first = await changes(bob.accessToken, c.id, 'sinceVersion=0');
    expect(first.status).toBe(200);
    expect(first.body.messages).toHaveLength(200);
    expect(first.body).toMatchObject({ version: 205, more: true });
    const second = await changes(bob.accessToken, c.id, 'sinceVersion=200');
    expect(second.body.messages.map((m) => m.version)).toEqual([201, 202, 203, 204, 205]);
    expect(second.body).toMatchObject({ version: 205, more: false });

    // Small pages, and exactly `limit` left: the last full page says no more.
    const pages = await drain(bob.accessToken, c.id, 195, 5);
    expect(pages.map((p) => [p.messages.map((m) => m.version), p.more])).toEqual([
      [[196, 197, 198, 199, 200], true],
      [[201, 202, 203, 204, 205], false],
    ]);
    // Nothing new, or a version from the future: an empty page at the current version.
    for (const since of [205, 999]) {
      expect((await changes(bob.accessToken, c.id, `sinceVersion=${since}`)).body).toEqual({
        messages: [],
        version: 205,
        more: false,
      });
    }
  });

  it('caps the page at 500 and refuses bad queries', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const capped = await changes(alice.accessToken, c.id, 'sinceVersion=0&limit=100000');
    expect(capped.status).toBe(200);
    for (const query of [
      '',
      'sinceVersion=-1',
      'sinceVersion=abc',
      'sinceVersion=0&limit=0',
      'sinceVersion=1.5',
    ]) {
      const res = await changes(alice.accessToken, c.id, query);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_input' } });
    }
  });

  it('answers 404 to a non-member exactly as for a conversation that does not exist', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const eve = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const notMember = await changes(eve.accessToken, c.id, 'sinceVersion=0');
    const missing = await changes(eve.accessToken, 'no-such-conversation', 'sinceVersion=0');
    expect(notMember.status).toBe(404);
    expect(notMember).toEqual(missing);
    expect((await api(server.url, `/api/conversations/${c.id}/changes?sinceVersion=0`)).status).toBe(401);
  });
});

describe('aroundSeq', () => {
  it('centres the page on a seq, filling from the other side near either end', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const c = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const a = await device(alice);
    for (let i = 1; i <= 20; i++) ok(await sendMessage(a, c.id, `m${i}`));
    const page = async (query: string) => {
      const res = await api<MessagesResponse>(server.url, `/api/conversations/${c.id}/messages?${query}`, {
        token: bob.accessToken,
      });
      return { status: res.status, seqs: res.body.messages?.map((m) => m.seq) };
    };
    expect(await page('aroundSeq=10&limit=5')).toEqual({ status: 200, seqs: [8, 9, 10, 11, 12] });
    expect(await page('aroundSeq=10&limit=4')).toEqual({ status: 200, seqs: [9, 10, 11, 12] });
    expect(await page('aroundSeq=1&limit=5')).toEqual({ status: 200, seqs: [1, 2, 3, 4, 5] });
    expect(await page('aroundSeq=20&limit=5')).toEqual({ status: 200, seqs: [16, 17, 18, 19, 20] });
    expect(await page('aroundSeq=99&limit=3')).toEqual({ status: 200, seqs: [18, 19, 20] });
    expect((await page('aroundSeq=10')).seqs).toHaveLength(20);
    expect((await page('aroundSeq=10&afterSeq=2')).status).toBe(400);
    expect((await page('aroundSeq=0')).status).toBe(400);
  });
});

describe('members', () => {
  it('carry role and readSeq; reads move readSeq without a version, and survive a reload', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const group = await createConversation(
      server.url,
      alice.accessToken,
      [bob.user.id, carol.user.id],
      'Team',
    );
    const roles = Object.fromEntries(group.members.map((m) => [m.id, m.role]));
    expect(roles).toEqual({ [alice.user.id]: 'admin', [bob.user.id]: 'member', [carol.user.id]: 'member' });
    const direct = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    expect(direct.members.map((m) => m.role)).toEqual(['member', 'member']);

    const [a, b] = [await device(alice), await device(bob)];
    for (let i = 0; i < 3; i++) ok(await sendMessage(a, group.id, `m${i}`));
    const told = nextEvent(a, 'messages:read', (e) => e.userId === bob.user.id);
    expect(await b.emitWithAck('messages:read', { conversationId: group.id, seq: 2 })).toEqual({ ok: true });
    expect(await told).toMatchObject({ seq: 2 });

    // A reload (a fresh list) shows every member's read position, not only the caller's.
    const seenByAlice = await conversationOf(alice, group.id);
    const readSeqs = Object.fromEntries(seenByAlice.members.map((m) => [m.id, m.readSeq]));
    expect(readSeqs).toEqual({ [alice.user.id]: 3, [bob.user.id]: 2, [carol.user.id]: 0 });
    expect(seenByAlice.version).toBe(3);
    // The single-conversation payloads carry them too (conversation:new, POST answers).
    expect(seenByAlice.members.every((m) => typeof m.online === 'boolean')).toBe(true);
  });
});
