/**
 * Parley's Electron main process. It runs the client core (the socket lives here), serves the
 * renderer on app://parley, answers `window.parley` over validated IPC, and does what only a
 * desktop app can: native notifications, tray, badge, encrypted token storage, screen-share
 * picker. Everything with logic in it lives in a module of its own with unit tests; this file
 * only wires them together.
 */
import { fileURLToPath } from 'node:url';
import type { BrowserWindow } from 'electron';
import {
  Menu,
  app,
  dialog,
  powerMonitor,
  safeStorage,
  session as electronSession,
  type MenuItemConstructorOptions,
} from 'electron';
import Store from 'electron-store';
import type { ClientState, NotificationPrefs } from '@parley/shared';
import { createParleyClient } from '@parley/shared/client';
import { EVENT_CHANNELS } from '../common/ipc.js';
import { handleAppProtocol, registerAppScheme } from './app-protocol.js';
import { createCoalescer } from './coalesce.js';
import { createHostImpl } from './host-impl.js';
import { registerHostHandlers, type Logger } from './ipc.js';
import { createMainWindow, installSessionGuards, installWebContentsGuards } from './main-window.js';
import { NotificationPolicy } from './notification-policy.js';
import { Notifier } from './notifier.js';
import { installScreenSharePicker } from './screen-share.js';
import { isAppUrl, rendererSource } from './security.js';
import { EncryptedClientStorage, Settings, protectionNotice } from './stores.js';
import { TrayController } from './tray.js';
import { totalUnread } from './unread.js';

/** Used when neither the environment nor a previous sign-in names a server. */
const FALLBACK_SERVER_URL = 'http://localhost:8080';

const logger: Logger = {
  warn: (message, context) => console.warn(`[parley] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[parley] ${message}`, context ?? ''),
};

// The dev server URL is honoured only in development: a packaged app must not be talked into
// loading (and granting IPC to) another origin by an environment variable.
const isDev = !app.isPackaged;
const source = rendererSource(isDev ? process.env.ELECTRON_RENDERER_URL : undefined);
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

// A fresh profile per e2e run (Playwright launches with PARLEY_USER_DATA_DIR).
if (process.env.PARLEY_USER_DATA_DIR) app.setPath('userData', process.env.PARLEY_USER_DATA_DIR);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Every renderer sandboxed, whatever a future window forgets to set.
  app.enableSandbox();
  registerAppScheme();
  if (process.platform === 'win32') app.setAppUserModelId('org.parley.desktop');
  app.whenReady().then(run, (error: unknown) => {
    logger.error('startup failed', { error: String(error) });
    app.exit(1);
  });
}

