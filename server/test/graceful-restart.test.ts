/**
 * The contract's "Server restarts" rule: a graceful shutdown closes the transports rather than
 * disconnecting sockets at the Socket.IO level, so any socket.io-client with default settings
 * reconnects by itself once the server is back. A Socket.IO-level disconnect ("io server
 * disconnect") would leave such clients stranded for good.
 */
import { io as ioClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
} from './harness.js';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

describe('graceful restart', () => {
  it('a default socket.io-client sees "transport close" and reconnects to the restarted server', async () => {
    const first = await startTestServer();
    const { port } = new URL(first.url);
    const alice = await registerUser(first.url, 'alice');
    const bob = await registerUser(first.url, 'bob');
    const conversation = await createConversation(first.url, alice.accessToken, [bob.user.id]);

    // Default reconnection settings, as a third-party client would use them (short delays only
    // to keep the test quick; the reason for the disconnect is what decides reconnecting).
    const socket: ClientSocket = ioClient(first.url, {
      auth: { token: bob.accessToken },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
    opened.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

    const disconnected = new Promise<string>((resolve) =>
      socket.once('disconnect', (reason) => resolve(reason)),
    );
    await first.close({ keepData: true });
    expect(await disconnected).toBe('transport close');

    const second: TestServer = await startTestServer({ dataDir: first.dataDir, port: Number(port) });
    opened.push(second);
    await new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));

    // Back for real: a message sent through the restarted server reaches the same socket.
    const aliceSocket = await connectSocket(second.url, alice.accessToken);
    opened.push(aliceSocket);
    const arrived = nextEvent(socket, 'message:new');
    const ack = await sendMessage(aliceSocket, conversation.id, 'after the restart');
    expect(ack.ok).toBe(true);
    expect((await arrived).message.body).toBe('after the restart');
  });
});
