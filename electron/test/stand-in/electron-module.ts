/**
 * The fake `electron` module one launch of the main bundle imports (through electron-shim.mjs).
 * Only what Parley's main process and electron-store use; anything else is `undefined`, so a
 * new use of the API fails loudly here instead of passing silently.
 */
import { EventEmitter } from 'node:events';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { encodePng } from '../../main/icon-image.js';
import { StandInBrowserWindow, type WindowOptions } from './browser-window.js';
import type { Launch } from './launch.js';
import {
  PendingDialog,
  StandInMenu,
  StandInNotification,
  StandInTray,
  nativeImage,
  type MenuItemOptions,
  type MessageBoxOptions,
  type NotificationOptions,
  type StandInImage,
} from './recorders.js';

export interface ModuleOptions {
  isPackaged: boolean;
  version: string;
  /** What `safeStorage.getSelectedStorageBackend()` says (Linux); 'basic_text' means no keyring. */
  storageBackend: string;
  encryptionAvailable: boolean;
  /** Asked by `app.requestSingleInstanceLock()` with the userData path. */
  acquireLock(userData: string): boolean;
}

/** The module as the shim reads it: named exports by name (its shape is Electron's, not typed here). */
export type ElectronModule = Record<string, unknown>;

export function createElectronModule(launch: Launch, options: ModuleOptions): ElectronModule {
  const { app: events, paths } = launch;

  const app = Object.assign(events, {
    isPackaged: options.isPackaged,
    name: 'Parley',
    commandLine: { appendSwitch() {}, hasSwitch: () => false },
    getName: () => 'Parley',
    getVersion: () => options.version,
    // The specs read English labels: the system is English unless the app is told otherwise.
    getPreferredSystemLanguages: () => ['en-US'],
    getPath(name: string): string {
      const path = paths.get(name);
      if (!path) throw new Error(`Failed to get '${name}' path`);
      return path;
    },
    setPath(name: string, path: string): void {
      paths.set(name, path);
      if (name === 'userData') paths.set('sessionData', path);
    },
    requestSingleInstanceLock: () => options.acquireLock(app.getPath('userData')),
    enableSandbox(): void {
      launch.sandboxEnabled = true;
    },
    setAppUserModelId(): void {},
    setAppLogsPath(path?: string): void {
      paths.set('logs', path ?? join(app.getPath('userData'), 'logs'));
    },
    setAsDefaultProtocolClient(scheme: string): boolean {
      launch.protocolClients.push(scheme);
      return true;
    },
    setLoginItemSettings(settings: Record<string, unknown>): void {
      launch.loginItemSettings.push({ ...settings });
    },
    getLoginItemSettings: () => ({ openAtLogin: launch.loginItemSettings.at(-1)?.openAtLogin === true }),
    isReady: () => true,
    whenReady: () => Promise.resolve(),
    quit(): void {
      void launch.quit();
    },
    exit(code = 0): void {
      void launch.terminate(code);
    },
    setBadgeCount(count = 0): boolean {
      launch.badgeCounts.push(count);
      return true;
    },
    getBadgeCount: () => launch.badgeCounts.at(-1) ?? 0,
    focus(): void {},
  });

  // `net.request` on node:http(s): the same ClientRequest events electron-updater listens to
  // (response, error); Electron's `redirect` event never fires, electron-updater then follows
  // 3xx from the response. Only what the updater uses.
  const net = {
    request(requestOptions: RequestOptions & { session?: unknown; url?: string }) {
      const { session: _session, ...rest } = requestOptions;
      const url = `${rest.protocol ?? 'http:'}//${rest.hostname ?? rest.host}${rest.port ? `:${rest.port}` : ''}${rest.path ?? '/'}`;
      launch.netRequests.push(url);
      return (rest.protocol === 'https:' ? httpsRequest : httpRequest)(rest);
    },
  };
  const autoUpdater = Object.assign(new EventEmitter(), {
    emit(event: string, ...args: unknown[]): boolean {
      launch.autoUpdaterEvents.push(event);
      return EventEmitter.prototype.emit.call(autoUpdater, event, ...args);
    },
  });

  const ipcMain = Object.assign(new EventEmitter(), {
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
      if (launch.ipcHandlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      launch.ipcHandlers.set(channel, handler);
    },
    removeHandler(channel: string): void {
      launch.ipcHandlers.delete(channel);
    },
  });

  const protocolApi = {
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
      const privileges = launch.privilegedSchemes.get(scheme);
      // Only standard, secure schemes have an origin; only those map onto an https origin.
      if (!privileges?.standard || !privileges.secure)
        throw new Error(`stand-in: ${scheme}:// must be registered as a privileged standard, secure scheme`);
      launch.schemes.add(scheme);
      launch.protocolHandlers.set(scheme, handler);
    },
    unhandle(scheme: string): void {
      launch.protocolHandlers.delete(scheme);
    },
    isProtocolHandled: (scheme: string) => launch.protocolHandlers.has(scheme),
  };

  const defaultSession = Object.assign(new EventEmitter(), {
    protocol: protocolApi,
    setPermissionRequestHandler(handler: unknown): void {
      launch.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: unknown): void {
      launch.permissionCheckHandler = handler;
    },
    setDisplayMediaRequestHandler(handler: Launch['displayMediaHandler']): void {
      // `useSystemPicker` only exists on macOS 15+; on Linux the handler always runs.
      launch.displayMediaHandler = handler;
    },
    setSpellCheckerLanguages(languages: string[]): void {
      const unknown = languages.filter((tag) => !launch.availableSpellCheckerLanguages.includes(tag));
      if (unknown.length > 0)
        throw new Error(`stand-in: no spell-checker dictionary for ${unknown.join(', ')}`);
      launch.spellCheckerLanguages = [...languages];
    },
    get availableSpellCheckerLanguages() {
      return [...launch.availableSpellCheckerLanguages];
    },
    addWordToSpellCheckerDictionary(word: string): boolean {
      launch.dictionary.push(word);
      return true;
    },
  });
  launch.defaultSession = defaultSession;

  class BrowserWindow extends StandInBrowserWindow {
    constructor(windowOptions: WindowOptions = {}) {
      super(windowOptions, launch);
    }
    static getAllWindows = () => launch.windows.filter((window) => !window.isDestroyed());
  }

  class Notification extends StandInNotification {
    static isSupported = () => true;
    constructor(notificationOptions: NotificationOptions = {}) {
      super(notificationOptions);
      launch.notifications.push(this);
    }
  }

  class Tray extends StandInTray {
    constructor(image: StandInImage) {
      super(image);
      launch.trays.push(this);
    }
  }

  class PopupMenu extends StandInMenu {
    popup(): void {
      launch.popups.push(this);
    }
  }
  const Menu = {
    buildFromTemplate: (template: readonly MenuItemOptions[]) => new PopupMenu(template),
    setApplicationMenu(menu: StandInMenu | null): void {
      launch.applicationMenu = menu;
    },
  };

  const showMessageBox = (first: unknown, second?: MessageBoxOptions) => {
    const [parent, messageBoxOptions] =
      second === undefined ? [null, first as MessageBoxOptions] : [first, second];
    const dialog = new PendingDialog(messageBoxOptions, parent);
    launch.dialogShown(dialog);
    return dialog.result;
  };

  const safeStorage = {
    isEncryptionAvailable: () => options.encryptionAvailable,
    getSelectedStorageBackend: () => options.storageBackend,
    encryptString(plainText: string): Buffer {
      if (!options.encryptionAvailable) throw new Error('Encryption is not available.');
      return launch.cipher.encrypt(plainText);
    },
    decryptString: (encrypted: Buffer) => launch.cipher.decrypt(encrypted),
  };

  return {
    app,
    BrowserWindow,
    Menu,
    Notification,
    Tray,
    ipcMain,
    nativeImage,
    safeStorage,
    session: {
      defaultSession,
      // The updater's partition: requests only, nothing of the default session's handlers.
      fromPartition: (partition: string) => ({ partition }),
    },
    net,
    autoUpdater,
    protocol: {
      ...protocolApi,
      registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
        for (const { scheme, privileges } of schemes) launch.privilegedSchemes.set(scheme, privileges ?? {});
      },
    },
    dialog: {
      showMessageBox,
      async showOpenDialog() {
        const answer = launch.openDialogAnswers.shift();
        return { canceled: answer === undefined, filePaths: answer ?? [] };
      },
      showErrorBox(title: string, content: string): void {
        launch.dialogShown(new PendingDialog({ type: 'error', title, message: content }, null));
      },
    },
    powerMonitor: launch.powerMonitor,
    powerSaveBlocker: {
      start(type: string): number {
        const id = launch.powerSaveHistory.length + 1;
        launch.powerSaveBlockers.set(id, type);
        launch.powerSaveHistory.push(`start ${type}`);
        return id;
      },
      stop(id: number): boolean {
        const type = launch.powerSaveBlockers.get(id);
        if (type === undefined) return false;
        launch.powerSaveBlockers.delete(id);
        launch.powerSaveHistory.push(`stop ${type}`);
        return true;
      },
      isStarted: (id: number) => launch.powerSaveBlockers.has(id),
    },
    clipboard: {
      writeText(text: string): void {
        launch.clipboard = { text, image: null };
      },
      readText: () => launch.clipboard.text,
    },
    screen: {
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 }],
    },
    shell: {
      async openExternal(url: string): Promise<void> {
        launch.openedExternally.push(url);
      },
      async openPath(path: string): Promise<string> {
        launch.openedExternally.push(path);
        return '';
      },
    },
    desktopCapturer: {
      // Thumbnails are real PNGs of the requested size (one plain colour per source), as
      // Electron renders them; a zero size gives empty images, as Electron's does.
      async getSources(request: { types: string[]; thumbnailSize?: { width: number; height: number } }) {
        const size = request.thumbnailSize ?? { width: 150, height: 150 };
        launch.desktopCapturerCalls.push({ types: [...request.types], thumbnailSize: { ...size } });
        return launch.screenSources
          .filter((source) => request.types.includes(source.id.startsWith('screen:') ? 'screen' : 'window'))
          .map(({ color, ...source }, index) => ({
            ...source,
            display_id: source.id.startsWith('screen:') ? '1' : '',
            thumbnail:
              size.width > 0 && size.height > 0
                ? nativeImage.createFromBuffer(
                    solidPng(size.width, size.height, color ?? SOURCE_COLORS[index % SOURCE_COLORS.length]!),
                  )
                : nativeImage.createEmpty(),
            appIcon: null,
          }));
      },
    },
  };
}

const SOURCE_COLORS: [number, number, number][] = [
  [40, 90, 200],
  [200, 80, 40],
  [40, 160, 90],
];

function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
  return encodePng(width, height, rgba);
}

/** Default paths of a launch: userData under a per-launch appData, like Electron's layout. */
export function defaultPaths(root: string): [string, string][] {
  const appData = join(root, 'appData');
  return [
    ['home', join(root, 'home')],
    ['appData', appData],
    ['userData', join(appData, 'parley')],
    ['sessionData', join(appData, 'parley')],
    ['temp', join(root, 'tmp')],
    ['logs', join(appData, 'parley', 'logs')],
    ['exe', join(dirname(root), 'parley')],
  ];
}
