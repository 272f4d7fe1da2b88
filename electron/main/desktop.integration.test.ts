/**
 * The desktop main process against a real server: the real client core (socket in main), a
 * real Parley server on port 0 with a temporary SQLite file, and a second user on a real
 * socket. Only Electron is faked (it cannot run here). This is the Electron e2e story (sign
 * in, get a notification, answer) minus the window, so it runs on every machine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientState } from '@parley/shared';
import {
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from '../../server/test/harness.js';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../common/ipc.js';
import { fake } from '../test/fake-electron.js';
import { appliedStates } from '../test/fixtures.js';

vi.mock('electron', async () => (await import('../test/fake-electron.js')).electronModule);
vi.mock('electron-store', async () => ({ default: (await import('../test/fake-electron.js')).FakeStore }));

const appFrame = { senderFrame: { url: 'app://parley/index.html', parent: null } };

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let bobSocket: ClientSocket | null = null;

function invoke(path: keyof typeof INVOKE_CHANNELS, ...args: unknown[]): Promise<unknown> {
  const handler = fake.ipcHandlers.get(INVOKE_CHANNELS[path]);
  if (!handler) throw new Error(`no handler for ${path}`);
  return handler(appFrame, ...args) as Promise<unknown>;
}

function window() {
  const created = fake.windows[0];
  if (!created) throw new Error('no window');
  return created as unknown as { focused: boolean; webContents: { send: ReturnType<typeof vi.fn> } };
}

/** The states the renderer has held so far (snapshots and patches applied in order). */
function pushedStates(): ClientState[] {
  return appliedStates(
    window()
      .webContents.send.mock.calls.filter(([channel]) => channel === EVENT_CHANNELS.state)
      .map(([, update]) => update),
  );
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerUser(server.url, undefined, 'Alice');
  bob = await registerUser(server.url, undefined, 'Bob');
  process.env.PARLEY_SERVER_URL = server.url;
  await import('./index.js');
  await vi.waitFor(() => expect(fake.ipcHandlers.size).toBeGreaterThan(0));
});

afterAll(async () => {
  fake.app.emit('before-quit');
  bobSocket?.close();
  await server?.close();
  delete process.env.PARLEY_SERVER_URL;
});

describe('desktop main process with a real server', () => {
  it('offers the server it was started with', async () => {
    await expect(invoke('auth.defaultServerUrl')).resolves.toBe(server.url);
  });

  it('signs in over IPC and pushes the connected state to the renderer', async () => {
    const result = await invoke('auth.signIn', {
      serverUrl: server.url,
      username: alice.user.username,
      password: alice.password,
    });
    expect(result).toEqual({ ok: true, value: undefined });
    await vi.waitFor(
      () => {
        const last = pushedStates().at(-1);
        expect(last?.session.status).toBe('signed-in');
        expect(last?.connection.status).toBe('connected');
      },
      { timeout: 10_000 },
    );
  });

  it('shows a native notification for a message from Bob, with the unread badge', async () => {
    window().focused = false;
    const conversation = await createConversation(server.url, bob.accessToken, [alice.user.id]);
    bobSocket = await connectSocket(server.url, bob.accessToken);
    const ack = await sendMessage(bobSocket, conversation.id, 'hello desktop');
    expect(ack.ok).toBe(true);

    await vi.waitFor(
      () =>
        expect(fake.notifications.map((n) => n.options)).toContainEqual(
          expect.objectContaining({ title: 'Bob', body: 'hello desktop' }),
        ),
      { timeout: 10_000 },
    );
    await vi.waitFor(() => expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(1));

    // A click brings the window up and asks the renderer (its shell mounted, which it tells
    // main by reporting the open conversation) to open the conversation.
    await invoke('conversations.open', null);
    fake.notifications.at(-1)?.emit('click');
    expect(window().webContents.send).toHaveBeenCalledWith(EVENT_CHANNELS.navigate, {
      conversationId: conversation.id,
    });

    // Alice answers from the desktop; Bob receives it over his socket.
    const received = nextEvent(
      bobSocket,
      'message:new',
      ({ message }) => message.body === 'hi from the desktop',
    );
    const sent = await invoke('messages.send', conversation.id, 'hi from the desktop');
    expect(sent).toMatchObject({ ok: true });
    await expect(received).resolves.toMatchObject({
      message: { conversationId: conversation.id, senderId: alice.user.id },
    });
  });

  it('stores the session only encrypted, and signs out over IPC', async () => {
    const session = fake.stores.find((store) => store.options.name === 'session');
    const values = [...(session?.data.values() ?? [])];
    expect(values.length).toBeGreaterThan(0);
    // The fake safeStorage marks and scrambles what it encrypts: nothing on "disk" is plain.
    for (const value of values) {
      const onDisk = Buffer.from(String(value), 'base64').toString('latin1');
      expect(onDisk.startsWith('enc:')).toBe(true);
      expect(onDisk).not.toContain(alice.user.username);
      expect(onDisk).not.toContain('refresh');
    }
    await expect(invoke('auth.signOut')).resolves.toMatchObject({ ok: true });
    await vi.waitFor(() => expect(pushedStates().at(-1)?.session.status).toBe('signed-out'));
    await vi.waitFor(() => expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(0));
  });
});
