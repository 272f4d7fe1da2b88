import { describe, expect, it } from 'vitest';
import type { AccountsState, ClientState, HostResult } from '@parley/shared';
import { initialClientState, totalUnread } from '@parley/shared';
import type { ParleyClient } from '@parley/shared/client';
import { alice, bob, conversation } from '../../test/fixtures.js';
import type { KeyValueStore } from '../stores.js';
import { AccountManager, type Account } from './manager.js';
import { AccountRegistry, type AccountRecord } from './registry.js';

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    return this.data.get(key);
  }
  set(key: string, value: unknown) {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
  delete(key: string) {
    this.data.delete(key);
  }
}

/** A client core stand-in: a state, its subscribers, and the calls the manager makes. */
class FakeClient {
  state: ClientState = initialClientState;
  readonly listeners = new Set<() => void>();
  started = 0;
  stopped = 0;
  signedOut = 0;
  constructor(readonly record: AccountRecord) {}
  set(state: ClientState) {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
  signIn(serverUrl: string, user = alice, unread = 0) {
    this.set({
      ...initialClientState,
      session: { status: 'signed-in', serverUrl, user },
      conversations: unread ? [conversation({ lastSeq: unread, unreadCount: unread })] : [],
    });
  }
  readonly client = {
    start: async () => void this.started++,
    stop: async () => void this.stopped++,
    getSnapshot: () => this.state,
    subscribe: (listener: () => void) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
    auth: {
      signOut: async (): Promise<HostResult> => {
        this.signedOut++;
        this.set(initialClientState);
        return { ok: true, value: undefined };
      },
    },
  } as unknown as ParleyClient;
}

function setup(prepare?: (store: MemoryStore) => void) {
  const store = new MemoryStore();
  prepare?.(store);
  let n = 0;
  const registry = new AccountRegistry(
    store,
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  );
  const clients = new Map<string, FakeClient>();
  const deleted: string[] = [];
  const switches: string[] = [];
  const changes: AccountsState[] = [];
  const attached = new Set<string>();
  const manager = new AccountManager({
    registry,
    open: (record) => {
      const fake = new FakeClient(record);
      clients.set(record.id, fake);
      return { client: fake.client, deleteStore: async () => void deleted.push(record.store) };
    },
    attach: (account: Account) => {
      attached.add(account.id);
      return () => attached.delete(account.id);
    },
    unread: (state) => (state.session.status === 'signed-in' ? totalUnread(state.conversations, []) : 0),
    onSwitch: (account) => switches.push(account.id),
    onChange: (state) => changes.push(state),
    signOutTimeoutMs: 50,
  });
  const client = (id: string) => clients.get(id)!;
  return { store, registry, manager, client, deleted, switches, changes, attached };
}

describe('AccountManager', () => {
  it('starts every stored account; a migrated profile is one account on session.json', async () => {
    const { manager, client, registry } = setup((store) => store.set('serverUrl', 'http://127.0.0.1:9001'));
    await manager.start();
    expect(manager.list()).toHaveLength(1);
    expect(client(manager.active.id).record.store).toBe('session');
    expect(client(manager.active.id).started).toBe(1);
    expect(registry.list()[0]!.serverUrl).toBe('http://127.0.0.1:9001');
  });

  it('adds an empty account as the active one; signing in names it; unread counts per account and summed', async () => {
    const { manager, client, switches, changes } = setup();
    await manager.start();
    const first = manager.active;
    client(first.id).signIn('http://127.0.0.1:9001', alice, 0);
    const added = await manager.add();
    expect(added.ok).toBe(true);
    const second = manager.active;
    expect(second.id).not.toBe(first.id);
    expect(switches).toEqual([second.id]);
    expect(client(second.id).started).toBe(1);
    expect(client(second.id).record.store).toBe(`session-${second.id}`);

    client(second.id).signIn('http://127.0.0.1:9002', bob, 0);
    // The first account gets 3 unread while the second is shown.
    client(first.id).signIn('http://127.0.0.1:9001', alice, 3);
    expect(manager.summary()).toEqual({
      activeId: second.id,
      accounts: [
        {
          id: first.id,
          serverLabel: '127.0.0.1:9001',
          displayName: 'Alice',
          signedIn: true,
          userId: alice.id,
          unread: 3,
        },
        {
          id: second.id,
          serverLabel: '127.0.0.1:9002',
          displayName: 'Bob',
          signedIn: true,
          userId: bob.id,
          unread: 0,
        },
      ],
    });
    expect(manager.totalUnread()).toBe(3);
    expect(changes.at(-1)).toEqual(manager.summary());
    // Changes are reported once each, not on every state change.
    const before = changes.length;
    client(first.id).set(client(first.id).state);
    expect(changes.length).toBe(before);
  });

  it('switches by id, refuses an unknown one and a switch during a call', async () => {
    const { manager, client, switches } = setup();
    await manager.start();
    const first = manager.active;
    client(first.id).signIn('http://127.0.0.1:9001');
    await manager.add();
    const second = manager.active;
    client(second.id).signIn('http://127.0.0.1:9002', bob);
    expect(await manager.switchTo(first.id)).toMatchObject({ ok: true, value: { activeId: first.id } });
    expect(await manager.switchTo(first.id)).toMatchObject({ ok: true });
    expect(switches).toEqual([second.id, first.id]);
    expect(await manager.switchTo('00000000-0000-4000-8000-0000000000ff')).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    client(first.id).set({
      ...client(first.id).state,
      call: {
        callId: 'k1',
        conversationId: 'c1',
        media: 'audio',
        phase: 'active',
        direction: 'outgoing',
        peer: bob,
        initiator: true,
        startedAt: 1,
        endReason: null,
        error: null,
      },
    });
    expect(await manager.switchTo(second.id)).toMatchObject({ ok: false, code: 'busy' });
    expect(manager.active.id).toBe(first.id);
  });

  it('drops an added account that was never signed in once the user switches away', async () => {
    const { manager, client, deleted, registry, attached } = setup();
    await manager.start();
    const first = manager.active;
    client(first.id).signIn('http://127.0.0.1:9001');
    await manager.add();
    const empty = manager.active;
    // Adding again while an empty one exists shows that one instead of a second.
    await manager.add();
    expect(manager.active.id).toBe(empty.id);
    await manager.switchTo(first.id);
    expect(manager.list().map((a) => a.id)).toEqual([first.id]);
    expect(registry.list()).toHaveLength(1);
    expect(deleted).toEqual([`session-${empty.id}`]);
    expect(attached.has(empty.id)).toBe(false);
  });

  it('remove signs out, stops, detaches and deletes the store; the active one moves on', async () => {
    const { manager, client, deleted, registry, switches, attached } = setup();
    await manager.start();
    const first = manager.active;
    client(first.id).signIn('http://127.0.0.1:9001');
    await manager.add();
    const second = manager.active;
    client(second.id).signIn('http://127.0.0.1:9002', bob);

    const result = await manager.remove(second.id);
    expect(result).toMatchObject({ ok: true, value: { activeId: first.id } });
    expect(client(second.id).signedOut).toBe(1);
    expect(client(second.id).stopped).toBe(1);
    expect(deleted).toEqual([`session-${second.id}`]);
    expect(attached.has(second.id)).toBe(false);
    expect(switches.at(-1)).toBe(first.id);
    expect(registry.list().map((r) => r.id)).toEqual([first.id]);
    expect(await manager.remove(second.id)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('removing the last account leaves an empty one for the sign-in screen', async () => {
    const { manager, client, deleted } = setup();
    await manager.start();
    const only = manager.active;
    client(only.id).signIn('http://127.0.0.1:9001');
    await manager.remove(only.id);
    expect(deleted).toEqual(['session']);
    expect(manager.list()).toHaveLength(1);
    expect(manager.active.id).not.toBe(only.id);
    expect(manager.active.client.getSnapshot().session.status).toBe('signed-out');
    expect(client(manager.active.id).started).toBe(1);
  });

  it('a sign-out that hangs (server gone) does not keep the account', async () => {
    const { manager, client, deleted } = setup();
    await manager.start();
    client(manager.active.id).signIn('http://127.0.0.1:9001');
    await manager.add();
    const stuck = manager.active;
    client(stuck.id).signIn('http://127.0.0.1:9002', bob);
    (client(stuck.id).client.auth as { signOut: () => Promise<HostResult> }).signOut = () =>
      new Promise(() => {});
    await manager.remove(stuck.id);
    expect(deleted).toEqual([`session-${stuck.id}`]);
  });

  it('picks the signed-in account of a server (deep links)', async () => {
    const { manager, client } = setup();
    await manager.start();
    const first = manager.active;
    client(first.id).signIn('http://127.0.0.1:9001');
    await manager.add();
    const second = manager.active;
    client(second.id).signIn('http://127.0.0.1:9002', bob);
    expect(manager.byServer('http://127.0.0.1:9001/')?.id).toBe(first.id);
    expect(manager.byServer('http://127.0.0.1:9002')?.id).toBe(second.id);
    expect(manager.byServer('http://127.0.0.1:9003')).toBeUndefined();
  });
});
