/**
 * `message:send` under concurrency, end to end: many sockets firing at once across
 * overlapping conversations (so the server group-commits them), with a send to a
 * conversation the sender is not in and a duplicated clientId mixed in.
 */
import type { Ack, Message, MessagesResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  collect,
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from '../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function history(token: string, conversationId: string): Promise<Message[]> {
  const res = await api<MessagesResponse>(
    server.url,
    `/api/conversations/${conversationId}/messages?afterSeq=0&limit=200`,
    { token },
  );
  expect(res.status).toBe(200);
  return res.body.messages;
}

describe('concurrent message:send', () => {
  it('answers every send with its stored row, gapless seqs, one row per clientId, bad sends alone refused', async () => {
    const users: TestUser[] = await Promise.all(Array.from({ length: 8 }, () => registerUser(server.url)));
    const ids = users.map((u) => u.user.id);
    const owner = users[0]!.accessToken;
    const conversations = [
      { members: [0, 1, 2, 3], id: (await createConversation(server.url, owner, ids.slice(1, 4), 'a')).id },
      {
        members: [4, 5, 6, 7],
        id: (await createConversation(server.url, users[4]!.accessToken, ids.slice(5, 8), 'b')).id,
      },
      {
        members: [0, 1, 2, 3, 4, 5, 6, 7],
        id: (await createConversation(server.url, owner, ids.slice(1), 'c')).id,
      },
    ];
    const sockets: ClientSocket[] = await Promise.all(
      users.map((u) => connectSocket(server.url, u.accessToken)),
    );
    const received = sockets.map((s) => collect(s, 'message:new'));

    type Sent = {
      user: number;
      conversationId: string;
      clientId: string;
      ack: Promise<Ack<{ message: Message }>>;
    };
    const sent: Sent[] = [];
    const send = (user: number, conversationId: string, clientId: string) =>
      sent.push({
        user,
        conversationId,
        clientId,
        ack: sockets[user]!.emitWithAck('message:send', { conversationId, clientId, body: `from ${user}` }),
      });
    // Everything fired without waiting: the server sees overlapping sends from all sockets.
    for (let round = 0; round < 12; round++) {
      for (let user = 0; user < users.length; user++) {
        const mine = conversations.filter((c) => c.members.includes(user));
        send(user, mine[round % mine.length]!.id, `u${user}-r${round}`);
      }
    }
    // User 0 is not a member of the second conversation.
    send(0, conversations[1]!.id, 'intruder');
    // The same clientId twice at once, as a client retrying too eagerly would.
    send(5, conversations[2]!.id, 'twice');
    send(5, conversations[2]!.id, 'twice');

    const acks = await Promise.all(sent.map((s) => s.ack));
    const intruder = acks[sent.findIndex((s) => s.clientId === 'intruder')]!;
    expect(intruder).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found' }) });
    const twice = acks.filter((_, i) => sent[i]!.clientId === 'twice');
    expect(twice[0]).toEqual(twice[1]);
    for (const [i, ack] of acks.entries()) {
      if (sent[i]!.clientId === 'intruder') continue;
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
    }

    const acked = new Map<string, Message>();
    acks.forEach((ack, i) => {
      if (ack.ok) acked.set(`${sent[i]!.user} ${sent[i]!.clientId}`, ack.message);
    });
    for (const conversation of conversations) {
      const stored = await history(users[conversation.members[0]!]!.accessToken, conversation.id);
      // No gaps, no repeats.
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      // Every ack is exactly a stored row, and every stored row was acknowledged.
      const ackedHere = [...acked.values()].filter((m) => m.conversationId === conversation.id);
      expect(ackedHere.sort((x, y) => x.seq - y.seq)).toEqual(stored);
    }
    // 96 distinct sends plus one for the duplicated clientId; nothing for the intruder.
    expect(acked.size).toBe(97);

    // Each socket hears every new message of its conversations sent by another socket, once.
    // A last message per conversation, awaited on every member socket, proves the earlier
    // broadcasts (emitted before their acks, which we already have) have all arrived.
    const lastOnes = conversations.map((c) => ({ conversation: c, clientId: `last-${c.id}` }));
    const waits = lastOnes.flatMap(({ conversation, clientId }) =>
      conversation.members
        .filter((m) => m !== conversation.members[0])
        .map((m) => nextEvent(sockets[m]!, 'message:new', ({ message }) => message.clientId === clientId)),
    );
    for (const { conversation, clientId } of lastOnes) {
      const ack = await sockets[conversation.members[0]!]!.emitWithAck('message:send', {
        conversationId: conversation.id,
        clientId,
        body: 'last',
      });
      expect(ack.ok).toBe(true);
    }
    await Promise.all(waits);
    for (const [user, log] of received.entries()) {
      const got = log.events.map((e) => e.message).filter((m) => !m.clientId.startsWith('last-'));
      const expected = [...acked.values()].filter(
        (m) =>
          m.senderId !== ids[user] &&
          conversations.some((c) => c.id === m.conversationId && c.members.includes(user)),
      );
      const key = (m: Message) => `${m.conversationId} ${m.seq}`;
      expect(got.map(key).sort()).toEqual(expected.map(key).sort());
    }
    for (const socket of sockets) socket.close();
  });
});
