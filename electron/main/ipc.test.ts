import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { HOST_METHOD_PATHS, INVOKE_CHANNELS } from '../common/ipc.js';

// ipcMain is the only Electron API ipc.ts uses: keep the registered handlers so the test can
// invoke them the way Electron would, with a sender frame of its choosing.
const handlers = vi.hoisted(
  () => new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
);
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { ForbiddenSenderError, handleValidated, registerHostHandlers, removeHostHandlers } =
  await import('./ipc.js');
const { rendererSource, isAppUrl } = await import('./security.js');

const source = rendererSource(undefined);
const appFrame = { url: 'app://parley/index.html', parent: null };
const logger = { warn: vi.fn(), error: vi.fn() };
const options = { isTrustedUrl: (url: string) => isAppUrl(url, source), logger };

function invoke(channel: string, frame: unknown, ...args: unknown[]) {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler({ senderFrame: frame }, ...args);
}

afterEach(() => {
  handlers.clear();
  vi.clearAllMocks();
});

describe('handleValidated', () => {
  const schema = z.tuple([z.string().min(1), z.number().int()]);

  it('passes parsed arguments from the app page to the handler', async () => {
    const handler = vi.fn((args: [string, number]) => `${args[0]}:${args[1]}`);
    handleValidated('test:echo', schema, handler, options);
    await expect(invoke('test:echo', appFrame, 'a', 1)).resolves.toBe('a:1');
    expect(handler).toHaveBeenCalledOnce();
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a file:// page', { url: 'file:///work/main/out/renderer/index.html', parent: null }],
    ['an iframe inside the app', { url: 'app://parley/index.html', parent: appFrame }],
    ['a lookalike host', { url: 'app://parley.evil/index.html', parent: null }],
    ['a destroyed frame', null],
  ])('rejects a call from %s without running the handler', async (_name, frame) => {
    const handler = vi.fn();
    handleValidated('test:echo', schema, handler, options);
    await expect(invoke('test:echo', frame, 'a', 1)).rejects.toBeInstanceOf(ForbiddenSenderError);
    expect(handler).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'ipc: rejected a call from an untrusted sender',
      expect.anything(),
    );
  });

  it('rejects bad payloads without running the handler', async () => {
    const handler = vi.fn();
    handleValidated('test:echo', schema, handler, options);
    await expect(invoke('test:echo', appFrame, '', 1)).rejects.toThrow(/Invalid arguments for test:echo/);
    await expect(invoke('test:echo', appFrame, 'a', 1.5)).rejects.toThrow(/Invalid arguments/);
    await expect(invoke('test:echo', appFrame, 'a', 1, 'extra')).rejects.toThrow(/Invalid arguments/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers bad payloads with onInvalid when given', async () => {
    handleValidated('test:echo', schema, vi.fn(), {
      ...options,
      onInvalid: (message) => ({ invalid: message }),
    });
    await expect(invoke('test:echo', appFrame, 'a')).resolves.toEqual({ invalid: expect.any(String) });
  });

  it('trusts the dev server origin in development, and only it', async () => {
    const dev = rendererSource('http://localhost:5173/');
    handleValidated('test:echo', schema, () => 'ok', {
      ...options,
      isTrustedUrl: (url) => isAppUrl(url, dev),
    });
    await expect(
      invoke('test:echo', { url: 'http://localhost:5173/#/chat', parent: null }, 'a', 1),
    ).resolves.toBe('ok');
    await expect(
      invoke('test:echo', { url: 'http://localhost:5174/', parent: null }, 'a', 1),
    ).rejects.toThrow();
    await expect(invoke('test:echo', appFrame, 'a', 1)).rejects.toThrow();
  });
});

