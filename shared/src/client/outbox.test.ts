import { afterEach, describe, expect, it } from 'vitest';
import { createParleyClient } from './client.js';
import { createMemoryStorage } from './memory-storage.js';
import {
  OUTBOX_STORAGE_KEY,
  parseOutbox,
  serializeOutbox,
  type OutboxEntry,
  type OutboxSend,
} from './outbox.js';
import type { FetchLike } from './runtime.js';
import { waitForState } from './test-support.js';
import type { ParleyClient } from './types.js';

const entry = (clientId: string, status: OutboxEntry['status'] = 'pending'): OutboxEntry => ({
  clientId,
  conversationId: 'c1',
  body: `body ${clientId}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  status,
  error: status === 'failed' ? 'not_found' : null,
});

describe('outbox serialization', () => {
  it('round-trips entries in order', () => {
    const entries = [entry('a'), entry('b', 'failed'), entry('c')];
    expect(parseOutbox(serializeOutbox('u1', entries), 'u1')).toEqual(entries);
  });

  it('keeps the files of a queued message (ids, and what is known of them)', () => {
    const withFiles: OutboxEntry = {
      ...(entry('f') as OutboxSend),
      body: '',
      attachmentIds: ['a1', 'a2'],
      attachments: [
        {
          id: 'a1',
          name: 'x.png',
          contentType: 'image/png',
          size: 3,
          width: 1,
          height: 1,
          hasThumbnail: true,
        },
      ],
    };
    expect(parseOutbox(serializeOutbox('u1', [withFiles]), 'u1')).toEqual([withFiles]);
  });

  it("never hands one user's outbox to another user", () => {
    expect(parseOutbox(serializeOutbox('u1', [entry('a')]), 'u2')).toEqual([]);
  });

  it('reads damaged storage as empty and skips damaged or duplicate entries', () => {
    expect(parseOutbox(null, 'u1')).toEqual([]);
    expect(parseOutbox('{not json', 'u1')).toEqual([]);
    expect(parseOutbox(JSON.stringify({ version: 2, userId: 'u1', entries: [] }), 'u1')).toEqual([]);
    const raw = JSON.stringify({
      version: 1,
      userId: 'u1',
      entries: [entry('a'), { clientId: 5 }, entry('a'), entry('b')],
    });
    expect(parseOutbox(raw, 'u1').map((e) => e.clientId)).toEqual(['a', 'b']);
  });
});

/**
 * A fake server for HTTP only: the socket points at a closed port, so the client stays
 * disconnected and everything it sends has to wait in the outbox.
 */
function fakeHttp(): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  const user = { id: 'u1', username: 'alice', displayName: 'Alice' };
  let refreshCount = 0;
  const json = (status: number, body: unknown) =>
    Promise.resolve({ ok: status < 400, status, text: () => Promise.resolve(JSON.stringify(body)) });
  const tokens = () => ({
    accessToken: 'not-a-jwt',
    refreshToken: `refresh-${++refreshCount}`,
    accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  });
  const fetch: FetchLike = (url, init) => {
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    calls.push(`${init?.method ?? 'GET'} ${path}`);
    if (path === '/api/auth/login') return json(200, { user, ...tokens() });
    if (path === '/api/auth/refresh') return json(200, tokens());
    if (path.startsWith('/api/conversations/c1/messages')) return json(200, { messages: [] });
    return json(404, { error: { code: 'not_found', message: 'nope' } });
  };
  return { fetch, calls };
}

const clients: ParleyClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

describe('outbox persistence', () => {
  it('keeps unsent messages across a client restart, with their clientIds', async () => {
    const storage = createMemoryStorage();
    const http = fakeHttp();
    const serverUrl = 'http://127.0.0.1:9';
    const first = createParleyClient({ storage, fetch: http.fetch, reconnect: { initialDelayMs: 5000 } });
    clients.push(first);
    expect((await first.auth.signIn({ serverUrl, username: 'alice', password: 'password-1' })).ok).toBe(true);
    expect((await first.conversations.open('c1')).ok).toBe(true);

    const sent = await first.messages.send('c1', '  hello while offline  ');
    const second = await first.messages.send('c1', 'second');
    expect(sent.ok && second.ok).toBe(true);
    if (!sent.ok || !second.ok) return;
    // Optimistic: visible at once, as pending, trimmed.
    const items = first.getSnapshot().messages.c1?.items ?? [];
    expect(items.map((m) => [m.clientId, m.status, m.body])).toEqual([
      [sent.value.clientId, 'pending', 'hello while offline'],
      [second.value.clientId, 'pending', 'second'],
    ]);
    const stored = parseOutbox(storage.data.get(OUTBOX_STORAGE_KEY) ?? null, 'u1');
    expect(stored.map((e) => e.clientId)).toEqual([sent.value.clientId, second.value.clientId]);

    // Bad input is refused and changes nothing.
    const empty = await first.messages.send('c1', '   ');
    expect(empty).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(parseOutbox(storage.data.get(OUTBOX_STORAGE_KEY) ?? null, 'u1')).toHaveLength(2);
    await first.stop();

    // A new client over the same storage: the session and the outbox come back.
    const restarted = createParleyClient({ storage, fetch: http.fetch, reconnect: { initialDelayMs: 5000 } });
    clients.push(restarted);
    await restarted.start();
    expect(restarted.getSnapshot().session).toMatchObject({ status: 'signed-in', serverUrl });
    // Visible at once, before any history could load (the server is unreachable).
    expect(restarted.getSnapshot().messages.c1?.items.map((m) => m.clientId)).toEqual([
      sent.value.clientId,
      second.value.clientId,
    ]);
    expect((await restarted.conversations.open('c1')).ok).toBe(true);
    const restored = restarted.getSnapshot().messages.c1?.items ?? [];
    expect(restored.map((m) => [m.clientId, m.status])).toEqual([
      [sent.value.clientId, 'pending'],
      [second.value.clientId, 'pending'],
    ]);
    // It refreshed the stored token (rotation: the new one is kept) and is trying to connect.
    expect(http.calls).toContain('POST /api/auth/refresh');
    expect(storage.data.get('refreshToken')).toBe('refresh-2');
    await waitForState(restarted, (s) => s.connection.status === 'reconnecting', 'a reconnect countdown');
    expect(restarted.getSnapshot().connection.nextRetryAt).not.toBeNull();
  });

  it('shows a message sent into a conversation whose history is not loaded', async () => {
    const http = fakeHttp();
    const client = createParleyClient({
      storage: createMemoryStorage(),
      fetch: http.fetch,
      reconnect: { initialDelayMs: 5000 },
    });
    clients.push(client);
    await client.auth.signIn({ serverUrl: 'http://127.0.0.1:9', username: 'alice', password: 'password-1' });
    const sent = await client.messages.send('c1', 'from the conversation list');
    expect(sent.ok).toBe(true);
    const window = client.getSnapshot().messages.c1;
    expect(window?.items.map((m) => [m.body, m.status, m.seq])).toEqual([
      ['from the conversation list', 'pending', 0],
    ]);
    expect(window?.hasOlder).toBe(true);
    // Opening it loads the history (none here) under the pending tail.
    expect((await client.conversations.open('c1')).ok).toBe(true);
    expect(http.calls).toContain('GET /api/conversations/c1/messages?limit=50');
    expect(client.getSnapshot().messages.c1?.items.map((m) => m.status)).toEqual(['pending']);
    expect(client.getSnapshot().messages.c1?.hasOlder).toBe(false);
  });

  it('signOut clears the session and the outbox from storage', async () => {
    const storage = createMemoryStorage();
    const http = fakeHttp();
    const client = createParleyClient({ storage, fetch: http.fetch, reconnect: { initialDelayMs: 5000 } });
    clients.push(client);
    await client.auth.signIn({ serverUrl: '127.0.0.1:9', username: 'alice', password: 'password-1' });
    await client.messages.send('c1', 'queued');
    expect(storage.data.has(OUTBOX_STORAGE_KEY)).toBe(true);
    expect((await client.auth.signOut()).ok).toBe(true);
    expect(storage.data.has(OUTBOX_STORAGE_KEY)).toBe(false);
    expect(storage.data.has('refreshToken')).toBe(false);
    expect(client.getSnapshot().session).toEqual({
      status: 'signed-out',
      serverUrl: 'http://127.0.0.1:9',
      error: null,
    });
    expect(http.calls).toContain('POST /api/auth/logout');
    expect(await client.auth.defaultServerUrl()).toBe('http://127.0.0.1:9');
  });
});
