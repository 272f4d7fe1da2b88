/**
 * Parley's Electron main process. It runs the client core (the socket lives here), serves the
 * renderer on app://parley, answers `window.parley` over validated IPC, and does what only a
 * desktop app can: native notifications, tray, badge, encrypted token storage, screen-share
 * picker. Everything with logic in it lives in a module of its own with unit tests; this file
 * only wires them together.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow, MessageBoxOptions } from 'electron';
import {
  Menu,
  app,
  dialog,
  nativeImage,
  net,
  powerMonitor,
  powerSaveBlocker,
  safeStorage,
  shell,
  session as electronSession,
} from 'electron';
import Store from 'electron-store';
import type { ClientState, NotificationPrefs } from '@parley/shared';
import { activeClient } from './accounts/active-client.js';
import { createAccountsHost } from './accounts/host.js';
import { AccountManager, type Account } from './accounts/manager.js';
import { AccountRegistry } from './accounts/registry.js';
import { openAccountStore } from './accounts/store-file.js';
import { attachAccount } from './accounts/wiring.js';
import { EVENT_CHANNELS } from '../common/ipc.js';
import { appMenuTemplate } from './app-menu.js';
import { pickLanguage, setMainLanguage, t } from './i18n.js';
import { setLinuxAutostart } from './autostart-linux.js';
import { handleAppProtocol, registerAppScheme } from './app-protocol.js';
import { createCoalescer } from './coalesce.js';
import { installContextMenu } from './context-menu.js';
import { ContextMessage } from './message-menu.js';
import { DEEP_LINK_SCHEME, deepLinkArg } from './deep-link.js';
import { DeepLinkRouter } from './deep-link-router.js';
import { applyDesktopSettings, createDesktopHost, type DesktopHostDeps } from './desktop-host.js';
import { DesktopSettingsStore } from './desktop-settings.js';
import { FileLog } from './file-log.js';
import { createHostImpl } from './host-impl.js';
import { iconPng } from './icon-image.js';
import { registerHostHandlers, type Logger } from './ipc.js';
import { createMainWindow, installSessionGuards, installWebContentsGuards } from './main-window.js';
import { ScreenSharePicks, installScreenSharePicker } from './screen-share.js';
import { isAppUrl, rendererSource } from './security.js';
import { Settings, protectionNotice, secretProtection } from './stores.js';
import { TrayController } from './tray.js';
import { totalUnread } from './unread.js';
import { startUpdates } from './updater-electron.js';
import { createStatePublisher } from './state-publisher.js';

/** Used when neither the environment nor a previous sign-in names a server. */
const FALLBACK_SERVER_URL = 'http://localhost:8080';

// A fresh profile per e2e run (Playwright launches with PARLEY_USER_DATA_DIR); logs go with it.
if (process.env.PARLEY_USER_DATA_DIR) {
  app.setPath('userData', process.env.PARLEY_USER_DATA_DIR);
  app.setAppLogsPath(join(process.env.PARLEY_USER_DATA_DIR, 'logs'));
}

let fileLog: FileLog | null = null;
const log = () => (fileLog ??= new FileLog({ dir: app.getPath('logs') }));
const logger: Logger & { info(message: string, context?: Record<string, unknown>): void } = {
  info: (message, context) => log().write('info', message, context),
  warn: (message, context) => {
    console.warn(`[parley] ${message}`, context ?? '');
    log().write('warn', message, context);
  },
  error: (message, context) => {
    console.error(`[parley] ${message}`, context ?? '');
    log().write('error', message, context);
  },
};

// The dev server URL is honoured only in development: a packaged app must not be talked into
// loading (and granting IPC to) another origin by an environment variable.
const isDev = !app.isPackaged;
const source = rendererSource(isDev ? process.env.ELECTRON_RENDERER_URL : undefined);
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

