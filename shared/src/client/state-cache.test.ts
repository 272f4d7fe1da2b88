import { afterEach, describe, expect, it, vi } from 'vitest';
import { createParleyClient } from './client.js';
import { createMemoryStorage } from './memory-storage.js';
import { ME, conversation, message } from './module-test-support.js';
import { STATE_CACHE_KEY } from './state-cache.js';
import { STORAGE_KEYS } from './session.js';
import type { ClientStorage, ParleyClient } from './types.js';

const URL = 'http://parley.test';
const offline = async (): Promise<never> => {
  throw new Error('offline');
};

/** Storage holding a signed-in session for ME and, if given, a cache. */
async function storedSession(cache?: unknown) {
  const storage = createMemoryStorage();
  await storage.set(STORAGE_KEYS.serverUrl, URL);
  await storage.set(STORAGE_KEYS.refreshToken, 'refresh-token');
  await storage.set(
    STORAGE_KEYS.user,
    JSON.stringify({ id: ME.id, username: ME.username, displayName: ME.displayName }),
  );
  if (cache !== undefined) await storage.set(STATE_CACHE_KEY, JSON.stringify(cache));
  return storage;
}

const cache = (extra: Record<string, unknown> = {}) => ({
  v: 1,
  userId: ME.id,
  serverUrl: URL,
  epoch: 'e1',
  conversations: [conversation('c1', { lastSeq: 2 })],
  messages: { c1: [message(1), message(2)] },
  ...extra,
});

let client: ParleyClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
  vi.useRealTimers();
});

function start(storage: ClientStorage, cacheState = true) {
  client = createParleyClient({ storage, cacheState, fetch: offline, reconnect: { initialDelayMs: 60_000 } });
  return client;
}

describe('state cache (offline start)', () => {
  it('a start without network shows the cached conversations and messages', async () => {
    const c = start(await storedSession(cache()));
    await c.start();
    const state = c.getSnapshot();
    expect(state.session.status).toBe('signed-in');
    expect(state.conversations.map((x) => x.id)).toEqual(['c1']);
    expect(state.messages.c1?.items.map((m) => [m.body, m.status])).toEqual([
      ['body 1', 'sent'],
      ['body 2', 'sent'],
    ]);
  });

  it('ignores a cache of another user or server, an unreadable one, and hosts that did not opt in', async () => {
    for (const [stored, optIn] of [
      [cache({ userId: 'someone-else' }), true],
      [cache({ serverUrl: 'http://other.test' }), true],
      ['not json', true],
      [cache(), false],
    ] as const) {
      const storage = await storedSession();
      await storage.set(STATE_CACHE_KEY, typeof stored === 'string' ? stored : JSON.stringify(stored));
      const c = start(storage, optIn);
      await c.start();
      expect(c.getSnapshot().conversations).toEqual([]);
      await c.stop();
    }
  });

  it('saves what the state holds (sent messages only) and forgets it at sign-out', async () => {
    const storage = await storedSession(cache());
    const c = start(storage);
    await c.start();
    await storage.delete(STATE_CACHE_KEY);
    // A message written offline: the outbox keeps it, the cache does not.
    await c.messages.send('c1', 'written offline');
    await vi.waitFor(() => expect(storage.data.get(STATE_CACHE_KEY)).toBeDefined(), { timeout: 3000 });
    const saved = JSON.parse(storage.data.get(STATE_CACHE_KEY) ?? '{}') as ReturnType<typeof cache>;
    expect(saved.conversations.map((x) => x.id)).toEqual(['c1']);
    expect(saved.messages.c1?.map((m) => m.body)).toEqual(['body 1', 'body 2']);
    await c.auth.signOut();
    expect(storage.data.has(STATE_CACHE_KEY)).toBe(false);
  });
});
