/**
 * A recording stand-in for the Electron API, for tests that load the main process with
 * `vi.mock('electron', …)` (the binary is not available everywhere). Each test file gets its
 * own copy (vitest isolates files), so the recorded state is per file.
 *
 *   vi.mock('electron', async () => (await import('../test/fake-electron.js')).electronModule);
 *   vi.mock('electron-store', async () => ({ default: (await import('../test/fake-electron.js')).FakeStore }));
 */
import { vi } from 'vitest';

export type Listener = (...args: unknown[]) => unknown;
export const emitter = () => {
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    on: vi.fn((event: string, listener: Listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    }),
    once: vi.fn((event: string, listener: Listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    }),
    emit: (event: string, ...args: unknown[]) =>
      (listeners.get(event) ?? []).map((listener) => listener(...args)),
  };
};
export const fake = {
  app: { ...emitter(), setBadgeCount: vi.fn(), quit: vi.fn(), exit: vi.fn(), setPath: vi.fn() },
  windows: [] as { options: Record<string, unknown>; focused: boolean; [key: string]: unknown }[],
  notifications: [] as {
    options: Record<string, unknown>;
    emit: (event: string) => void;
    show: () => void;
  }[],
  trays: [] as { menu: unknown; tooltip: string; image: unknown }[],
  ipcHandlers: new Map<string, Listener>(),
  session: {
    ...emitter(),
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    protocolHandler: null as Listener | null,
  },
  dialog: vi.fn(async () => ({ response: 0 })),
  stores: [] as { options: { name: string }; data: Map<string, unknown> }[],
  openExternal: vi.fn(async () => {}),
  emitter,
};

class BrowserWindow {
  options: Record<string, unknown>;
  focused = false;
  visible = true;
  events = fake.emitter();
  webContents = { send: vi.fn(), setZoomLevel: vi.fn(), ...fake.emitter() };
  on = this.events.on;
  once = this.events.once;
  loadURL = vi.fn(async () => {});
  isDestroyed = () => false;
  isMinimized = () => false;
  isVisible = () => this.visible;
  isFocused = () => this.focused;
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 10, y: 10, width: 900, height: 700 });
  show = vi.fn(() => {
    this.visible = true;
  });
  focus = vi.fn(() => {
    this.focused = true;
  });
  restore = vi.fn();
  hide = vi.fn();
  maximize = vi.fn();
  flashFrame = vi.fn();
  constructor(options: Record<string, unknown>) {
    this.options = options;
    fake.windows.push(this as unknown as (typeof fake.windows)[number]);
  }
}
class Notification {
  static isSupported = () => true;
  events = fake.emitter();
  on = this.events.on;
  show = vi.fn();
  close = vi.fn();
  emit = (event: string) => this.events.emit(event);
  constructor(public options: Record<string, unknown>) {
    fake.notifications.push(this);
  }
}
class Tray {
  menu: unknown = null;
  tooltip = '';
  image: unknown = null;
  on = vi.fn();
  setImage = (image: unknown) => {
    this.image = image;
  };
  setToolTip = (tooltip: string) => {
    this.tooltip = tooltip;
  };
  setContextMenu = (menu: unknown) => {
    this.menu = menu;
  };
  destroy = vi.fn();
  constructor() {
    fake.trays.push(this);
  }
}
/** What `import … from 'electron'` gives the code under test. */
export const electronModule = {
  app: {
    isPackaged: false,
    on: fake.app.on,
    setPath: fake.app.setPath,
    requestSingleInstanceLock: () => true,
    enableSandbox: vi.fn(),
    setAppUserModelId: vi.fn(),
    whenReady: () => Promise.resolve(),
    quit: fake.app.quit,
    exit: fake.app.exit,
    setBadgeCount: fake.app.setBadgeCount,
    setAppLogsPath: vi.fn(),
    setAsDefaultProtocolClient: vi.fn(() => true),
    setLoginItemSettings: vi.fn(),
    getPath: (name: string) => `/tmp/parley-fake-electron/${name}`,
    getVersion: () => '0.0.0-test',
    getPreferredSystemLanguages: () => ['en-US'],
  },
  BrowserWindow,
  Notification,
  Tray,
  Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: (template: unknown) => template },
  nativeImage: {
    createFromBuffer: (buffer: Buffer, options?: unknown) => ({ png: buffer.length, options }),
  },
  dialog: { showMessageBox: fake.dialog },
  powerMonitor: { on: vi.fn() },
  powerSaveBlocker: { start: vi.fn(() => 1), stop: vi.fn() },
  clipboard: { writeText: vi.fn() },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'basic_text',
    // Not encryption, but not plain text either: tests can tell the two apart on "disk".
    encryptString: (text: string) =>
      Buffer.concat([Buffer.from('enc:'), Buffer.from(text).map((byte) => byte ^ 0x5a)]),
    decryptString: (buffer: Buffer) => {
      if (buffer.subarray(0, 4).toString() !== 'enc:') throw new Error('not encrypted by this fake');
      return Buffer.from(buffer.subarray(4).map((byte) => byte ^ 0x5a)).toString();
    },
  },
  // The updater's (unpackaged here: never used unless a test sets a feed).
  net: { request: vi.fn() },
  session: {
    fromPartition: vi.fn(() => ({})),
    defaultSession: {
      on: fake.session.on,
      setPermissionRequestHandler: (handler: (...args: unknown[]) => unknown) => {
        fake.session.permissionRequest = handler;
      },
      setPermissionCheckHandler: (handler: (...args: unknown[]) => unknown) => {
        fake.session.permissionCheck = handler;
      },
      setDisplayMediaRequestHandler: vi.fn(),
      setSpellCheckerLanguages: vi.fn(),
      availableSpellCheckerLanguages: ['en-US'],
      protocol: {
        handle: (_scheme: string, handler: (...args: unknown[]) => unknown) => {
          fake.session.protocolHandler = handler;
        },
      },
    },
  },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  shell: { openExternal: fake.openExternal, openPath: vi.fn(async () => '') },
  protocol: { registerSchemesAsPrivileged: vi.fn() },
  desktopCapturer: { getSources: vi.fn(async () => []) },
  ipcMain: {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) =>
      fake.ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => fake.ipcHandlers.delete(channel),
  },
};

/** electron-store, kept in a Map per instance. */
export const FakeStore = class {
  constructor(public options: { name: string }) {
    fake.stores.push(this);
  }
  data = new Map<string, unknown>();
  get = (key: string) => this.data.get(key);
  set = (key: string, value: unknown) => this.data.set(key, value);
  delete = (key: string) => this.data.delete(key);
};