describe('registerHostHandlers', () => {
  /** An implementation whose every method records its arguments and succeeds. */
  function recordingImpl() {
    const calls: { path: string; args: unknown[] }[] = [];
    const impl = Object.fromEntries(
      HOST_METHOD_PATHS.map((path) => [
        path,
        async (...args: unknown[]) => {
          calls.push({ path, args });
          if (path === 'getState') return { state: true };
          if (path === 'auth.defaultServerUrl') return 'http://127.0.0.1:8080';
          if (path === 'messages.send') throw new Error('disk on fire');
          return { ok: true, value: undefined };
        },
      ]),
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a generic recorder for every method signature
    return { impl: impl as any, calls };
  }

  it('registers exactly one handler per host method, on the shared channel names', () => {
    registerHostHandlers(recordingImpl().impl, options);
    expect([...handlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());
    removeHostHandlers();
    expect(handlers.size).toBe(0);
  });

  it('forwards valid calls with parsed (normalised) arguments', async () => {
    const { impl, calls } = recordingImpl();
    registerHostHandlers(impl, options);
    await expect(
      invoke(INVOKE_CHANNELS['auth.signIn'], appFrame, {
        serverUrl: ' http://127.0.0.1:8080 ',
        username: ' Alice ',
        password: 'correct horse',
      }),
    ).resolves.toEqual({ ok: true, value: undefined });
    expect(calls).toEqual([
      {
        path: 'auth.signIn',
        args: [{ serverUrl: 'http://127.0.0.1:8080', username: 'alice', password: 'correct horse' }],
      },
    ]);
    // Unknown fields are dropped, never passed on.
    await invoke(INVOKE_CHANNELS['auth.signIn'], appFrame, {
      serverUrl: 'http://h',
      username: 'bob',
      password: 'p',
      admin: true,
    });
    expect(calls.at(-1)?.args).toEqual([{ serverUrl: 'http://h', username: 'bob', password: 'p' }]);
    calls.length = 1;
    await invoke(INVOKE_CHANNELS['search.messages'], appFrame, ' budget ', {
      conversationId: 'c1',
      limit: 5,
    });
    await invoke(INVOKE_CHANNELS['search.messages'], appFrame, 'budget');
    expect(calls.splice(1).map((call) => call.args)).toEqual([
      ['budget', { conversationId: 'c1', limit: 5 }],
      ['budget'],
    ]);
    await invoke(INVOKE_CHANNELS['conversations.open'], appFrame, null);
    await invoke(INVOKE_CHANNELS['calls.sendSignal'], appFrame, 'call-1', { type: 'offer', sdp: 'v=0' });
    await invoke(INVOKE_CHANNELS['auth.signUp'], appFrame, {
      serverUrl: 'https://chat.example',
      username: 'bob',
      password: 'long enough',
      displayName: '',
    });
    const bytes = new Uint8Array([137, 80, 78, 71]);
    await invoke(INVOKE_CHANNELS['groups.setAvatar'], appFrame, 'c1', {
      name: 'g.png',
      type: 'image/png',
      bytes,
    });
    await invoke(INVOKE_CHANNELS['invites.create'], appFrame, { maxUses: 3 });
    expect(calls.slice(-2).map((call) => call.args)).toEqual([
      ['c1', { name: 'g.png', type: 'image/png', bytes }],
      [{ maxUses: 3 }],
    ]);
    calls.length = 4;
    expect(calls.slice(1).map((call) => call.args)).toEqual([
      [null],
      ['call-1', { type: 'offer', sdp: 'v=0' }],
      [
        {
          serverUrl: 'https://chat.example',
          username: 'bob',
          password: 'long enough',
          displayName: undefined,
        },
      ],
    ]);
  });

  it.each([
    ['auth.signIn', [{ serverUrl: 'javascript:alert(1)', username: 'alice', password: 'x' }]],
    ['auth.signIn', [{ serverUrl: 'http://a:b@host', username: 'alice', password: 'x' }]],
    ['auth.signUp', [{ serverUrl: 'http://host', username: 'a', password: 'long enough' }]],
    ['messages.send', ['c1', '   ']],
    ['messages.send', ['c1', '', {}]],
    ['messages.send', ['c1', '', { attachmentIds: [] }]],
    ['messages.send', ['c1', 'hi', { attachmentIds: ['a', 'a'] }]],
    ['messages.send', ['c1', 'hi', { replyToId: 'm1' }, 'extra']],
    ['messages.send', ['c1', 'hi', 'not options']],
    ['conversations.loadAround', ['c1', 0]],
    ['attachments.upload', ['up1', { name: 'a.bin', type: '', bytes: 'not bytes' }]],
    ['attachments.upload', ['', { name: 'a.bin', type: '', bytes: new ArrayBuffer(1) }]],
    ['attachments.read', ['a1', 'original']],
    ['messages.send', ['c1', 'x'.repeat(4001)]],
    ['messages.send', [{ conversationId: 'c1' }, 'hi']],
    ['conversations.markRead', ['c1', -1]],
    ['calls.initiate', ['c1', 'hologram']],
    ['calls.sendSignal', ['k1', { sdp: 'x'.repeat(70_000) }]],
    ['calls.sendSignal', ['k1', 'not an object']],
    ['notifications.setDoNotDisturb', ['yes']],
    ['connection.retryNow', ['unexpected']],
    ['search.messages', ['a']],
    ['search.messages', ['x'.repeat(201)]],
    ['search.messages', ['budget', { limit: 0 }]],
    ['search.messages', ['budget', { limit: 51 }]],
    ['search.messages', ['budget', { limit: '5' }]],
    ['search.messages', ['budget', { conversationId: '' }]],
    ['search.messages', ['budget', { conversationId: 'c1', admin: true }]],
    ['search.messages', ['budget', 'c1']],
    ['search.messages', ['budget', {}, 'extra']],
    ['auth.serverInfo', ['javascript:alert(1)']],
    ['account.setAvatar', [{ name: 'x.png', type: 'text/html', bytes: new Uint8Array([1]) }]],
    ['account.setAvatar', [{ name: 'x.png', type: 'image/png', bytes: 'not bytes' }]],
    ['account.updateProfile', [{ displayName: '' }]],
    ['groups.setRole', ['c1', 'u1', 'owner']],
    ['groups.addMembers', ['c1', []]],
    ['invites.create', [{ maxUses: 0 }]],
    ['invites.revoke', ['../../etc']],
    ['admin.resetPassword', ['u1', 'short']],
    ['admin.setRole', ['u1', 'root']],
    ['account.avatar', [{ kind: 'file', id: 'x' }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: ['reply', 'reply'], reactions: [] }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: ['forward'], reactions: [] }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: [], reactions: [], x: 1 }]],
    ['desktop.setContextMessage', [{ messageId: '', actions: [], reactions: [] }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: [], reactions: [{ emoji: '', mine: true }] }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: ['copy'], reactions: [] }]],
    ['desktop.setContextMessage', [{ messageId: 'm1', actions: [], reactions: [], text: 'x' }]],
    ['desktop.chooseScreenShare', ['../x', 'screen:0:0']],
    ['desktop.chooseScreenShare', ['pick-1']],
    ['desktop.chooseScreenShare', ['pick-1', '']],
  ] as const)(
    'answers %s with invalid arguments %j by invalid_input, without calling the client',
    async (path, args) => {
      const { impl, calls } = recordingImpl();
      registerHostHandlers(impl, options);
      const result = await invoke(INVOKE_CHANNELS[path], appFrame, ...args);
      expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
      expect(calls).toEqual([]);
    },
  );

  it('forwards messages.send with or without its trailing options, and loadAround', async () => {
    const { impl, calls } = recordingImpl();
    registerHostHandlers(impl, options);
    const send = INVOKE_CHANNELS['messages.send'];
    await invoke(send, appFrame, 'c1', ' hi ');
    await invoke(send, appFrame, 'c1', 're', { replyToId: 'm1', unknown: true });
    await invoke(send, appFrame, 'c1', 'x', undefined);
    // Files and no text: the body may be empty then.
    await invoke(send, appFrame, 'c1', '', { attachmentIds: ['a1', 'a2'] });
    await invoke(INVOKE_CHANNELS['conversations.loadAround'], appFrame, 'c1', 7);
    const bytes = new ArrayBuffer(3);
    await invoke(INVOKE_CHANNELS['attachments.upload'], appFrame, 'up1', {
      name: 'a.png',
      type: 'image/png',
      bytes,
    });
    await invoke(INVOKE_CHANNELS['attachments.read'], appFrame, 'a1', 'full');
    expect(calls).toEqual([
      { path: 'messages.send', args: ['c1', 'hi'] },
      { path: 'messages.send', args: ['c1', 're', { replyToId: 'm1' }] },
      { path: 'messages.send', args: ['c1', 'x', undefined] },
      { path: 'messages.send', args: ['c1', '', { attachmentIds: ['a1', 'a2'] }] },
      { path: 'conversations.loadAround', args: ['c1', 7] },
      { path: 'attachments.upload', args: ['up1', { name: 'a.png', type: 'image/png', bytes }] },
      { path: 'attachments.read', args: ['a1', 'full'] },
    ]);
  });

  it('refuses a picture over 10 MB before it reaches the client', async () => {
    const { impl, calls } = recordingImpl();
    registerHostHandlers(impl, options);
    const bytes = new Uint8Array(10 * 1024 * 1024 + 1);
    const result = await invoke(INVOKE_CHANNELS['account.setAvatar'], appFrame, {
      name: 'big.png',
      type: 'image/png',
      bytes,
    });
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(calls).toEqual([]);
  });

  it('rejects plain-value methods on bad input and bad senders alike', async () => {
    const { impl, calls } = recordingImpl();
    registerHostHandlers(impl, options);
    await expect(invoke(INVOKE_CHANNELS.getState, appFrame)).resolves.toEqual({ state: true });
    await expect(invoke(INVOKE_CHANNELS.getState, appFrame, 'extra')).rejects.toThrow(/Invalid arguments/);
    await expect(
      invoke(INVOKE_CHANNELS['messages.send'], { url: 'https://evil.example/', parent: null }, 'c1', 'hi'),
    ).rejects.toBeInstanceOf(ForbiddenSenderError);
    expect(calls.map((call) => call.path)).toEqual(['getState']);
  });

  it('turns an exception in a host method into a safe internal error and logs it', async () => {
    registerHostHandlers(recordingImpl().impl, options);
    await expect(invoke(INVOKE_CHANNELS['messages.send'], appFrame, 'c1', 'hi')).resolves.toEqual({
      ok: false,
      error: 'Something went wrong in the app.',
      code: 'internal',
    });
    expect(logger.error).toHaveBeenCalledWith('ipc: host method failed', {
      channel: 'parley:messages.send',
      error: 'Error: disk on fire',
    });
  });
});
