/**
 * The one app window, created with Electron's security checklist applied, and the session-
 * and web-contents-wide guards (permissions, navigation, new windows, webviews).
 */
import { BrowserWindow, app, nativeImage, screen, shell, type Session } from 'electron';
import { downloadPath, isAppDownload } from './downloads.js';
import { iconPng } from './icon-image.js';
import {
  decideNavigation,
  decideWindowOpen,
  isAppUrl,
  isPermissionAllowed,
  type RendererSource,
} from './security.js';
import type { Settings } from './stores.js';
import { MIN_SIZE, restoreBounds } from './window-bounds.js';

/**
 * Permissions: only the app's own page, only what a messenger with calls needs. Downloads:
 * only the page's own object URLs (saved attachments), into `downloadFolder()`.
 */
export function installSessionGuards(
  session: Session,
  source: RendererSource,
  downloadFolder: () => string = () => app.getPath('downloads'),
): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? webContents.getURL(), source));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, source),
  );
  // Saving an attachment is the app's only download; refuse anything else a page might trigger.
  session.on('will-download', (event, item) => {
    if (!isAppDownload(item.getURL(), source)) {
      event.preventDefault();
      return;
    }
    item.setSavePath(downloadPath(downloadFolder(), item.getFilename()));
  });
}

/** Every web contents (the window, and any the app might create later) stays inside the app. */
export function installWebContentsGuards(source: RendererSource): void {
  app.on('web-contents-created', (_event, contents) => {
    const guardNavigation = (event: Electron.Event, url: string) => {
      const decision = decideNavigation(url, source);
      if (decision.allow) return;
      event.preventDefault();
      // decideNavigation hands out only parsed http(s) URLs (security.test.ts).
      if (decision.openExternally) void shell.openExternal(decision.openExternally); // eng-disable OPEN_EXTERNAL_JS_CHECK: http(s) only
    };
    contents.on('will-navigate', guardNavigation);
    contents.on('will-redirect', guardNavigation);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const { openExternally } = decideWindowOpen(url);
      if (openExternally) void shell.openExternal(openExternally); // eng-disable OPEN_EXTERNAL_JS_CHECK: http(s) only
      return { action: 'deny' };
    });
  });
}

export interface MainWindowOptions {
  source: RendererSource;
  preloadPath: string;
  settings: Settings;
  isDev: boolean;
  /** False: start hidden in the tray (the start-minimised setting). */
  showOnReady?: boolean;
}

export function createMainWindow({
  source,
  preloadPath,
  settings,
  isDev,
  showOnReady = true,
}: MainWindowOptions): BrowserWindow {
  const bounds = restoreBounds(
    settings.windowBounds(),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Parley',
    icon: nativeImage.createFromBuffer(iconPng(256)),
    backgroundColor: '#111827',
    autoHideMenuBar: true,
    webPreferences: {
      // The preload exposes only the narrow ParleyHost API through contextBridge (preload/index.test.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK: contextBridge-only, sandboxed
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would open a new window; those are denied anyway, so turn it off at source.
      disableBlinkFeatures: 'Auxclick',
      // Suggestions and "Add to dictionary" come through the context menu (context-menu.ts).
      spellcheck: true,
      devTools: isDev,
    },
  });
  window.once('ready-to-show', () => {
    if (bounds.maximized) window.maximize();
    if (showOnReady) window.show();
  });
  window.on('focus', () => window.flashFrame(false));
  const saveBounds = () => {
    if (window.isDestroyed()) return;
    settings.setWindowBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  window.on('close', saveBounds);
  window.on('hide', saveBounds);
  void window.loadURL(source.entryUrl);
  // The renderer must stay on the app origin; if anything ever lands it elsewhere, go back.
  window.webContents.on('did-navigate', (_event, url) => {
    if (!isAppUrl(url, source)) void window.loadURL(source.entryUrl);
  });
  return window;
}
