/**
 * The main process wired together, with Electron, electron-store and the client core replaced
 * by recording fakes: the only way to exercise index.ts where the Electron binary is missing.
 * It checks the wiring (IPC, window options, guards, state push, badge, notifications, tray),
 * not Electron itself.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientState } from '@parley/shared';
import type { ClientEvent } from '@parley/shared/client';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../common/ipc.js';
import { fake } from '../test/fake-electron.js';
import { appliedStates, bob, conversation, message, signedInState } from '../test/fixtures.js';

vi.mock('electron', async () => (await import('../test/fake-electron.js')).electronModule);
vi.mock('electron-store', async () => ({ default: (await import('../test/fake-electron.js')).FakeStore }));

const client = vi.hoisted(() => ({
  snapshot: null as unknown,
  subscribers: [] as (() => void)[],
  eventListeners: [] as ((event: unknown) => void)[],
  signalListeners: [] as ((signal: unknown) => void)[],
  progressListeners: [] as ((progress: unknown) => void)[],
  options: null as unknown,
  openCalls: [] as unknown[],
}));

vi.mock('@parley/shared/client', () => ({
  createParleyClient: (options: unknown) => {
    client.options = options;
    const ok = async () => ({ ok: true, value: undefined });
    return {
      start: vi.fn(async () => {}),
      stop: vi.fn(async () => {}),
      getSnapshot: () => client.snapshot,
      subscribe: (listener: () => void) => {
        client.subscribers.push(listener);
        return () => {};
      },
      onEvent: (listener: (event: unknown) => void) => {
        client.eventListeners.push(listener);
        return () => {};
      },
      networkChanged: vi.fn(),
      auth: { defaultServerUrl: async () => 'http://127.0.0.1:8080', signIn: ok, signUp: ok, signOut: ok },
      conversations: {
        open: async (id: unknown) => {
          client.openCalls.push(id);
          return { ok: true, value: undefined };
        },
        loadOlder: ok,
        loadAround: ok,
        markRead: ok,
        createDirect: ok,
        createGroup: ok,
      },
      messages: { send: ok, retry: ok, discard: ok, setTyping: ok },
      users: { search: ok },
      connection: { retryNow: ok },
      calls: {
        iceServers: ok,
        initiate: ok,
        accept: ok,
        reject: ok,
        cancel: ok,
        end: ok,
        dismiss: ok,
        sendSignal: ok,
        onSignal: (listener: (signal: unknown) => void) => {
          client.signalListeners.push(listener);
          return () => {};
        },
      },
      attachments: {
        upload: ok,
        cancelUpload: ok,
        read: ok,
        onUploadProgress: (listener: (progress: unknown) => void) => {
          client.progressListeners.push(listener);
          return () => {};
        },
      },
    };
  },
}));

const appFrame = { url: 'app://parley/index.html', parent: null };
const direct = conversation({ unreadCount: 2 });
const group = conversation({ id: 'c-group', type: 'group', title: 'Team', unreadCount: 5 });

function setState(state: ClientState) {
  client.snapshot = state;
  for (const listener of client.subscribers) listener();
}
function emitClientEvent(event: ClientEvent) {
  for (const listener of client.eventListeners) listener(event);
}
function invoke(path: keyof typeof INVOKE_CHANNELS, ...args: unknown[]) {
  return fake.ipcHandlers.get(INVOKE_CHANNELS[path])!({ senderFrame: appFrame }, ...args);
}
const window = () =>
  fake.windows[0]! as unknown as {
    options: { webPreferences: Record<string, unknown> };
    focused: boolean;
    webContents: { send: ReturnType<typeof vi.fn> };
    show: ReturnType<typeof vi.fn>;
    loadURL: ReturnType<typeof vi.fn>;
  };
const sent = (channel: string) =>
  window()
    .webContents.send.mock.calls.filter(([name]) => name === channel)
    .map(([, payload]) => payload);

beforeAll(async () => {
  vi.useFakeTimers();
  delete process.env.ELECTRON_RENDERER_URL;
  process.env.PARLEY_SERVER_URL = 'http://127.0.0.1:9999';
  client.snapshot = signedInState([]);
  await import('./index.js');
  await vi.runAllTimersAsync();
});
afterAll(() => {
  vi.useRealTimers();
  delete process.env.PARLEY_SERVER_URL;
});

describe('main process wiring', () => {
  it('starts the client core with the server from the environment', () => {
    expect(client.options).toMatchObject({ defaultServerUrl: 'http://127.0.0.1:9999' });
  });

  it('opens one window with the security checklist applied, on app://parley', () => {
    expect(fake.windows).toHaveLength(1);
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(String(window().options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(window().loadURL).toHaveBeenCalledWith('app://parley/index.html');
  });

  it('answers every host method over IPC', () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());
  });

  it('tells the user once that the keyring is missing (basic_text)', () => {
    expect(fake.dialog).toHaveBeenCalledTimes(1);
    expect(fake.dialog.mock.calls[0]).toContainEqual(
      expect.objectContaining({ message: 'Your sign-in is stored without a system keyring' }),
    );
  });

  it('guards permissions by origin', () => {
    const decide = (permission: string, requestingUrl: string) => {
      const callback = vi.fn();
      fake.session.permissionRequest!({ getURL: () => requestingUrl }, permission, callback, {
        requestingUrl,
      });
      return callback.mock.calls[0]?.[0];
    };
    expect(decide('media', 'app://parley/index.html')).toBe(true);
    expect(decide('media', 'https://evil.example/')).toBe(false);
    expect(decide('geolocation', 'app://parley/index.html')).toBe(false);
    expect(fake.session.permissionCheck!(null, 'notifications', 'https://evil.example')).toBe(false);
  });

  it('keeps every web contents inside the app', () => {
    const contents = { ...fake.emitter(), setWindowOpenHandler: vi.fn() };
    fake.app.emit('web-contents-created', {}, contents);
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('app://parley/index.html')).toBe(false);
    expect(navigate('https://example.com/')).toBe(true);
    expect(fake.openExternal).toHaveBeenCalledWith('https://example.com/');
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(fake.openExternal).toHaveBeenCalledTimes(1);
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as (details: {
      url: string;
    }) => unknown;
    expect(openHandler({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'app://parley/other.html' })).toEqual({ action: 'deny' });
  });

  it('pushes coalesced state to the renderer and sets badge and tray from the unread count', async () => {
    const before = sent(EVENT_CHANNELS.state).length;
    const first = signedInState([direct]);
    setState(first);
    const second = signedInState([direct, group]);
    setState(second);
    await vi.advanceTimersByTimeAsync(50);
    expect(sent(EVENT_CHANNELS.state).slice(before)).toHaveLength(1);
    expect(appliedStates(sent(EVENT_CHANNELS.state)).at(-1)).toEqual(second);
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(7);
    expect(fake.trays[0]?.tooltip).toBe('Parley · 7 unread');
  });

  it('answers resyncState with a full snapshot at once, then patches again', async () => {
    const before = sent(EVENT_CHANNELS.state).length;
    const current = signedInState([direct, group]);
    setState(current);
    await vi.advanceTimersByTimeAsync(50);
    await invoke('resyncState');
    const snapshot = sent(EVENT_CHANNELS.state).at(-1) as { kind: string; state: ClientState };
    expect(snapshot).toMatchObject({ kind: 'snapshot', state: current });
    setState({ ...current, typing: { [direct.id]: [bob.id] } });
    await vi.advanceTimersByTimeAsync(50);
    const updates = sent(EVENT_CHANNELS.state).slice(before);
    expect(updates.at(-1)).toMatchObject({
      kind: 'patch',
      ops: [{ op: 'set', path: ['typing', direct.id] }],
    });
    expect(appliedStates(sent(EVENT_CHANNELS.state)).at(-1)?.typing).toEqual({ [direct.id]: [bob.id] });
  });

  it('forwards call signals to the renderer uncoalesced', () => {
    const signal = { callId: 'k1', event: 'call:offer', from: bob.id, signal: { type: 'offer' } };
    for (const listener of client.signalListeners) listener(signal);
    expect(sent(EVENT_CHANNELS.callSignal)).toEqual([signal]);
  });

  it('forwards upload progress to the renderer', () => {
    const progress = { uploadId: 'up1', loaded: 10, total: 20 };
    for (const listener of client.progressListeners) listener(progress);
    expect(sent(EVENT_CHANNELS.uploadProgress)).toEqual([progress]);
  });

  it('notifies a message while unfocused; a click shows the window and opens the conversation', async () => {
    // The renderer's shell is mounted (it reports the open conversation then).
    await invoke('conversations.open', null);
    window().focused = false;
    emitClientEvent({
      type: 'message',
      message: message({ body: 'ping' }),
      conversation: direct,
      fromCatchUp: false,
    });
    const notification = fake.notifications.at(-1)!;
    expect(notification.options).toMatchObject({ title: 'Bob', body: 'ping' });
    expect(notification.show).toHaveBeenCalled();
    notification.emit('click');
    expect(window().show).toHaveBeenCalled();
    expect(sent(EVENT_CHANNELS.navigate)).toEqual([{ conversationId: direct.id }]);
  });

  it('flashes the taskbar on Windows when a notice arrives while unfocused', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      window().focused = false;
      emitClientEvent({ type: 'message', message: message(), conversation: direct, fromCatchUp: false });
      expect(
        (window() as unknown as { flashFrame: ReturnType<typeof vi.fn> }).flashFrame,
      ).toHaveBeenCalledWith(true);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });

  it('stays quiet for the conversation the renderer reports open while focused', async () => {
    await expect(invoke('conversations.open', direct.id)).resolves.toEqual({ ok: true, value: undefined });
    expect(client.openCalls).toContain(direct.id);
    window().focused = true;
    const count = fake.notifications.length;
    emitClientEvent({ type: 'message', message: message(), conversation: direct, fromCatchUp: false });
    expect(fake.notifications).toHaveLength(count);
    emitClientEvent({
      type: 'message',
      message: message({ conversationId: group.id }),
      conversation: group,
      fromCatchUp: false,
    });
    expect(fake.notifications).toHaveLength(count + 1);
  });

  it('mutes a conversation over IPC: no notifications, left out of the badge', async () => {
    window().focused = false;
    const result = await invoke('notifications.setMuted', group.id, true);
    expect(result).toEqual({ ok: true, value: { doNotDisturb: false, mutedConversationIds: [group.id] } });
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(2);
    const count = fake.notifications.length;
    emitClientEvent({
      type: 'message',
      message: message({ conversationId: group.id }),
      conversation: group,
      fromCatchUp: false,
    });
    expect(fake.notifications).toHaveLength(count);
  });

  it('toggles do-not-disturb from the tray menu', async () => {
    const menu = fake.trays[0]!.menu as { label?: string; click?: (item: { checked: boolean }) => void }[];
    menu.find((item) => item.label === 'Do not disturb')!.click!({ checked: true });
    await expect(invoke('notifications.get')).resolves.toEqual({
      ok: true,
      value: { doNotDisturb: true, mutedConversationIds: [group.id] },
    });
    expect(fake.trays[0]!.tooltip).toContain('do not disturb');
    const count = fake.notifications.length;
    emitClientEvent({ type: 'message', message: message(), conversation: direct, fromCatchUp: false });
    emitClientEvent({
      type: 'call:incoming',
      call: { callId: 'k9', conversationId: direct.id, from: bob, media: 'audio' },
    });
    expect(fake.notifications).toHaveLength(count);
  });

  it('remembers the server of a successful sign-in for the next start', async () => {
    await expect(
      invoke('auth.signIn', {
        serverUrl: 'https://chat.example.org',
        username: 'alice',
        password: 'secret-pass',
      }),
    ).resolves.toEqual({ ok: true, value: undefined });
    await expect(
      invoke('auth.signIn', { serverUrl: 'ftp://nope', username: 'alice', password: 'x' }),
    ).resolves.toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
  });

  it('clears notifications still on screen when the session ends', async () => {
    // The first notification was clicked (and so released); the group one is still up.
    const onScreen = fake.notifications.at(-1) as unknown as { close: ReturnType<typeof vi.fn> };
    expect(onScreen.close).not.toHaveBeenCalled();
    setState({ ...signedInState([]), session: { status: 'signed-out', serverUrl: null, error: null } });
    await vi.advanceTimersByTimeAsync(50);
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(0);
    expect(onScreen.close).toHaveBeenCalled();
  });
});
