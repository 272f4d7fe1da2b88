import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../stores.js';
import { AccountRegistry, LEGACY_STORE_NAME } from './registry.js';

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    return this.data.get(key);
  }
  set(key: string, value: unknown) {
    // A JSON round trip, as electron-store writes it.
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
  delete(key: string) {
    this.data.delete(key);
  }
}

function ids() {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

describe('AccountRegistry', () => {
  it('makes a single-account profile its first account: session.json and the last server kept', () => {
    const store = new MemoryStore();
    store.set('serverUrl', 'https://chat.example.org');
    const registry = new AccountRegistry(store, ids());
    expect(registry.list()).toEqual([
      {
        id: '00000000-0000-4000-8000-000000000001',
        store: LEGACY_STORE_NAME,
        serverUrl: 'https://chat.example.org',
        serverLabel: null,
        displayName: null,
      },
    ]);
    expect(registry.activeId()).toBe('00000000-0000-4000-8000-000000000001');
    // Saved: the next start reads the same account, not a second migration.
    const again = new AccountRegistry(store, ids());
    expect(again.list()).toEqual(registry.list());
  });

  it('adds accounts with store files of their own, keeps order, the active one and updates', () => {
    const store = new MemoryStore();
    const registry = new AccountRegistry(store, ids());
    const second = registry.add();
    const third = registry.add();
    expect(second.store).toBe(`session-${second.id}`);
    expect(new Set(registry.list().map((r) => r.store)).size).toBe(3);
    registry.setActive(third.id);
    registry.update(second.id, { serverUrl: 'http://127.0.0.1:9000', displayName: 'Bob' });
    const reread = new AccountRegistry(store, ids());
    expect(reread.list().map((r) => r.id)).toEqual(registry.list().map((r) => r.id));
    expect(reread.activeId()).toBe(third.id);
    expect(reread.get(second.id)).toMatchObject({ serverUrl: 'http://127.0.0.1:9000', displayName: 'Bob' });
    expect(() => registry.setActive('nope')).toThrow();
  });

  it('moves the active account to the first left when the active one is removed', () => {
    const registry = new AccountRegistry(new MemoryStore(), ids());
    const first = registry.list()[0]!;
    const second = registry.add();
    registry.setActive(second.id);
    registry.remove(second.id);
    expect(registry.activeId()).toBe(first.id);
    expect(registry.list()).toHaveLength(1);
  });

  it('reuses session.json once its account is gone', () => {
    const registry = new AccountRegistry(new MemoryStore(), ids());
    const first = registry.list()[0]!;
    const second = registry.add();
    registry.remove(first.id);
    expect(registry.add().store).toBe(LEGACY_STORE_NAME);
    expect(registry.get(second.id)!.store).toBe(`session-${second.id}`);
  });

  it('drops tampered records: a store name outside session*.json, a bad id, a shared file', () => {
    const store = new MemoryStore();
    const good = {
      id: '00000000-0000-4000-8000-00000000000a',
      store: 'session',
      serverUrl: null,
      serverLabel: null,
      displayName: null,
    };
    store.set('accounts', {
      active: 'x',
      list: [
        good,
        { ...good, id: '00000000-0000-4000-8000-00000000000b', store: '../../.ssh/id_rsa' },
        { ...good, id: 'not-a-uuid', store: 'session-00000000-0000-4000-8000-00000000000c' },
        { ...good, id: '00000000-0000-4000-8000-00000000000d' },
        'garbage',
      ],
    });
    const registry = new AccountRegistry(store, ids());
    expect(registry.list()).toEqual([good]);
    expect(registry.activeId()).toBe(good.id);
  });
});
