/**
 * The client core and group changes against the real server (see integration-support.ts):
 * a client offline during an edit, a delete, a reaction and a membership change, and
 * removal from a group, live and while offline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, Message } from '../protocol/index.js';
import { waitForState } from './test-support.js';
import { bodies, harness, runCleanups, server, signedUpClient, stored } from './integration-support.js';

afterEach(runCleanups);

interface ActionSocket {
  emitWithAck(event: string, payload: unknown): Promise<Ack<{ message: Message }>>;
  close(): void;
}

/** Alice (raw HTTP and socket, the group's admin) and Bob (a client core) in a group. */
async function group(messages: number) {
  const s = await server();
  const alice = await harness.registerUser(s.url);
  const bob = await signedUpClient(s.url);
  const carol = await harness.registerUser(s.url);
  const conversation = await harness.createConversation(
    s.url,
    alice.accessToken,
    [bob.user.id, carol.user.id],
    'Team',
  );
  const socket = (await harness.connectSocket(s.url, alice.accessToken)) as unknown as ActionSocket;
  const sent: Message[] = [];
  for (let i = 1; i <= messages; i++) {
    const ack = await socket.emitWithAck('message:send', {
      conversationId: conversation.id,
      clientId: `c${i}`,
      body: `m${i}`,
    });
    if (!ack.ok) throw new Error(ack.error.message);
    sent.push(ack.message);
  }
  const id = conversation.id;
  await waitForState(bob.client, (st) => st.conversations.some((c) => c.id === id), 'the group at bob');
  expect((await bob.client.conversations.open(id)).ok).toBe(true);
  await waitForState(bob.client, (st) => bodies(st.messages[id]?.items).length === messages, 'history');
  const act = async (event: string, payload: unknown) => {
    const ack = await socket.emitWithAck(event, payload);
    if (!ack.ok) throw new Error(`${event}: ${ack.error.message}`);
  };
  return { s, alice, bob, carol, id, sent, act, socket };
}

async function offline(client: Awaited<ReturnType<typeof signedUpClient>>['client']) {
  client.networkChanged(false);
  await waitForState(client, (st) => st.connection.status === 'offline', 'offline');
}

describe('client core: group changes', () => {
  it('a client offline during an edit, a delete, a reaction and a member added shows all four after reconnecting', async () => {
    const { s, alice, bob, id, sent, act, socket } = await group(3);
    const dave = await harness.registerUser(s.url);
    await offline(bob.client);

    await act('message:edit', { messageId: sent[0]!.id, body: 'm1 (edited)' });
    await act('message:delete', { messageId: sent[1]!.id });
    await act('message:react', { messageId: sent[2]!.id, emoji: '🎉', on: true });
    const added = await harness.api(s.url, `/api/conversations/${id}/members`, {
      token: alice.accessToken,
      body: { userIds: [dave.user.id] },
    });
    expect(added.status).toBe(200);
    socket.close();

    bob.client.networkChanged(true);
    const after = await waitForState(
      bob.client,
      (st) =>
        st.connection.status === 'connected' &&
        !st.catchUp.active &&
        (st.conversations.find((c) => c.id === id)?.members.some((m) => m.id === dave.user.id) ?? false) &&
        stored(st.messages[id]?.items).some((m) => m.kind === 'system'),
      'bob caught up',
    );
    const window = stored(after.messages[id]?.items);
    expect(window[0]).toMatchObject({ body: 'm1 (edited)', editedAt: expect.any(String) });
    expect(window[1]).toMatchObject({ body: '', deletedAt: expect.any(String) });
    expect(window[2]?.reactions).toEqual([{ emoji: '🎉', userIds: [alice.user.id] }]);
    const system = window.find((m) => m.kind === 'system');
    expect(system?.system).toMatchObject({
      type: 'members_added',
      actorId: alice.user.id,
      userIds: [dave.user.id],
    });
    expect(window.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    const conversation = after.conversations.find((c) => c.id === id);
    expect(conversation?.version).toBe(Math.max(...window.map((m) => m.version ?? 0)));
  });

  it('removed while online: the group disappears at once, with a notice', async () => {
    const { s, alice, bob, id } = await group(1);
    const removed = await harness.api(s.url, `/api/conversations/${id}/members/${bob.user.id}`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(removed.status).toBe(204);
    const after = await waitForState(
      bob.client,
      (st) => !st.conversations.some((c) => c.id === id),
      'the group gone',
    );
    expect(after.messages[id]).toBeUndefined();
    expect(after.notices).toEqual([
      expect.objectContaining({
        kind: 'conversation-removed',
        conversationId: id,
        text: expect.stringContaining('Team'),
      }),
    ]);
  });

  it('removed while offline: the group and what waited to be sent there are dropped on reconnect', async () => {
    const { s, alice, bob, id } = await group(1);
    await offline(bob.client);
    const queued = await bob.client.messages.send(id, 'never delivered');
    if (!queued.ok) throw new Error(queued.error);
    const removed = await harness.api(s.url, `/api/conversations/${id}/members/${bob.user.id}`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(removed.status).toBe(204);

    bob.client.networkChanged(true);
    const after = await waitForState(
      bob.client,
      (st) =>
        st.connection.status === 'connected' &&
        !st.catchUp.active &&
        !st.conversations.some((c) => c.id === id),
      'the group dropped',
    );
    expect(after.messages[id]).toBeUndefined();
    expect(after.notices?.map((n) => n.kind)).toEqual(['conversation-removed']);
    // Nothing was sent there, and nothing waits any more.
    const history = await harness.api<{ messages: Message[] }>(s.url, `/api/conversations/${id}/messages`, {
      token: alice.accessToken,
    });
    expect(history.body.messages.map((m) => m.body)).not.toContain('never delivered');
    expect(await bob.client.messages.retry(queued.value.clientId)).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });
});
