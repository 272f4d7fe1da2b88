/**
 * Contract v1.1: message:edit, message:delete and message:react. Each bumps the
 * conversation's version, answers after the commit, and reaches every device of every member
 * as message:updated; bad input and missing rights change nothing.
 */
import {
  countUnread,
  type Ack,
  type ChangesResponse,
  type ConversationListResponse,
  type Message,
  type MessagesResponse,
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

const ok = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};
const errorCode = (ack: Ack<object>) => (ack.ok ? 'ok' : ack.error.code);

const edit = (s: ClientSocket, messageId: string, body: string) =>
  s.emitWithAck('message:edit', { messageId, body });
const remove = (s: ClientSocket, messageId: string) => s.emitWithAck('message:delete', { messageId });
const react = (s: ClientSocket, messageId: string, emoji: string, on = true) =>
  s.emitWithAck('message:react', { messageId, emoji, on });

async function history(user: TestUser, conversationId: string): Promise<Message[]> {
  const res = await api<MessagesResponse>(server.url, `/api/conversations/${conversationId}/messages`, {
    token: user.accessToken,
  });
  return res.body.messages;
}

async function feed(user: TestUser, conversationId: string, since = 0): Promise<ChangesResponse> {
  return (
    await api<ChangesResponse>(
      server.url,
      `/api/conversations/${conversationId}/changes?sinceVersion=${since}`,
      {
        token: user.accessToken,
      },
    )
  ).body;
}

/** Alice and Bob in a direct conversation, two devices for Alice, one for Bob, and an outsider. */
async function setup() {
  const alice = await registerUser(server.url);
  const bob = await registerUser(server.url);
  const eve = await registerUser(server.url);
  const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
  const [a1, a2, b1, e1] = [await device(alice), await device(alice), await device(bob), await device(eve)];
  const first = ok(await sendMessage(a1, conversation.id, 'hello'));
  return { alice, bob, eve, conversation, a1, a2, b1, e1, first };
}

describe('message:edit', () => {
  it('edits in place, bumps the version and tells every device of every member', async () => {
    const { alice, conversation, a1, a2, b1, first } = await setup();
    const updates = [a1, a2, b1].map((s) => nextEvent(s, 'message:updated'));
    const edited = ok(await edit(a1, first.id, '  hello, edited  '));
    expect(edited).toMatchObject({ id: first.id, seq: 1, body: 'hello, edited', version: 2 });
    expect(edited.editedAt).toEqual(expect.any(String));
    for (const e of await Promise.all(updates)) expect(e.message).toEqual(edited);
    expect(await history(alice, conversation.id)).toEqual([edited]);
    expect((await feed(alice, conversation.id, 1)).messages).toEqual([edited]);

    // The same body again (an outbox retry): answered as stored, no new version, no broadcast.
    const seen = collect(b1, 'message:updated');
    expect(ok(await edit(a2, first.id, 'hello, edited'))).toEqual(edited);
    const marker = nextEvent(b1, 'message:new');
    await sendMessage(a1, conversation.id, 'marker');
    await marker;
    expect(seen.events).toEqual([]);
  });

  it('refuses others’ messages (forbidden) and non-members (not_found), changing nothing', async () => {
    const { alice, conversation, b1, e1, first } = await setup();
    expect(errorCode(await edit(b1, first.id, 'not mine'))).toBe('forbidden');
    expect(await edit(e1, first.id, 'let me in')).toEqual(
      await edit(e1, 'no-such-message'.padEnd(36, 'x'), 'x'),
    );
    expect(errorCode(await edit(e1, first.id, 'let me in'))).toBe('not_found');
    expect(await history(alice, conversation.id)).toEqual([first]);
    expect((await feed(alice, conversation.id)).version).toBe(1);
  });

  it('answers invalid_input to bad payloads and the socket keeps working', async () => {
    const { alice, conversation, a1, first } = await setup();
    const bad: unknown[] = [
      null,
      'edit',
      {},
      { messageId: first.id },
      { messageId: first.id, body: '   ' },
      { messageId: first.id, body: 'x'.repeat(4001) },
      { messageId: '', body: 'x' },
      { messageId: first.id, body: 42 },
      { messageId: first.id, body: 'nul\u0000' },
    ];
    const emit = a1.emitWithAck.bind(a1) as unknown as (e: string, p: unknown) => Promise<Ack<object>>;
    for (const payload of bad) expect(errorCode(await emit('message:edit', payload))).toBe('invalid_input');
    expect(await history(alice, conversation.id)).toEqual([first]);
    expect(ok(await edit(a1, first.id, 'still works')).body).toBe('still works');
  });

  it('does not edit call records or deleted messages', async () => {
    const { alice, bob, conversation, a1, first } = await setup();
    const { message: call } = await server.server.repository.insertMessage({
      conversationId: conversation.id,
      senderId: alice.user.id,
      clientId: 'call:test',
      kind: 'call',
      body: 'Missed call',
      replyToId: null,
      call: { callId: 'test', media: 'audio', outcome: 'missed' },
      now: new Date().toISOString(),
    });
    expect(errorCode(await edit(a1, call.id, 'rewritten'))).toBe('forbidden');
    ok(await remove(a1, first.id));
    expect(errorCode(await edit(a1, first.id, 'back from the dead'))).toBe('forbidden');
    const [stored] = await history(bob, conversation.id);
    expect(stored).toMatchObject({ body: '', deletedAt: expect.any(String) });
  });
});

