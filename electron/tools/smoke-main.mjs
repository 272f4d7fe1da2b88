// Loads the BUILT main process (out/main/index.js) in plain Node with a stub `electron`
// module, since the Electron binary is not available everywhere. It checks what unit tests of
// the TypeScript sources cannot: that the bundle resolves its imports (electron-store, the
// bundled client core and socket.io-client), finds out/preload and out/renderer from its own
// location, registers every IPC handler, serves app://parley with the CSP, and answers a real
// IPC call from the real client core; and that the preload runs as a sandboxed script.
// Electron itself is not exercised.
//
//   npx electron-vite build && npm run build:web && node electron/tools/smoke-main.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mainBundle = join(root, 'out', 'main', 'index.js');
for (const file of [
  mainBundle,
  join(root, 'out', 'preload', 'index.cjs'),
  join(root, 'out', 'renderer', 'index.html'),
]) {
  if (!existsSync(file)) {
    console.error(`smoke-main: ${file} is missing (run npx electron-vite build and npm run build:web)`);
    process.exit(1);
  }
}

const userData = mkdtempSync(join(tmpdir(), 'parley-smoke-'));
const stubFile = join(userData, 'electron-stub.mjs');
writeFileSync(
  stubFile,
  `
import { EventEmitter } from 'node:events';
const calls = { ipc: new Map(), windows: [], protocol: null, badge: [], menus: 0 };
globalThis.__electronStub = calls;
class Emitter extends EventEmitter {}
export const app = Object.assign(new Emitter(), {
  isPackaged: false,
  getPath: () => ${JSON.stringify(userData)},
  getVersion: () => '0.0.0-smoke',
  setPath() {},
  requestSingleInstanceLock: () => true,
  enableSandbox() {},
  setAppUserModelId() {},
  whenReady: () => Promise.resolve(),
  quit() {},
  exit(code) { throw new Error('app.exit(' + code + ')'); },
  setBadgeCount(n) { calls.badge.push(n); return true; },
  setAppLogsPath() {},
  setAsDefaultProtocolClient(scheme) { calls.protocolClient = scheme; return true; },
  setLoginItemSettings() {},
});
calls.app = app;
export const ipcMain = Object.assign(new Emitter(), {
  handle(channel, handler) { if (calls.ipc.has(channel)) throw new Error('duplicate ' + channel); calls.ipc.set(channel, handler); },
  removeHandler(channel) { calls.ipc.delete(channel); },
});
export class BrowserWindow extends Emitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = Object.assign(new Emitter(), { sent: [], send: (c, p) => this.webContents.sent.push([c, p]), setZoomLevel() {} });
    calls.windows.push(this);
  }
  loadURL(url) { this.loadedUrl = url; return Promise.resolve(); }
  isDestroyed() { return false; } isMinimized() { return false; } isVisible() { return true; } isFocused() { return false; }
  isMaximized() { return false; } getNormalBounds() { return { x: 0, y: 0, width: 800, height: 600 }; }
  show() {} focus() {} restore() {} hide() {} maximize() {} flashFrame() {}
}
export const protocol = { registerSchemesAsPrivileged(schemes) { calls.schemes = schemes; } };
export const session = { defaultSession: Object.assign(new Emitter(), {
  setPermissionRequestHandler(h) { calls.permissionRequest = h; },
  setPermissionCheckHandler(h) { calls.permissionCheck = h; },
  setDisplayMediaRequestHandler(h) { calls.displayMedia = h; },
  setSpellCheckerLanguages() {},
  availableSpellCheckerLanguages: ['en-US'],
  protocol: { handle(scheme, handler) { calls.protocol = { scheme, handler }; } },
}) };
export const Menu = { setApplicationMenu() { calls.menus++; }, buildFromTemplate: (t) => t };
export class Tray extends Emitter { setImage() {} setToolTip(t) { calls.tooltip = t; } setContextMenu() {} destroy() {} }
export const nativeImage = { createFromBuffer: (b) => ({ size: b.length }) };
export class Notification extends Emitter { static isSupported() { return true; } show() {} close() {} }
export const dialog = { showMessageBox: async () => ({ response: 0 }) };
export const powerMonitor = new Emitter();
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
  decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const shell = { openExternal: async () => {}, openPath: async () => '' };
export const powerSaveBlocker = { start: () => 1, stop() {} };
export const clipboard = { writeText() {} };
export const desktopCapturer = { getSources: async () => [] };
export default { app, ipcMain, BrowserWindow, protocol, session, Menu, Tray, nativeImage, Notification, dialog, powerMonitor, powerSaveBlocker, clipboard, safeStorage, screen, shell, desktopCapturer };
`,
);

