/**
 * The contract's bad-input rules at the edges the route and event schemas do not see: text
 * that no backend stores faithfully, and errors raised by Fastify or Node's HTTP parser before
 * any route runs. Each one gets a clear error in the contract's shape and changes nothing.
 */
import { connect } from 'node:net';
import type { ErrorResponse, MessagesResponse } from '@parley/shared';
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

/** Sends raw bytes over HTTP/1.1 and returns the status and body of the answer. */
function rawRequest(url: string, head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    // The server may reset the connection right after answering (an oversized head): what
    // arrived before the reset is the answer.
    socket.on('error', (err) => (data ? undefined : reject(err)));
    socket.on('close', () => {
      const [headers = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), body });
    });
  });
}

describe('text no backend stores faithfully', () => {
  it('refuses a lone UTF-16 surrogate in a message body and stores nothing', async () => {
    const alice = await registerUser(server.url, uniqueName('alice'));
    const bob = await registerUser(server.url, uniqueName('bob'));
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const socket = await connectSocket(server.url, alice.accessToken);
    try {
      for (const body of ['broken \uD83D end', 'trailing \uDE00', '\uDC00']) {
        const ack = await sendMessage(socket, conversation.id, body);
        expect(ack).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', fields: { body: expect.any(String) } },
        });
      }
      const history = await api<MessagesResponse>(
        server.url,
        `/api/conversations/${conversation.id}/messages`,
        {
          token: alice.accessToken,
        },
      );
      expect(history.body.messages).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('keeps a well-formed surrogate pair identical in the ack, the live event and the history', async () => {
    const alice = await registerUser(server.url, uniqueName('alice'));
    const bob = await registerUser(server.url, uniqueName('bob'));
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const [a, b] = [
      await connectSocket(server.url, alice.accessToken),
      await connectSocket(server.url, bob.accessToken),
    ];
    try {
      const body = 'grin \uD83D\uDE00 and a flag 🇳🇴';
      const live = nextEvent(b, 'message:new');
      const ack = await sendMessage(a, conversation.id, body);
      expect(ack).toMatchObject({ ok: true, message: { body } });
      expect((await live).message.body).toBe(body);
      const history = await api<MessagesResponse>(
        server.url,
        `/api/conversations/${conversation.id}/messages`,
        {
          token: bob.accessToken,
        },
      );
      expect(history.body.messages.map((m) => m.body)).toEqual([body]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses a lone surrogate in HTTP input with 400 invalid_input naming the field', async () => {
    const res = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: uniqueName('lone'), password: 'long enough', displayName: 'half \uD800' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.fields).toHaveProperty('displayName');
  });
});

describe('errors raised before any route runs have the error shape', () => {
  it('a malformed URL escape answers 400 invalid_input', async () => {
    const res = await rawRequest(
      server.url,
      'GET /api/users/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'invalid_input', message: expect.any(String) },
    });
  });

  it('headers that are too large answer 431 with the error shape', async () => {
    const huge = 'x'.repeat(64 * 1024);
    const res = await rawRequest(
      server.url,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${huge}\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'invalid_input', message: expect.any(String) },
    });
  });
});