describe('message:delete', () => {
  it('leaves a tombstone with the same id and seq; deleting twice answers it again', async () => {
    const { alice, conversation, a1, b1, first } = await setup();
    ok(await react(b1, first.id, '👍'));
    const update = nextEvent(b1, 'message:updated', (e) => e.message.deletedAt != null);
    const tombstone = ok(await remove(a1, first.id));
    expect(tombstone).toMatchObject({ id: first.id, seq: 1, body: '', version: 3 });
    expect(tombstone.deletedAt).toEqual(expect.any(String));
    expect(tombstone.reactions ?? []).toEqual([]);
    expect(tombstone.attachments ?? []).toEqual([]);
    expect((await update).message).toEqual(tombstone);
    expect(ok(await remove(a1, first.id))).toEqual(tombstone);
    expect(await history(alice, conversation.id)).toEqual([tombstone]);
    expect(await feed(alice, conversation.id)).toEqual({ messages: [tombstone], version: 3, more: false });
    expect(errorCode(await react(b1, first.id, '👍'))).toBe('forbidden');
  });

  it('lets the author or a group admin delete, nobody else', async () => {
    const admin = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const eve = await registerUser(server.url);
    const group = await createConversation(server.url, admin.accessToken, [bob.user.id, carol.user.id], 'G');
    const [s, b, c, e] = await Promise.all([device(admin), device(bob), device(carol), device(eve)]);
    const fromBob = ok(await sendMessage(b!, group.id, 'bob says'));
    const fromAdmin = ok(await sendMessage(s!, group.id, 'admin says'));
    expect(errorCode(await remove(c!, fromBob.id))).toBe('forbidden');
    expect(errorCode(await remove(b!, fromAdmin.id))).toBe('forbidden');
    expect(errorCode(await remove(e!, fromBob.id))).toBe('not_found');
    expect(ok(await remove(s!, fromBob.id)).deletedAt).toEqual(expect.any(String));
    expect(ok(await remove(s!, fromAdmin.id)).deletedAt).toEqual(expect.any(String));
    expect((await feed(bob, group.id)).version).toBe(4);
  });
});