// parley:// links that arrive before run() is ready: the one that started the app (command
// line on Windows and Linux, open-url on macOS, which fires before ready).
const pendingLinks: string[] = [];
let openLink: (url: string) => void = (url) => void pendingLinks.push(url);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const startLink = deepLinkArg(process.argv.slice(1));
  if (startLink) pendingLinks.push(startLink);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(url);
  });
  // Unpackaged (`electron .`), the OS must start Electron with the app's path. Every link is
  // parsed and validated (deep-link.ts) before it does anything.
  if (process.defaultApp && process.argv[1])
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]); // eng-disable PROTOCOL_HANDLER_JS_CHECK: links validated in deep-link.ts
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME); // eng-disable PROTOCOL_HANDLER_JS_CHECK: links validated in deep-link.ts
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
  logger.info('Parley started', {
    version: app.getVersion(),
    platform: process.platform,
    packaged: app.isPackaged,
  });
  const settingsStore = new Store({ name: 'settings' });
  const settings = new Settings(settingsStore);
  const desktopStore = new DesktopSettingsStore(settingsStore);
  let desktopSettings = desktopStore.get();
  // Accounts (accounts/): an existing profile's session.json becomes the first one as it is.
  const registry = new AccountRegistry(settingsStore);
  const protection = secretProtection(safeStorage, process.platform);
  // Everything that acts on "the client" reaches the active account's (accounts/active-client.ts).
  const client = activeClient(() => accounts.active.client);

  let window: BrowserWindow | null = null;
  let tray: TrayController | null = null;
  let quitting = false;
  let openConversationId: string | null = null;
  let prefs: NotificationPrefs = settings.notificationPrefs();
  // The renderer's Shell listens for navigate once mounted; it says so by reporting the open
  // conversation. A deep link that arrives earlier waits for that.
  let shellReady = false;
  let pendingNavigate: string | null = null;

  const defaultSession = electronSession.defaultSession;
  installSessionGuards(
    defaultSession,
    source,
    () => desktopStore.get().downloadFolder ?? app.getPath('downloads'),
  );
  installWebContentsGuards(source);
  handleAppProtocol(defaultSession, rendererDir);
  const screenSharePicks = new ScreenSharePicks<Electron.DesktopCapturerSource>();
  installScreenSharePicker(defaultSession, source, {
    picks: screenSharePicks,
    show: (request) => {
      if (!window || window.isDestroyed()) return false;
      window.webContents.send(EVENT_CHANNELS.screenSharePick, request);
      return true;
    },
  });
  const updates = startUpdates({
    app,
    net,
    session: electronSession,
    dialog,
    enabled: () => desktopStore.get().updatesEnabled,
    // A feed for development builds and the desktop specs only; a packaged app uses the
    // app-update.yml electron-builder wrote (the `publish` URL in electron-builder.yml).
    devFeedUrl: isDev ? process.env.PARLEY_UPDATE_FEED_URL : undefined,
    log: (level, message, context) => logger[level](message, context),
  });
  // Main's own words follow the UI's language: the renderer's last report, else the system's.
  setMainLanguage(pickLanguage(desktopStore.get().uiLanguage, app.getPreferredSystemLanguages()));
  const setAppMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(process.platform, isDev, {
          zoom: (direction) => {
            const current = desktopStore.zoomLevel('main');
            const next = desktopStore.setZoomLevel(
              'main',
              direction === 'reset' ? 0 : current + (direction === 'in' ? 1 : -1),
            );
            if (window && !window.isDestroyed()) window.webContents.setZoomLevel(next);
          },
          openLogsFolder: () => void shell.openPath(app.getPath('logs')),
          checkForUpdates: () => void updates.checkFromMenu(),
        }),
      ),
    );
  setAppMenu();

  const send = (channel: string, payload: unknown) => {
    if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const showMessage = (options: MessageBoxOptions) =>
    window && !window.isDestroyed() ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options);
  const navigate = (conversationId: string) => {
    if (shellReady) send(EVENT_CHANNELS.navigate, { conversationId });
    else pendingNavigate = conversationId;
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

  const contextMessage = new ContextMessage();
  const router = new DeepLinkRouter({
    getState: () => client.getSnapshot(),
    pickServer: (serverUrl) => {
      const account = accounts.byServer(serverUrl);
      if (account && !accounts.isActive(account)) void accounts.switchTo(account.id);
    },
    showWindow,
    openConversation: navigate,
    offerInvite: (invite) => send(EVENT_CHANNELS.invite, invite),
    explain: (message, detail) => void showMessage({ type: 'info', title: 'Parley', message, detail }),
    log: (message, context) => logger.info(message, context),
  });
  // Keep the display awake while any account has a call in progress.
  let sleepBlocker: number | null = null;
  const inCall = new Set<string>();
  const callActive = (account: Account, active: boolean) => {
    if (active) inCall.add(account.id);
    else inCall.delete(account.id);
    if (inCall.size > 0 && sleepBlocker === null)
      sleepBlocker = powerSaveBlocker.start('prevent-display-sleep');
    if (inCall.size === 0 && sleepBlocker !== null) {
      powerSaveBlocker.stop(sleepBlocker);
      sleepBlocker = null;
    }
  };
  // State to the renderer as patches (state-publisher.ts), coalesced to about one push per
  // frame; badge and tray follow. Reset whenever the renderer needs a full snapshot.
  const publisher = createStatePublisher({
    getSnapshot: () => client.getSnapshot(),
    send: (update) => send(EVENT_CHANNELS.state, update),
  });
  let lastPushed: ClientState | null = null;
  // Windows has no badge count: the taskbar shows an overlay icon instead.
  const overlayIcon =
    process.platform === 'win32' ? nativeImage.createFromBuffer(iconPng(16, { badge: true })) : null;
  let lastUnread = -1;
  // Badge and tray sum every account.
  const refreshUnread = () => {
    const unread = accounts.totalUnread();
    app.setBadgeCount(unread);
    tray?.update(unread, prefs.doNotDisturb);
    if (overlayIcon && window && !window.isDestroyed() && unread > 0 !== lastUnread > 0)
      window.setOverlayIcon(unread > 0 ? overlayIcon : null, unread > 0 ? `${unread} unread` : '');
    lastUnread = unread;
  };
  const statePush = createCoalescer(() => {
    const state = client.getSnapshot();
    if (state === lastPushed) return;
    if (lastPushed?.session.status === 'signed-in' && state.session.status !== 'signed-in') {
      openConversationId = null;
      shellReady = false;
      publisher.reset();
    }
    lastPushed = state;
    publisher.push();
    refreshUnread();
  });
  const accounts: AccountManager = new AccountManager({
    registry,
    open: (record) =>
      openAccountStore(record, {
        cipher: safeStorage,
        platform: process.platform,
        // The first account keeps the single-account app's default; an added one starts empty.
        defaultServerUrl: (r) =>
          r.serverUrl ??
          (r.id === registry.list()[0]?.id
            ? process.env.PARLEY_SERVER_URL || settings.serverUrl() || FALLBACK_SERVER_URL
            : ''),
        onError: (message, error) => logger.warn(message, { error: String(error) }),
      }),
    attach: (account) =>
      attachAccount(account, {
        accountCount: () => accounts.list().length,
        label: (a) => accounts.label(a),
        isActive: (a) => accounts.isActive(a),
        show: (a) => {
          if (!accounts.isActive(a)) void accounts.switchTo(a.id);
          showWindow();
        },
        navigate,
        windowFocused,
        openConversationId: () => openConversationId,
        prefs: () => prefs,
        soundOn: () => desktopSettings.notificationSound,
        onShown: () => {
          if (process.platform === 'win32' && window && !windowFocused()) window.flashFrame(true);
        },
        onState: (a) => {
          if (!accounts.isActive(a)) return;
          statePush.schedule();
          router.stateChanged();
        },
        callActive,
        forward: (kind, payload) => send(EVENT_CHANNELS[kind], payload),
        warn: (message, context) => logger.warn(message, context),
      }),
    unread: (state) => totalUnread(state, prefs.mutedConversationIds),
    // The one place an account switch reaches the renderer: the new account's full state,
    // pushed at once as a snapshot (patches against the other account's state would be nonsense).
    onSwitch: () => {
      openConversationId = null;
      shellReady = false;
      lastPushed = null;
      publisher.reset();
      statePush.schedule();
      statePush.flush();
    },
    onChange: (summary) => {
      send(EVENT_CHANNELS.accounts, summary);
      refreshUnread();
    },
  });

  accounts.open();

  const setPrefs = (next: NotificationPrefs) => {
    prefs = next;
    refreshUnread();
    accounts.changed();
  };
  const desktopDeps: DesktopHostDeps = {
    store: desktopStore,
    setOpenAtLogin: (openAtLogin) => {
      if (process.platform === 'linux')
        setLinuxAutostart(app.getPath('appData'), openAtLogin, process.env.APPIMAGE ?? process.execPath);
      else app.setLoginItemSettings({ openAtLogin });
    },
    setSpellCheckLanguages: (languages) => {
      if (languages.length > 0) defaultSession.setSpellCheckerLanguages(languages);
    },
    availableSpellCheckLanguages: () => defaultSession.availableSpellCheckerLanguages,
    pickFolder: async () => {
      const options = {
        title: t('downloads.chooseFolder'),
        properties: ['openDirectory' as const, 'createDirectory' as const],
      };
      const result = await (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options));
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    takeInvite: () => router.takeInvite(),
    setContextMessage: (target) => contextMessage.set(target),
    chooseScreenShare: (requestId, sourceId) => screenSharePicks.choose(requestId, sourceId),
    onChanged: (next) => {
      desktopSettings = next;
      if (next.uiLanguage && setMainLanguage(next.uiLanguage)) {
        setAppMenu();
        tray?.relabel();
      }
    },
  };
  applyDesktopSettings(desktopDeps, desktopSettings);
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
        shellReady = true;
        if (pendingNavigate && pendingNavigate !== conversationId) navigate(pendingNavigate);
        pendingNavigate = null;
      },
      onSignedIn: (serverUrl) => settings.setServerUrl(serverUrl),
      onPrefsChanged: setPrefs,
      onResyncState: () => {
        publisher.reset();
        publisher.push();
      },
      desktop: createDesktopHost(desktopDeps),
      accounts: createAccountsHost(accounts),
    }),
    { isTrustedUrl: (url) => isAppUrl(url, source), logger },
  );

  try {
    tray = new TrayController(
      {
        open: showWindow,
        setDoNotDisturb: (on) => {
          setPrefs(settings.setDoNotDisturb(on));
          // The renderer's account menu shows Do-not-disturb too.
          send(EVENT_CHANNELS.notificationPrefs, prefs);
        },
        quit: () => app.quit(),
      },
      process.platform,
    );
  } catch (error) {
    // Some Linux desktops have no tray; the app works without it (closing then quits).
    logger.warn('tray unavailable', { error: String(error) });
  }

  const openWindow = () => {
    // Started minimised only where there is a tray to get the window back from.
    const showOnReady = !(desktopSettings.startMinimized && tray);
    const created = createMainWindow({ source, preloadPath, settings, isDev, showOnReady });
    installContextMenu(created, {
      contextMessage,
      pick: (choice) => send(EVENT_CHANNELS.messageAction, choice),
    });
    created.webContents.on('did-finish-load', () =>
      created.webContents.setZoomLevel(desktopStore.zoomLevel('main')),
    );
    created.on('close', (event) => {
      // With a tray (and the setting on), closing the window keeps Parley running (messages and
      // calls still arrive); Quit in the tray menu (or Cmd+Q) really quits.
      if (!quitting && ((tray && desktopSettings.closeToTray) || process.platform === 'darwin')) {
        event.preventDefault();
        created.hide();
      }
    });
    created.on('closed', () => {
      if (window === created) window = null;
      shellReady = false;
      publisher.reset();
    });
    created.webContents.on('render-process-gone', (_event, details) =>
      logger.error('renderer gone', { reason: details.reason }),
    );
    return created;
  };
  window = openWindow();

  app.on('second-instance', (_event, argv: string[]) => {
    showWindow();
    const link = deepLinkArg(argv);
    if (link) router.open(link);
  });
  app.on('activate', showWindow);
  app.on('before-quit', () => {
    quitting = true;
    statePush.cancel();
    void accounts.stop();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  powerMonitor.on('resume', () => accounts.list().forEach((a) => a.client.networkChanged(true)));
  powerMonitor.on('suspend', () => accounts.list().forEach((a) => a.client.networkChanged(false)));

  await accounts.start();
  openLink = (url) => router.open(url);
  for (const url of pendingLinks.splice(0)) router.open(url);

  const notice = protectionNotice(protection);
  if (notice && !settings.protectionNoticeShown(protection)) {
    settings.setProtectionNoticeShown(protection);
    const options = {
      type: 'warning' as const,
      title: 'Parley',
      message: notice.title,
      detail: notice.detail,
    };
    void showMessage(options);
  }
}
