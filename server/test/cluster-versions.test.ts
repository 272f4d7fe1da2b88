/**
 * The change feed on two nodes sharing one PostgreSQL schema and one Redis: writes through
 * both nodes at once still get gap-free, unique versions, both nodes serve the same feed,
 * message:updated crosses nodes, and membership changes made through one node (add, remove,
 * rename, role) reach the members' sockets on the other at once. Needs PARLEY_TEST_DATABASE_URL (postgres://) and
 * PARLEY_TEST_REDIS_URL; without them this file is skipped and says so.
 */
import { randomBytes } from 'node:crypto';
import type { Ack, ChangesResponse, ConversationResponse, Message, MessagesResponse } from '@parley/shared';
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
} from './harness.js';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && redisUrl);
if (!enabled) {
  console.info(
    'cluster-versions.test.ts skipped: set PARLEY_TEST_DATABASE_URL=postgres://... and PARLEY_TEST_REDIS_URL=redis://... to run it',
  );
}

const ok = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};

describe.runIf(enabled)('the change feed and membership on two nodes', () => {
  const suffix = randomBytes(6).toString('hex');
  const shared = {
    databaseUrl,
    databaseSchema: `parley_cluster_versions_${suffix}`,
    redisUrl,
    redisPrefix: `parley-cluster-versions-${suffix}`,
  };
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async (server: TestServer, token: string) => {
    const socket = await connectSocket(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    a = await startTestServer(shared);
    b = await startTestServer(shared);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    if (databaseUrl) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${shared.databaseSchema}" cascade`);
      await client.end();
    }
  });

  async function feed(server: TestServer, token: string, conversationId: string) {
    const messages: Message[] = [];
    let since = 0;
    for (;;) {
      const res = await api<ChangesResponse>(
        server.url,
        `/api/conversations/${conversationId}/changes?sinceVersion=${since}&limit=50`,
        { token },
      );
      expect(res.status).toBe(200);
      messages.push(...res.body.messages);
      if (!res.body.more) return { messages, version: res.body.version };
      since = res.body.messages.at(-1)!.version!;
    }
  }

  it('gives writes through both nodes at once gap-free, unique versions and one feed', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const group = await createConversation(a.url, alice.accessToken, [bob.user.id], 'Both nodes');
    const onA = await Promise.all([open(a, alice.accessToken), open(a, bob.accessToken)]);
    const onB = await Promise.all([open(b, alice.accessToken), open(b, bob.accessToken)]);
    const devices = [...onA, ...onB];
    const seeds = (await Promise.all(devices.map((s, d) => sendMessage(s, group.id, `seed ${d}`)))).map(ok);

    const writes = await Promise.all(
      devices.flatMap((s, d) =>
        Array.from({ length: 15 }, (_, i) => {
          // Devices 0 and 2 are Alice's, 1 and 3 Bob's: each edits its user's own seed.
          if (i % 3 === 0) return sendMessage(s, group.id, `d${d} m${i}`);
          if (i % 3 === 1)
            return s.emitWithAck('message:edit', { messageId: seeds[d]!.id, body: `d${d} edit ${i}` });
          return s.emitWithAck('message:react', {
            messageId: seeds[(d + 1) % 4]!.id,
            emoji: ['👍', '🎉', '😀', '🙂', '🚀'][i % 5]!,
            on: true,
          });
        }),
      ),
    );
    const versions = [...seeds, ...writes.map(ok)].map((m) => m.version!).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));

    const fromA = await feed(a, alice.accessToken, group.id);
    const fromB = await feed(b, bob.accessToken, group.id);
    expect(fromA).toEqual(fromB);
    expect(fromA.version).toBe(versions.length);
    const feedVersions = fromA.messages.map((m) => m.version!);
    expect(feedVersions).toEqual([...feedVersions].sort((x, y) => x - y));
    expect(new Set(feedVersions).size).toBe(feedVersions.length);
  });

  it('keeps a message deleted that is edited through the other node at the same moment', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const c = await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const onA = await open(a, alice.accessToken);
    const onB = await open(b, alice.accessToken);
    for (let round = 0; round < 8; round++) {
      const sent = ok(await sendMessage(onA, c.id, `round ${round}`));
      const [edited, deleted, like1, like2] = await Promise.all([
        onA.emitWithAck('message:edit', { messageId: sent.id, body: `edited ${round}` }),
        onB.emitWithAck('message:delete', { messageId: sent.id }),
        onA.emitWithAck('message:react', { messageId: sent.id, emoji: '👍', on: true }),
        onB.emitWithAck('message:react', { messageId: sent.id, emoji: '👍', on: true }),
      ]);
      const tombstone = ok(deleted);
      // The edit either came first (and the delete wiped it) or found the tombstone.
      if (edited.ok) expect(edited.message.version).toBeLessThan(tombstone.version!);
      else expect(edited.error.code).toBe('forbidden');
      // The same reaction from two devices at once counts once (or finds the tombstone).
      for (const like of [like1, like2]) {
        if (!like.ok) expect(like.error.code).toBe('forbidden');
        else expect(like.message.reactions?.[0]?.userIds ?? [alice.user.id]).toEqual([alice.user.id]);
      }
      const history = await api<MessagesResponse>(
        b.url,
        `/api/conversations/${c.id}/messages?aroundSeq=${sent.seq}&limit=1`,
        {
          token: bob.accessToken,
        },
      );
      expect(history.body.messages).toEqual([tombstone]);
      expect(tombstone).toMatchObject({ body: '', deletedAt: expect.any(String) });
    }
  });

  it('sends message:updated to devices on the other node', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const c = await createConversation(b.url, bob.accessToken, [alice.user.id]);
    const aliceOnA = await open(a, alice.accessToken);
    const bobOnB = await open(b, bob.accessToken);
    const sent = ok(await sendMessage(aliceOnA, c.id, 'typo'));
    const updated = nextEvent(bobOnB, 'message:updated');
    const edited = ok(await aliceOnA.emitWithAck('message:edit', { messageId: sent.id, body: 'fixed' }));
    expect((await updated).message).toEqual(edited);
    expect(edited.version).toBe(2);
  });

  it('takes a removed member out of the room on the other node at once', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const group = await createConversation(a.url, alice.accessToken, [bob.user.id], 'Split');
    const aliceOnA = await open(a, alice.accessToken);
    const bobOnB = await open(b, bob.accessToken);
    const bobOnA = await open(a, bob.accessToken);
    const removed = [bobOnB, bobOnA].map((s) => nextEvent(s, 'conversation:removed'));
    const heard = [bobOnB, bobOnA].map((s) => collect(s, 'message:new'));
    const res = await api(a.url, `/api/conversations/${group.id}/members/${bob.user.id}`, {
      token: alice.accessToken,
      method: 'DELETE',
    });
    expect(res.status).toBe(204);
    for (const e of await Promise.all(removed)) expect(e).toEqual({ conversationId: group.id });
    ok(await sendMessage(aliceOnA, group.id, 'not for bob'));
    // A marker in another conversation: once it arrives on both nodes, the group message would have too.
    const direct = await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const markers = [bobOnB, bobOnA].map((s) =>
      nextEvent(s, 'message:new', (e) => e.message.conversationId === direct.id),
    );
    ok(await sendMessage(aliceOnA, direct.id, 'marker'));
    await Promise.all(markers);
    for (const h of heard) expect(h.events.map((e) => e.message.conversationId)).toEqual([direct.id]);
    // Typing trusts the socket's rooms: the node that holds Bob's socket refuses it too.
    expect(
      await bobOnB.emitWithAck('message:send', { conversationId: group.id, clientId: 'x', body: 'hi' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('adds a member through node A: their socket on node B joins the group at once', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const dave = await registerUser(b.url);
    const group = await createConversation(a.url, alice.accessToken, [bob.user.id], 'Growing');
    const aliceOnA = await open(a, alice.accessToken);
    const daveOnB = await open(b, dave.accessToken);
    const joined = nextEvent(daveOnB, 'conversation:new');
    // The system message that records the add is the group's first message: Dave hears it too.
    const system = nextEvent(daveOnB, 'message:new', (e) => e.message.conversationId === group.id);
    const res = await api<ConversationResponse>(a.url, `/api/conversations/${group.id}/members`, {
      token: alice.accessToken,
      body: { userIds: [dave.user.id] },
    });
    expect(res.status).toBe(200);
    const announced = (await joined).conversation;
    expect(announced).toMatchObject({ id: group.id, title: 'Growing', version: 1 });
    expect(announced.members.map((m) => m.id).sort()).toEqual(
      [alice.user.id, bob.user.id, dave.user.id].sort(),
    );
    expect((await system).message).toMatchObject({
      kind: 'system',
      system: { type: 'members_added', userIds: [dave.user.id] },
    });
    // Live, not from a reload: the next group message sent on node A reaches Dave's socket on B.
    const heard = nextEvent(daveOnB, 'message:new', (e) => e.message.body === 'welcome, Dave');
    const sent = ok(await sendMessage(aliceOnA, group.id, 'welcome, Dave'));
    expect((await heard).message).toEqual(sent);
  });

  it('tells a member on node B of a rename and a role change made on node A (conversation:updated)', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const carol = await registerUser(b.url);
    const group = await createConversation(a.url, alice.accessToken, [bob.user.id, carol.user.id], 'Old');
    const carolOnB = await open(b, carol.accessToken);

    const renamed = nextEvent(carolOnB, 'conversation:updated');
    const rename = await api(a.url, `/api/conversations/${group.id}`, {
      token: alice.accessToken,
      method: 'PATCH',
      body: { title: 'New' },
    });
    expect(rename.status).toBe(200);
    expect((await renamed).conversation).toMatchObject({ id: group.id, title: 'New', version: 1 });

    const promoted = nextEvent(carolOnB, 'conversation:updated');
    const role = await api(a.url, `/api/conversations/${group.id}/members/${bob.user.id}/role`, {
      token: alice.accessToken,
      method: 'PUT',
      body: { role: 'admin' },
    });
    expect(role.status).toBe(200);
    const updated = (await promoted).conversation;
    expect(updated.version).toBe(2);
    expect(Object.fromEntries(updated.members.map((m) => [m.id, m.role]))).toEqual({
      [alice.user.id]: 'admin',
      [bob.user.id]: 'admin',
      [carol.user.id]: 'member',
    });
  });
});