async function run(): Promise<void> {
  const settings = new Settings(new Store({ name: 'settings' }));
  // Keys are the client core's own; dot notation would turn `a.b` into nested objects.
  const secretStore = new Store({ name: 'session', accessPropertiesByDotNotation: false });
  const storage = new EncryptedClientStorage(secretStore, safeStorage, process.platform, (message, error) =>
    logger.warn(message, { error: String(error) }),
  );
  const client = createParleyClient({
    storage,
    defaultServerUrl: process.env.PARLEY_SERVER_URL || settings.serverUrl() || FALLBACK_SERVER_URL,
  });

  let window: BrowserWindow | null = null;
  let tray: TrayController | null = null;
  let quitting = false;
  let openConversationId: string | null = null;
  let prefs: NotificationPrefs = settings.notificationPrefs();

  const defaultSession = electronSession.defaultSession;
  installSessionGuards(defaultSession, source);
  installWebContentsGuards(source);
  handleAppProtocol(defaultSession, rendererDir);
  installScreenSharePicker(defaultSession, source, () => window);
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu(isDev)));

  const send = (channel: string, payload: unknown) => {
    if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) window = openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const windowFocused = () =>
    window !== null &&
    !window.isDestroyed() &&
    window.isVisible() &&
    !window.isMinimized() &&
    window.isFocused();

  const policy = new NotificationPolicy();
  const notifier = new Notifier({
    showWindow,
    navigate: (conversationId) => send(EVENT_CHANNELS.navigate, { conversationId }),
    onShown: () => {
      if (process.platform === 'win32' && window && !windowFocused()) window.flashFrame(true);
    },
  });
  // State to the renderer, coalesced to about one push per frame; badge and tray follow.
  let lastPushed: ClientState | null = null;
  const refreshUnread = () => {
    const unread = totalUnread(client.getSnapshot(), prefs.mutedConversationIds);
    app.setBadgeCount(unread);
    tray?.update(unread, prefs.doNotDisturb);
  };
  const statePush = createCoalescer(() => {
    const state = client.getSnapshot();
    if (state === lastPushed) return;
    if (lastPushed?.session.status === 'signed-in' && state.session.status !== 'signed-in') {
      policy.reset();
      notifier.clear();
      openConversationId = null;
    }
    lastPushed = state;
    send(EVENT_CHANNELS.state, state);
    refreshUnread();
  });
  client.subscribe(() => statePush.schedule());

  client.onEvent((event) => {
    const snapshot = client.getSnapshot();
    const notices = policy.handle(event, {
      selfUserId: snapshot.session.status === 'signed-in' ? snapshot.session.user.id : null,
      windowFocused: windowFocused(),
      openConversationId,
      prefs,
    });
    for (const notice of notices) notifier.show(notice);
  });
  client.calls.onSignal((signal) => send(EVENT_CHANNELS.callSignal, signal));

  const setPrefs = (next: NotificationPrefs) => {
    prefs = next;
    refreshUnread();
  };
  registerHostHandlers(
    createHostImpl({
      client,
      prefs: {
        get: () => settings.notificationPrefs(),
        setMuted: (conversationId, muted) => settings.setMuted(conversationId, muted),
        setDoNotDisturb: (on) => settings.setDoNotDisturb(on),
      },
      onOpenConversation: (conversationId) => {
        openConversationId = conversationId;
      },
      onSignedIn: (serverUrl) => settings.setServerUrl(serverUrl),
      onPrefsChanged: setPrefs,
    }),
    { isTrustedUrl: (url) => isAppUrl(url, source), logger },
  );

  try {
    tray = new TrayController(
      {
        open: showWindow,
        setDoNotDisturb: (on) => setPrefs(settings.setDoNotDisturb(on)),
        quit: () => app.quit(),
      },
      process.platform,
    );
  } catch (error) {
    // Some Linux desktops have no tray; the app works without it (closing then quits).
    logger.warn('tray unavailable', { error: String(error) });
  }

  const openWindow = () => {
    const created = createMainWindow({ source, preloadPath, settings, isDev });
    created.on('close', (event) => {
      // With a tray, closing the window keeps Parley running (messages and calls still arrive);
      // Quit in the tray menu (or Cmd+Q) really quits.
      if (!quitting && (tray || process.platform === 'darwin')) {
        event.preventDefault();
        created.hide();
      }
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    created.webContents.on('render-process-gone', (_event, details) =>
      logger.error('renderer gone', { reason: details.reason }),
    );
    return created;
  };
  window = openWindow();

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('before-quit', () => {
    quitting = true;
    statePush.cancel();
    notifier.clear();
    void client.stop();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  powerMonitor.on('resume', () => client.networkChanged(true));
  powerMonitor.on('suspend', () => client.networkChanged(false));

  await client.start();

  const notice = protectionNotice(storage.protection);
  if (notice && !settings.protectionNoticeShown(storage.protection)) {
    settings.setProtectionNoticeShown(storage.protection);
    const options = {
      type: 'warning' as const,
      title: 'Parley',
      message: notice.title,
      detail: notice.detail,
    };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  }
}

/** A small menu: the standard edit roles (copy/paste shortcuts need them on macOS), no devtools in production. */
function applicationMenu(withDevTools: boolean): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (process.platform === 'darwin') template.push({ role: 'appMenu' });
  template.push({ role: 'editMenu' });
  if (withDevTools) template.push({ role: 'viewMenu' });
  template.push({ role: 'windowMenu' });
  return template;
}
