// What `import … from 'electron'` gives a launched main bundle: the fake Electron module of
// that launch (electron/test/stand-in/runtime.ts), picked by the `launch` URL parameter that
// loader-hooks.mjs adds.
const launch = new URL(import.meta.url).searchParams.get('launch');
const registry = globalThis[Symbol.for('parley.electron-stand-in')];
const electron = registry?.moduleFor(launch);
if (!electron)
  throw new Error(`electron stand-in: no launch ${launch} (import the main bundle through launchDesktopApp)`);

export const app = electron.app;
export const autoUpdater = electron.autoUpdater;
export const BrowserWindow = electron.BrowserWindow;
export const Menu = electron.Menu;
export const Notification = electron.Notification;
export const Tray = electron.Tray;
export const clipboard = electron.clipboard;
export const desktopCapturer = electron.desktopCapturer;
export const dialog = electron.dialog;
export const ipcMain = electron.ipcMain;
export const nativeImage = electron.nativeImage;
export const net = electron.net;
export const powerMonitor = electron.powerMonitor;
export const powerSaveBlocker = electron.powerSaveBlocker;
export const protocol = electron.protocol;
export const safeStorage = electron.safeStorage;
export const screen = electron.screen;
export const session = electron.session;
export const shell = electron.shell;
export default electron;