// Resolve the bare specifier `electron` (from the bundle and from electron-store) to the stub.
register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(stubFile).href)}, shortCircuit: true };
      return next(specifier, context);
    }`)}`,
);

delete process.env.ELECTRON_RENDERER_URL;
process.env.PARLEY_SERVER_URL = 'http://127.0.0.1:9';
try {
  await import(pathToFileURL(mainBundle).href);
  // run() continues after whenReady; let its promise chain and client.start() settle.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stub = globalThis.__electronStub;

  assert.equal(stub.schemes?.[0]?.scheme, 'app', 'app:// is registered as a privileged scheme');
  assert.equal(stub.ipc.size, 35, `every host method has an IPC handler (got ${stub.ipc.size})`);
  assert.equal(stub.protocolClient, 'parley', 'parley:// links are registered');
  assert.equal(stub.windows.length, 1, 'one window');
  const [window] = stub.windows;
  assert.equal(window.loadedUrl, 'app://parley/index.html');
  const prefs = window.options.webPreferences;
  assert.deepEqual(
    [prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webSecurity],
    [true, true, false, true],
  );
  assert.ok(existsSync(prefs.preload), `the preload path resolves to a file: ${prefs.preload}`);

  const page = await stub.protocol.handler(new Request('app://parley/index.html'));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /<div id="root">/);
  const escape = await stub.protocol.handler(new Request('app://parley/..%2f..%2fpackage.json'));
  assert.notEqual(escape.status, 200, 'no files outside out/renderer');

  const appFrame = { senderFrame: { url: 'app://parley/index.html', parent: null } };
  const state = await stub.ipc.get('parley:getState')(appFrame);
  assert.equal(state.session.status, 'signed-out', 'the real client core answers over IPC');
  assert.equal(await stub.ipc.get('parley:auth.defaultServerUrl')(appFrame), 'http://127.0.0.1:9');
  const invalid = await stub.ipc.get('parley:messages.send')(appFrame, 'c1', '');
  assert.equal(invalid.code, 'invalid_input');
  await assert.rejects(() =>
    stub.ipc.get('parley:getState')({ senderFrame: { url: 'https://evil.example/', parent: null } }),
  );
  const muted = await stub.ipc.get('parley:notifications.setMuted')(appFrame, 'c1', true);
  assert.deepEqual(muted, { ok: true, value: { doNotDisturb: false, mutedConversationIds: ['c1'] } });
  assert.ok(existsSync(join(userData, 'settings.json')), 'electron-store wrote settings.json under userData');

  // The preload, as a sandboxed renderer runs it: a plain script whose `require` knows only
  // Electron's renderer modules; no module, exports, process or Node built-ins.
  const exposed = new Map();
  const preloadRequire = (name) => {
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return {
      contextBridge: { exposeInMainWorld: (key, api) => exposed.set(key, api) },
      ipcRenderer: { invoke: async (...args) => args, on() {}, removeListener() {} },
    };
  };
  runInNewContext(
    readFileSync(prefs.preload, 'utf8'),
    { require: preloadRequire },
    { filename: prefs.preload },
  );
  assert.deepEqual([...exposed.keys()], ['parley']);
  assert.equal(exposed.get('parley').kind, 'desktop');
  assert.deepEqual(await exposed.get('parley').messages.send('c1', 'hi'), [
    'parley:messages.send',
    'c1',
    'hi',
  ]);

  stub.app.emit('before-quit');
  console.log('smoke-main: the built main process loads and wires up (with a stub Electron)');
} finally {
  rmSync(userData, { recursive: true, force: true });
}
process.exit(0);
