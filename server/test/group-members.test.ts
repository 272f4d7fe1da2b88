/**
 * Contract v1.1 group management: POST/DELETE .../members and PATCH (rename). Each change
 * commits with a system message that takes the next version; new members get
 * conversation:new, removed ones conversation:removed (and stop hearing the group at once),
 * everyone else conversation:updated.
 */
import type {
  ChangesResponse,
  Conversation,
  ConversationListResponse,
  ConversationResponse,
  Message,
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

const addMembers = (user: TestUser, id: string, userIds: unknown) =>
  api<ConversationResponse>(server.url, `/api/conversations/${id}/members`, {
    token: user.accessToken,
    body: { userIds },
  });
const removeMember = (user: TestUser, id: string, userId: string) =>
  api(server.url, `/api/conversations/${id}/members/${userId}`, {
    token: user.accessToken,
    method: 'DELETE',
  });
const rename = (user: TestUser, id: string, body: unknown) =>
  api<ConversationResponse>(server.url, `/api/conversations/${id}`, {
    token: user.accessToken,
    method: 'PATCH',
    body,
  });
const feed = async (user: TestUser, id: string) =>
  api<ChangesResponse>(server.url, `/api/conversations/${id}/changes?sinceVersion=0`, {
    token: user.accessToken,
  });

async function listed(user: TestUser, id: string): Promise<Conversation | undefined> {
  const res = await api<ConversationListResponse>(server.url, '/api/conversations', {
    token: user.accessToken,
  });
  return res.body.conversations.find((c) => c.id === id);
}

const roles = (c: Conversation | undefined) =>
  Object.fromEntries((c?.members ?? []).map((m) => [m.id, m.role]));

/** Alice (admin) with Bob in a group; Carol outside it. */
async function group() {
  const alice = await registerUser(server.url);
  const bob = await registerUser(server.url);
  const carol = await registerUser(server.url);
  const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Team');
  return { alice, bob, carol, conversation };
}

describe('POST /api/conversations/:id/members', () => {
  it('adds members: conversation:new for them, conversation:updated for the rest, a system message', async () => {
    const { alice, bob, carol, conversation } = await group();
    const [a, b, c] = [await device(alice), await device(bob), await device(carol)];
    const joined = nextEvent(c, 'conversation:new');
    const updated = nextEvent(b, 'conversation:updated');
    const systemAtCarol = nextEvent(c, 'message:new');
    const res = await addMembers(alice, conversation.id, [carol.user.id]);
    expect(res.status).toBe(200);
    expect(res.body.conversation.version).toBe(1);
    expect(roles(res.body.conversation)).toEqual({
      [alice.user.id]: 'admin',
      [bob.user.id]: 'member',
      [carol.user.id]: 'member',
    });
    const system = (await systemAtCarol).message;
    expect(system).toMatchObject({
      kind: 'system',
      senderId: alice.user.id,
      version: 1,
      seq: 1,
      system: { type: 'members_added', actorId: alice.user.id, userIds: [carol.user.id] },
    });
    expect(system.body).toContain(carol.user.displayName);
    expect((await joined).conversation).toMatchObject({ id: conversation.id, version: 1, unreadCount: 1 });
    expect((await updated).conversation.members.map((m) => m.id)).toContain(carol.user.id);
    // Carol's device is in the room at once: she hears the next message.
    const heard = nextEvent(c, 'message:new', (e) => e.message.body === 'welcome');
    expect((await sendMessage(a, conversation.id, 'welcome')).ok).toBe(true);
    expect((await heard).message.version).toBe(2);
    expect((await feed(carol, conversation.id)).body.messages.map((m: Message) => m.kind)).toEqual([
      'system',
      'text',
    ]);
  });

  it('refuses non-admins (403), non-members and unknown users (404), direct chats (403), bad input (400); changes nothing', async () => {
    const { alice, bob, carol, conversation } = await group();
    const dave = await registerUser(server.url);
    expect((await addMembers(bob, conversation.id, [carol.user.id])).status).toBe(403);
    expect((await addMembers(carol, conversation.id, [dave.user.id])).body).toMatchObject({
      error: { code: 'not_found' },
    });
    expect((await addMembers(alice, conversation.id, [carol.user.id, 'no-such-user'])).status).toBe(404);
    for (const userIds of [[], 'x', [42], undefined]) {
      expect((await addMembers(alice, conversation.id, userIds)).status).toBe(400);
    }
    const direct = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    expect((await addMembers(alice, direct.id, [carol.user.id])).status).toBe(403);
    // Members already there: nothing to do, nothing recorded.
    const again = await addMembers(alice, conversation.id, [bob.user.id]);
    expect(again.status).toBe(200);
    expect(again.body.conversation.version).toBe(0);
    expect((await feed(alice, conversation.id)).body).toEqual({ messages: [], version: 0, more: false });
    expect(await listed(carol, conversation.id)).toBeUndefined();
  });
});

describe('DELETE /api/conversations/:id/members/:userId', () => {
  it('removes a member: conversation:removed, out of the room at once, no more access', async () => {
    const { alice, bob, conversation } = await group();
    const [a, b1, b2] = [await device(alice), await device(bob), await device(bob)];
    const removed = [b1, b2].map((s) => nextEvent(s, 'conversation:removed'));
    const updatedForAlice = nextEvent(a, 'conversation:updated');
    const heardByBob = collect(b1, 'message:new');
    expect((await removeMember(alice, conversation.id, bob.user.id)).status).toBe(204);
    for (const e of await Promise.all(removed)) expect(e).toEqual({ conversationId: conversation.id });
    expect((await updatedForAlice).conversation.members.map((m) => m.id)).toEqual([alice.user.id]);

    expect((await sendMessage(a, conversation.id, 'after bob left')).ok).toBe(true);
    // A marker in another conversation: once it arrives, the group message would have too.
    const direct = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const marker = nextEvent(b1, 'message:new', (e) => e.message.conversationId === direct.id);
    await sendMessage(a, direct.id, 'marker');
    await marker;
    expect(heardByBob.events.map((e) => e.message.conversationId)).toEqual([direct.id]);
    expect((await feed(bob, conversation.id)).status).toBe(404);
    expect(await sendMessage(b1, conversation.id, 'let me back')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await listed(bob, conversation.id)).toBeUndefined();
    const system = (await feed(alice, conversation.id)).body.messages[0];
    expect(system).toMatchObject({
      kind: 'system',
      version: 1,
      system: { type: 'member_removed', actorId: alice.user.id, userIds: [bob.user.id] },
    });
  });

  it('lets a member leave; the last admin leaving makes the oldest member admin', async () => {
    const { alice, bob, carol, conversation } = await group();
    expect((await addMembers(alice, conversation.id, [carol.user.id])).status).toBe(200);
    // Only admins remove others; a non-member or an unknown member is 404.
    expect((await removeMember(bob, conversation.id, carol.user.id)).status).toBe(403);
    expect((await removeMember(alice, conversation.id, 'nobody')).status).toBe(404);
    const dave = await registerUser(server.url);
    expect((await removeMember(dave, conversation.id, dave.user.id)).status).toBe(404);

    expect((await removeMember(alice, conversation.id, alice.user.id)).status).toBe(204);
    const after = await listed(bob, conversation.id);
    expect(roles(after)).toEqual({ [bob.user.id]: 'admin', [carol.user.id]: 'member' });
    const messages = (await feed(bob, conversation.id)).body.messages;
    expect(messages.at(-1)).toMatchObject({ system: { type: 'member_left', actorId: alice.user.id } });
    expect(after?.version).toBe(2);

    const direct = await createConversation(server.url, bob.accessToken, [carol.user.id]);
    expect((await removeMember(bob, direct.id, bob.user.id)).status).toBe(403);
  });
});

describe('the last admin leaving', () => {
  // Times are ISO strings to the millisecond: a pause keeps two steps from sharing one.
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it('makes the member who joined first admin, not the one registered first; everyone hears it', async () => {
    // Carol registers before Bob (an older account, and whatever her id), but joins later.
    const carol = await registerUser(server.url);
    await tick();
    const bob = await registerUser(server.url);
    const alice = await registerUser(server.url);
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Order');
    await tick();
    expect((await addMembers(alice, conversation.id, [carol.user.id])).status).toBe(200);
    const [b, c] = [await device(bob), await device(carol)];
    const updated = [b, c].map((s) => nextEvent(s, 'conversation:updated'));

    expect((await removeMember(alice, conversation.id, alice.user.id)).status).toBe(204);
    const expected = { [bob.user.id]: 'admin', [carol.user.id]: 'member' };
    for (const e of await Promise.all(updated)) {
      expect(e.conversation).toMatchObject({ id: conversation.id, version: 2 });
      expect(roles(e.conversation)).toEqual(expected);
    }
    expect(roles(await listed(carol, conversation.id))).toEqual(expected);
    // Bob may now do what admins do.
    expect((await rename(bob, conversation.id, { title: 'Bob’s now' })).status).toBe(200);
  });

  it('among members who joined together, makes the one with the oldest account admin', async () => {
    // Members of a new group all join at its creation: the tie goes to the oldest account,
    // not to the order of the random user ids. Two groups, so a coin toss cannot pass.
    for (let round = 0; round < 2; round++) {
      const accounts: TestUser[] = [];
      for (let i = 0; i < 5; i++) {
        accounts.push(await registerUser(server.url));
        await tick();
      }
      const alice = await registerUser(server.url);
      const ids = accounts.map((u) => u.user.id);
      // Listed newest first, so neither the list order nor the insert order gives the answer.
      const conversation = await createConversation(server.url, alice.accessToken, [...ids].reverse(), 'Tie');
      expect((await removeMember(alice, conversation.id, alice.user.id)).status).toBe(204);
      const after = roles(await listed(accounts[4]!, conversation.id));
      expect(after).toEqual(Object.fromEntries(ids.map((id, i) => [id, i === 0 ? 'admin' : 'member'])));
    }
  });
});

describe('PUT /api/conversations/:id/members/:userId/role', () => {
  it('makes and unmakes admins (admins only), never leaving a group without one', async () => {
    const { alice, bob, carol, conversation } = await group();
    const setRole = (actor: TestUser, userId: string, body: unknown) =>
      api<ConversationResponse>(server.url, `/api/conversations/${conversation.id}/members/${userId}/role`, {
        token: actor.accessToken,
        method: 'PUT',
        body,
      });
    const b = await device(bob);
    expect((await setRole(bob, bob.user.id, { role: 'admin' })).status).toBe(403);
    expect((await setRole(carol, bob.user.id, { role: 'admin' })).status).toBe(404);
    expect((await setRole(alice, carol.user.id, { role: 'admin' })).status).toBe(404);
    expect((await setRole(alice, bob.user.id, { role: 'owner' })).status).toBe(400);
    // The only admin cannot step down.
    expect((await setRole(alice, alice.user.id, { role: 'member' })).status).toBe(403);

    const updated = nextEvent(b, 'conversation:updated');
    const res = await setRole(alice, bob.user.id, { role: 'admin' });
    expect(res.status).toBe(200);
    expect(roles(res.body.conversation)).toEqual({ [alice.user.id]: 'admin', [bob.user.id]: 'admin' });
    expect(roles((await updated).conversation)[bob.user.id]).toBe('admin');
    expect((await feed(bob, conversation.id)).body.messages[0]).toMatchObject({
      version: 1,
      system: { type: 'role_changed', actorId: alice.user.id, userIds: [bob.user.id], role: 'admin' },
    });
    // The same role again changes nothing; now Alice may step down.
    expect((await setRole(alice, bob.user.id, { role: 'admin' })).body.conversation.version).toBe(1);
    expect((await setRole(alice, alice.user.id, { role: 'member' })).status).toBe(200);
    expect(roles(await listed(bob, conversation.id))).toEqual({
      [alice.user.id]: 'member',
      [bob.user.id]: 'admin',
    });
  });
});

describe('PATCH /api/conversations/:id', () => {
  it('renames a group (admins), with a system message and conversation:updated', async () => {
    const { alice, bob, carol, conversation } = await group();
    const b = await device(bob);
    const updated = nextEvent(b, 'conversation:updated');
    const res = await rename(alice, conversation.id, { title: '  Dream team ' });
    expect(res.status).toBe(200);
    expect(res.body.conversation).toMatchObject({ title: 'Dream team', version: 1 });
    expect((await updated).conversation).toMatchObject({ title: 'Dream team', version: 1 });
    expect((await feed(bob, conversation.id)).body.messages[0]).toMatchObject({
      system: { type: 'renamed', title: 'Dream team' },
    });
    // The same title again changes nothing.
    expect((await rename(alice, conversation.id, { title: 'Dream team' })).body.conversation.version).toBe(1);
    expect((await rename(bob, conversation.id, { title: 'Mine' })).status).toBe(403);
    expect((await rename(carol, conversation.id, { title: 'Mine' })).status).toBe(404);
    expect((await rename(alice, conversation.id, { title: '' })).status).toBe(400);
    expect((await rename(alice, conversation.id, { title: 'x'.repeat(101) })).status).toBe(400);
    expect((await listed(alice, conversation.id))?.title).toBe('Dream team');
  });
});

describe('catching up', () => {
  it('gives a member who was away an edit, a delete, a reaction and a membership change', async () => {
    const { alice, bob, carol, conversation } = await group();
    const a = await device(alice);
    const ok = (ack: Awaited<ReturnType<typeof sendMessage>>): Message => {
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      return ack.message;
    };
    const first = ok(await sendMessage(a, conversation.id, 'first'));
    const second = ok(await sendMessage(a, conversation.id, 'second'));
    const third = ok(await sendMessage(a, conversation.id, 'third'));
    // Bob goes away holding version 3.
    const held = (await listed(bob, conversation.id))!.version!;
    expect(held).toBe(3);
    ok(await a.emitWithAck('message:edit', { messageId: first.id, body: 'first, edited' }));
    ok(await a.emitWithAck('message:delete', { messageId: second.id }));
    ok(await a.emitWithAck('message:react', { messageId: third.id, emoji: '🎉', on: true }));
    expect((await addMembers(alice, conversation.id, [carol.user.id])).status).toBe(200);

    // Back: the list says there is more; the feed brings all four changes, once each.
    expect((await listed(bob, conversation.id))!.version).toBe(7);
    const res = await api<ChangesResponse>(
      server.url,
      `/api/conversations/${conversation.id}/changes?sinceVersion=${held}`,
      { token: bob.accessToken },
    );
    expect(res.body.version).toBe(7);
    expect(res.body.more).toBe(false);
    expect(
      res.body.messages.map((m) => [
        m.version,
        m.body || null,
        m.deletedAt != null,
        m.reactions?.length ?? 0,
      ]),
    ).toEqual([
      [4, 'first, edited', false, 0],
      [5, null, true, 0],
      [6, 'third', false, 1],
      [7, expect.stringContaining(carol.user.displayName), false, 0],
    ]);
    expect(res.body.messages[3]?.system).toMatchObject({ type: 'members_added', userIds: [carol.user.id] });
  });
});
