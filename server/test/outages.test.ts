/**
 * A database that stops answering is an outage, not a bug: requests and socket events are
 * answered `unavailable` (retryable; clients retry with the same clientId) and nothing is half
 * stored. The repository here is the real one, wrapped so that every call fails the way a
 * driver fails when its server is gone, while `down` is set.
 */
import type { ErrorResponse, MessagesResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../src/storage/repository.js';
import {
  api,
  connectSocket,
  createConversation,
  openTestRepository,
  registerUser,
  sendMessage,
  startTestServer,
  uniqueName,
  type TestServer,
} from './harness.js';

let down = false;
let server: TestServer;
let closeRepo: () => Promise<void>;

/** What pg (or a socket) throws when the server is not there. */
function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

beforeAll(async () => {
  const { repo, close } = await openTestRepository('outage');
  closeRepo = close;
  const flaky = new Proxy(repo, {
    get(target, key, receiver) {
      if (key === 'close') return () => Promise.resolve(); // closed by openTestRepository's close
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => (down ? Promise.reject(refused()) : method.apply(target, args));
    },
  }) as Repository;
  server = await startTestServer({}, { repository: flaky });
});

afterAll(async () => {
  await server.close();
  await closeRepo();
});

describe('the database out of reach', () => {
  it('answers sends and requests `unavailable`, stores nothing, and recovers', async () => {
    const alice = await registerUser(server.url, uniqueName('alice'));
    const bob = await registerUser(server.url, uniqueName('bob'));
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const socket = await connectSocket(server.url, alice.accessToken);
    try {
      down = true;
      const ack = await sendMessage(socket, conversation.id, 'during the outage', 'outage-1');
      expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      const list = await api<ErrorResponse>(server.url, '/api/conversations', { token: alice.accessToken });
      expect(list.status).toBe(503);
      expect(list.body.error.code).toBe('unavailable');
      expect(socket.connected).toBe(true);

      down = false;
      // The client's retry, with the same clientId, goes through once.
      expect(await sendMessage(socket, conversation.id, 'during the outage', 'outage-1')).toMatchObject({
        ok: true,
        message: { seq: 1 },
      });
      const history = await api<MessagesResponse>(
        server.url,
        `/api/conversations/${conversation.id}/messages`,
        {
          token: bob.accessToken,
        },
      );
      expect(history.body.messages.map((m) => m.body)).toEqual(['during the outage']);
    } finally {
      down = false;
      socket.close();
    }
  });
});
