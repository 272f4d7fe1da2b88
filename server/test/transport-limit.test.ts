/**
 * The transport limit (issue 11): `GET /api/server` states it (`limits.maxPacketBytes`), and
 * every packet within it is answered, whatever the event and however large: a packet of
 * exactly the limit gets its ack and the socket stays; one byte more closes the transport.
 */
import { clientEventNames, type ServerInfo } from '@parley/shared';
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
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const CLIENT_EVENTS: string[] = [
  ...clientEventNames,
  // Not in the contract: answered all the same.
  'no:such-event',
];

/**
 * What socket.io-client puts on the wire for `emitWithAck(event, payload)` as the socket's
 * `ackId`-th ack: `42<ackId>[event,payload]`, its length in bytes.
 */
const wireBytes = (ackId: number, event: string, payload: unknown) =>
  Buffer.byteLength(`42${ackId}${JSON.stringify([event, payload])}`);

/** A payload with a `padding` field that makes the packet exactly `bytes` long. */
function payloadOf(ackId: number, event: string, base: Record<string, unknown>, bytes: number) {
  const empty = wireBytes(ackId, event, { ...base, padding: '' });
  return { ...base, padding: 'x'.repeat(bytes - empty) };
}

describe('transport limit', () => {
  it('is stated in GET /api/server', async () => {
    const info = await api<ServerInfo>(server.url, '/api/server');
    expect(info.body.limits.maxPacketBytes).toBe(server.config.maxPayloadBytes);
    expect(server.config.maxPayloadBytes).toBe(64 * 1024);
  });

  it('answers every event in a packet of exactly the limit, and closes the transport one byte above', async () => {
    const limit = server.config.maxPayloadBytes;
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const socket: ClientSocket = await connectSocket(server.url, alice.accessToken);
    const bobSocket = await connectSocket(server.url, bob.accessToken);
    const base = {
      conversationId: conversation.id,
      callId: 'no-such-call',
      messageId: 'no-such-message',
      clientId: 'c1',
      body: 'x',
      seq: 1,
      emoji: '👍',
      on: true,
      media: 'audio',
    };
    let ackId = 0;
    const emit = socket.emitWithAck.bind(socket) as unknown as (e: string, p: unknown) => Promise<unknown>;
    for (const event of CLIENT_EVENTS) {
      const payload = payloadOf(ackId, event, base, limit);
      expect(wireBytes(ackId, event, payload)).toBe(limit);
      const answer = (await Promise.race([
        emit(event, payload),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${event}: no answer`)), 5000)),
      ])) as { ok: boolean; error?: { code: string } };
      ackId++;
      expect(typeof answer.ok, event).toBe('boolean');
      expect(socket.connected, event).toBe(true);
    }
    // Still a working socket.
    const delivered = nextEvent(bobSocket, 'message:new', (e) => e.message.body === 'still here');
    expect((await sendMessage(socket, conversation.id, 'still here')).ok).toBe(true);
    ackId++;
    await delivered;

    // One byte more: the transport closes without an answer (the client reconnects).
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('message:send', payloadOf(ackId, 'message:send', base, limit + 1) as never, () => {
      throw new Error('a packet over the limit must not be answered');
    });
    expect(await closed).toBe('transport close');
    bobSocket.close();
  });
});