describe('message:react', () => {
  it('keeps reactions in first-reaction order, counts `on` twice once, and toggles off', async () => {
    const { alice, bob, conversation, a1, b1, first } = await setup();
    const m1 = ok(await react(b1, first.id, '👍'));
    expect(m1.reactions).toEqual([{ emoji: '👍', userIds: [bob.user.id] }]);
    expect(m1.version).toBe(2);
    ok(await react(a1, first.id, '🎉'));
    const m3 = ok(await react(a1, first.id, '👍'));
    expect(m3.reactions).toEqual([
      { emoji: '👍', userIds: [bob.user.id, alice.user.id] },
      { emoji: '🎉', userIds: [alice.user.id] },
    ]);
    // Idempotent: on again, or off for a reaction that is not there, changes nothing.
    expect(ok(await react(b1, first.id, '👍'))).toEqual(m3);
    expect(ok(await react(b1, first.id, '🎉', false))).toEqual(m3);
    const off = ok(await react(b1, first.id, '👍', false));
    expect(off.reactions).toEqual([
      { emoji: '👍', userIds: [alice.user.id] },
      { emoji: '🎉', userIds: [alice.user.id] },
    ]);
    expect(off.version).toBe(5);
    // A heart without its presentation selector is the same reaction as "❤️".
    expect(ok(await react(b1, first.id, '\u2764')).reactions?.at(-1)).toEqual({
      emoji: '\u2764\uFE0F',
      userIds: [bob.user.id],
    });
    const [stored] = await history(alice, conversation.id);
    expect(stored?.reactions?.map((r) => r.emoji)).toEqual(['👍', '🎉', '\u2764\uFE0F']);
  });

  it('refuses what is not one emoji, more than 20 different emoji, and non-members', async () => {
    const { alice, conversation, a1, b1, e1, first } = await setup();
    for (const emoji of ['a', 'thumbs', '👍👍', '', ' ', 'x'.repeat(40)]) {
      expect(errorCode(await react(a1, first.id, emoji))).toBe('invalid_input');
    }
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(emoji).toHaveLength(20);
    for (const e of emoji) ok(await react(e === '😀' ? b1 : a1, first.id, e));
    expect(errorCode(await react(a1, first.id, '🤔'))).toBe('invalid_input');
    // One more user on an emoji already there is fine.
    expect(ok(await react(a1, first.id, '😀')).reactions).toHaveLength(20);
    expect(errorCode(await react(e1, first.id, '😀'))).toBe('not_found');
    const before = await feed(alice, conversation.id);
    expect(errorCode(await react(e1, first.id, '😀', false))).toBe('not_found');
    expect(await feed(alice, conversation.id)).toEqual(before);
  });
});

describe('unreadCount', () => {
  it('equals the shared rule (countUnread) for every member, with deletes, system and call messages', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const group = await createConversation(
      server.url,
      alice.accessToken,
      [bob.user.id, carol.user.id],
      'Count',
    );
    const [a, b] = [await device(alice), await device(bob)];
    const sent: Message[] = [];
    for (let i = 0; i < 4; i++) sent.push(ok(await sendMessage(i % 2 ? b : a, group.id, `m${i}`)));
    ok(await remove(a, sent[2]!.id));
    ok(await remove(b, sent[3]!.id));
    await server.server.repository.insertMessage({
      conversationId: group.id,
      senderId: bob.user.id,
      clientId: 'call:count',
      kind: 'call',
      body: 'Missed call',
      replyToId: null,
      call: { callId: 'count', media: 'audio', outcome: 'missed' },
      now: new Date().toISOString(),
    });
    const renamed = await api(server.url, `/api/conversations/${group.id}`, {
      token: alice.accessToken,
      method: 'PATCH',
      body: { title: 'Counted' },
    });
    expect(renamed.status).toBe(200);
    expect(await b.emitWithAck('messages:read', { conversationId: group.id, seq: 1 })).toEqual({ ok: true });
    const messages = await history(alice, group.id);
    for (const user of [alice, bob, carol]) {
      const res = await api<ConversationListResponse>(server.url, '/api/conversations', {
        token: user.accessToken,
      });
      const c = res.body.conversations.find((x) => x.id === group.id)!;
      const me = c.members.find((m) => m.id === user.user.id)!;
      expect(c.unreadCount).toBe(countUnread(messages, { id: user.user.id, readSeq: me.readSeq ?? 0 }));
    }
  });
});

describe('catching up on changes', () => {
  it('gives a client that was away every edit, delete and reaction, each message once in its latest state', async () => {
    const { bob, conversation, a1, b1, first } = await setup();
    const held = (await feed(bob, conversation.id)).version;
    const second = ok(await sendMessage(a1, conversation.id, 'second'));
    const third = ok(await sendMessage(a1, conversation.id, 'third'));
    ok(await edit(a1, first.id, 'first, edited'));
    ok(await react(b1, second.id, '👍'));
    ok(await remove(a1, third.id));
    const page = await feed(bob, conversation.id, held);
    expect(page.version).toBe(held + 5);
    expect(page.messages.map((m) => [m.seq, m.version])).toEqual([
      [1, held + 3],
      [2, held + 4],
      [3, held + 5],
    ]);
    expect(page.messages.map((m) => m.body)).toEqual(['first, edited', 'second', '']);
  });
});
