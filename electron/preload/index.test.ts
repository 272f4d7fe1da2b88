import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParleyHost } from '@parley/shared';
import { EVENT_CHANNELS, HOST_METHOD_PATHS, INVOKE_CHANNELS } from '../common/ipc.js';

// A fake ipcRenderer with real listener bookkeeping, and a contextBridge that captures what
// the preload exposes.
const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, value: { channel, args } })),
    emit(channel: string, payload: unknown) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'must not leak' }, payload);
    },
  };
});
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(listener);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
      electron.listeners.get(channel)?.delete(listener);
    },
  },
}));

await import('./index.js');
const host = electron.exposed.get('parley') as ParleyHost;

beforeEach(() => {
  electron.invoke.mockClear();
});

describe('preload', () => {
  it('exposes exactly one global, window.parley, of kind desktop', () => {
    expect([...electron.exposed.keys()]).toEqual(['parley']);
    expect(host.kind).toBe('desktop');
  });

  it('exposes only domain methods: no raw IPC, Electron or Node objects', () => {
    const leaves: string[] = [];
    for (const [key, value] of Object.entries(host)) {
      if (typeof value === 'function' || typeof value === 'string') leaves.push(key);
      else
        for (const [method, fn] of Object.entries(value as object)) {
          expect(typeof fn).toBe('function');
          // Wrappers, never ipcRenderer's own functions handed out.
          expect(fn).not.toBe(electron.invoke);
          leaves.push(`${key}.${method}`);
        }
    }
    expect(leaves.sort()).toEqual(
      [
        ...HOST_METHOD_PATHS,
        'kind',
        'onState',
        'onNavigate',
        'calls.onSignal',
        'notifications.onChange',
        'desktop.onInvite',
        'desktop.onMessageAction',
        'desktop.onScreenSharePick',
        'attachments.onUploadProgress',
        'accounts.onChange',
      ].sort(),
    );
  });

  it('maps every host method to its invoke channel with the same arguments', async () => {
    const calls: [string, unknown[]][] = [
      ['getState', []],
      ['resyncState', []],
      ['auth.defaultServerUrl', []],
      ['auth.signIn', [{ serverUrl: 'http://h', username: 'a', password: 'p' }]],
      ['auth.signUp', [{ serverUrl: 'http://h', username: 'a', password: 'p', displayName: 'A' }]],
      ['auth.signOut', []],
      ['auth.serverInfo', ['http://h']],
      ['conversations.open', [null]],
      ['conversations.loadOlder', ['c1']],
      ['conversations.loadAround', ['c1', 42]],
      ['conversations.markRead', ['c1', 5]],
      ['conversations.createDirect', ['u1']],
      ['conversations.createGroup', ['Team', ['u1', 'u2']]],
      ['messages.send', ['c1', 'hi', { replyToId: 'm1', attachmentIds: ['a1'] }]],
      ['messages.retry', ['x1']],
      ['messages.discard', ['x1']],
      ['messages.setTyping', ['c1', true]],
      ['messages.edit', ['m1', 'fixed']],
      ['messages.delete', ['m1']],
      ['messages.react', ['m1', '👍', true]],
      ['users.search', ['al']],
      ['search.messages', ['budget']],
      ['connection.retryNow', []],
      ['calls.iceServers', []],
      ['calls.initiate', ['c1', 'video']],
      ['calls.accept', ['k1']],
      ['calls.reject', ['k1']],
      ['calls.cancel', ['k1']],
      ['calls.end', ['k1']],
      ['calls.dismiss', []],
      ['calls.sendSignal', ['k1', { type: 'offer' }]],
      ['notifications.get', []],
      ['notifications.setMuted', ['c1', true]],
      ['notifications.setDoNotDisturb', [false]],
      ['desktop.getSettings', []],
      ['desktop.updateSettings', [{ closeToTray: false }]],
      ['desktop.availableSpellCheckLanguages', []],
      ['desktop.chooseDownloadFolder', []],
      ['desktop.takeInvite', []],
      ['desktop.setContextMessage', [{ messageId: 'm1', actions: ['reply'], reactions: [] }]],
      ['desktop.chooseScreenShare', ['pick-1', 'window:1:0']],
      ['accounts.list', []],
      ['accounts.add', []],
      ['accounts.remove', ['0b6f2a8e-2f7e-4c1e-9d64-7f4b1c3a5e21']],
      ['accounts.switch', ['0b6f2a8e-2f7e-4c1e-9d64-7f4b1c3a5e21']],
      ['attachments.upload', ['up1', { name: 'a.png', type: 'image/png', bytes: new ArrayBuffer(4) }]],
      ['attachments.cancelUpload', ['up1']],
      ['attachments.read', ['a1', 'thumbnail']],
      ['account.get', []],
      ['account.updateProfile', [{ displayName: 'Al' }]],
      ['account.setAvatar', [{ name: 'me.png', type: 'image/png', bytes: new Uint8Array([1, 2]) }]],
      ['account.removeAvatar', []],
      ['account.changePassword', [{ currentPassword: 'old', newPassword: 'new one!' }]],
      ['account.listSessions', []],
      ['account.revokeSession', ['s1']],
      ['account.deleteAccount', ['pw']],
      ['account.avatar', [{ kind: 'user', id: 'u1' }]],
      ['groups.rename', ['c1', 'Team']],
      ['groups.setAvatar', ['c1', null]],
      ['groups.addMembers', ['c1', ['u1']]],
      ['groups.removeMember', ['c1', 'u1']],
      ['groups.leave', ['c1']],
      ['groups.setRole', ['c1', 'u1', 'admin']],
      ['invites.create', [{ maxUses: 5, expiresInHours: 24 }]],
      ['invites.list', []],
      ['invites.revoke', ['code1234']],
      ['admin.listUsers', ['al']],
      ['admin.deactivate', ['u1']],
      ['admin.resetPassword', ['u1', 'new password']],
      ['admin.setRole', ['u1', 'admin']],
    ];
    expect(calls.map(([path]) => path).sort()).toEqual([...HOST_METHOD_PATHS].sort());
    for (const [path, args] of calls) {
      const [group, method] = path.includes('.') ? path.split('.') : [null, path];
      const target = (
        group ? (host as unknown as Record<string, Record<string, unknown>>)[group] : host
      ) as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const result = await target[method!]!(...args);
      expect(result).toEqual({
        ok: true,
        value: { channel: INVOKE_CHANNELS[path as keyof typeof INVOKE_CHANNELS], args },
      });
    }
    expect(electron.invoke).toHaveBeenCalledTimes(calls.length);
  });

  it('forwards optional trailing arguments when given, and adds none when not', async () => {
    await host.search.messages('budget', { conversationId: 'c1', limit: 5 });
    await host.search.messages('budget');
    expect(electron.invoke.mock.calls).toEqual([
      [INVOKE_CHANNELS['search.messages'], 'budget', { conversationId: 'c1', limit: 5 }],
      [INVOKE_CHANNELS['search.messages'], 'budget'],
    ]);
  });

  it("forwards messages.send's options (a reply, files) only when the page gave them", async () => {
    await host.messages.send('c1', 'hi');
    await host.messages.send('c1', '', { attachmentIds: ['a1', 'a2'] });
    await host.messages.send('c1', 're', { replyToId: 'm1' });
    // No trailing `undefined`: main's schema sees exactly what the page passed.
    expect(electron.invoke.mock.calls).toEqual([
      [INVOKE_CHANNELS['messages.send'], 'c1', 'hi'],
      [INVOKE_CHANNELS['messages.send'], 'c1', '', { attachmentIds: ['a1', 'a2'] }],
      [INVOKE_CHANNELS['messages.send'], 'c1', 're', { replyToId: 'm1' }],
    ]);
  });

  it('delivers upload progress on its own channel, and unsubscribes', () => {
    const received: unknown[] = [];
    const off = host.attachments.onUploadProgress((p) => received.push(p));
    electron.emit(EVENT_CHANNELS.uploadProgress, { uploadId: 'up1', loaded: 5, total: 10 });
    electron.emit(EVENT_CHANNELS.state, { unrelated: true });
    off();
    electron.emit(EVENT_CHANNELS.uploadProgress, { uploadId: 'up1', loaded: 10, total: 10 });
    expect(received).toEqual([{ uploadId: 'up1', loaded: 5, total: 10 }]);
  });

  it('delivers pushed state without the IPC event, and unsubscribes', () => {
    const received: unknown[] = [];
    const unsubscribe = host.onState((state) => received.push(state));
    electron.emit(EVENT_CHANNELS.state, { snapshot: 1 });
    unsubscribe();
    electron.emit(EVENT_CHANNELS.state, { snapshot: 2 });
    expect(received).toEqual([{ snapshot: 1 }]);
    expect(electron.listeners.get(EVENT_CHANNELS.state)?.size).toBe(0);
  });

  it('keeps call signals and navigation on their own channels', () => {
    const signals: unknown[] = [];
    const targets: unknown[] = [];
    const offSignal = host.calls.onSignal((signal) => signals.push(signal));
    const offNavigate = host.onNavigate!((target) => targets.push(target));
    const signal = { callId: 'k1', event: 'call:offer', from: 'u2', signal: { type: 'offer' } };
    electron.emit(EVENT_CHANNELS.callSignal, signal);
    electron.emit(EVENT_CHANNELS.navigate, { conversationId: 'c1' });
    electron.emit(EVENT_CHANNELS.state, { unrelated: true });
    expect(signals).toEqual([signal]);
    expect(targets).toEqual([{ conversationId: 'c1' }]);
    offSignal();
    offNavigate();
    expect(electron.listeners.get(EVENT_CHANNELS.callSignal)?.size).toBe(0);
  });
});
