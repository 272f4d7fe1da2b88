/**
 * The real updater: electron-updater's platform class (AppImage or deb on Linux, NSIS on
 * Windows, Squirrel.Mac on macOS) with the generic feed from app-update.yml, which
 * electron-builder writes from `publish` in electron-builder.yml. Two things are ours rather
 * than electron-updater's defaults, because its defaults `require('electron')` lazily, and the
 * Electron module is passed in instead (the same objects, and testable outside Electron): the
 * app adapter and the HTTP executor (still Electron's `net`, so system proxies apply).
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:http';
import { join } from 'node:path';
import type { ClientRequest, ClientRequestConstructorOptions, MessageBoxOptions, Session } from 'electron';
import { AppImageUpdater, DebUpdater, MacUpdater, NsisUpdater, type AppUpdater } from 'electron-updater';
import { getAppCacheDir, type AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor.js';
import { UpdateController, type UpdatesDeps } from './updates.js';

/** The part of Electron's `app` the updater uses. */
export interface UpdaterApp {
  isPackaged: boolean;
  getVersion(): string;
  getName(): string;
  getPath(name: 'userData'): string;
  whenReady(): Promise<unknown>;
  relaunch(): void;
  quit(): void;
  once(event: 'quit', listener: (event: unknown, exitCode: number) => void): unknown;
}

/** Electron's `net.request` (node:http's `request` in tests, cast). */
export type NetRequest = (options: ClientRequestConstructorOptions) => ClientRequest;

export interface ElectronUpdaterOptions {
  app: UpdaterApp;
  request: NetRequest;
  /** A session for the updater's requests (Electron: a cache-less partition). */
  session?: Session;
  platform: NodeJS.Platform;
  /** app-update.yml: `process.resourcesPath` in a packaged app, a written one in development. */
  configPath: string;
  /** Where downloads are kept until installed. */
  cacheDir: string;
  /** Development and tests: run although the app is not packaged. */
  forceDevUpdateConfig: boolean;
}

class NetHttpExecutor extends ElectronHttpExecutor {
  constructor(
    private readonly netRequest: NetRequest,
    private readonly netSession: Session | undefined,
  ) {
    super();
  }

  override createRequest(options: RequestOptions, callback: (response: unknown) => void): ClientRequest {
    // As electron-updater's own: a Host header makes net fail with ERR_INVALID_ARGUMENT.
    const headers = options.headers as Record<string, string> | undefined;
    if (headers?.Host) {
      options.host = headers.Host;
      delete headers.Host;
    }
    const request = this.netRequest({
      ...(options as ClientRequestConstructorOptions),
      ...(this.netSession ? { session: this.netSession } : {}),
    });
    request.on('response', callback);
    return request;
  }
}

export function createElectronUpdater(options: ElectronUpdaterOptions): AppUpdater {
  const { app } = options;
  const adapter: AppAdapter = {
    get version() {
      return app.getVersion();
    },
    get name() {
      return app.getName();
    },
    get isPackaged() {
      return app.isPackaged;
    },
    appUpdateConfigPath: options.configPath,
    get userDataPath() {
      return app.getPath('userData');
    },
    baseCachePath: options.cacheDir,
    whenReady: async () => {
      await app.whenReady();
    },
    relaunch: () => app.relaunch(),
    quit: () => app.quit(),
    onQuit: (handler) => void app.once('quit', (_event, exitCode) => handler(exitCode)),
  };
  const updater =
    options.platform === 'win32'
      ? new NsisUpdater(undefined, adapter)
      : options.platform === 'darwin'
        ? new MacUpdater(undefined, adapter)
        : process.env.APPIMAGE
          ? new AppImageUpdater(undefined, adapter)
          : new DebUpdater(undefined, adapter);
  // With an app adapter given, electron-updater leaves the executor to the caller.
  (updater as unknown as { httpExecutor: ElectronHttpExecutor }).httpExecutor = new NetHttpExecutor(
    options.request,
    options.session,
  );
  updater.forceDevUpdateConfig = options.forceDevUpdateConfig;
  // The user chooses when to restart (the prompt); otherwise it installs when Parley quits.
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  return updater;
}

/** Where a development build (PARLEY_UPDATE_FEED_URL) writes its app-update.yml. */
export function devUpdateConfig(feedUrl: string, userData: string): { path: string; yaml: string } {
  return {
    path: join(userData, 'dev-app-update.yml'),
    yaml: `provider: generic\nurl: ${JSON.stringify(feedUrl)}\nupdaterCacheDirName: parley-updater\n`,
  };
}

export interface StartUpdatesOptions {
  app: UpdaterApp & { getPath(name: 'userData'): string };
  net: { request: NetRequest };
  session: { fromPartition(partition: string, options?: { cache: boolean }): Session };
  dialog: { showMessageBox(options: MessageBoxOptions): Promise<{ response: number }> };
  enabled(): boolean;
  devFeedUrl: string | undefined;
  log: UpdatesDeps['log'];
}

/** Every few hours, for an app that stays open for days (the tray). */
const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

/**
 * The controller wired to Electron: a quiet check now and every few hours. Packaged: the feed
 * in app-update.yml; unpackaged: only with a development feed URL (PARLEY_UPDATE_FEED_URL),
 * otherwise no updates.
 */
export function startUpdates(options: StartUpdatesOptions): UpdateController {
  const { app } = options;
  const feedUrl = app.isPackaged ? undefined : options.devFeedUrl;
  // A packaged build without `publish` has no app-update.yml: nothing to check against.
  const packagedConfig =
    app.isPackaged && process.resourcesPath ? join(process.resourcesPath, 'app-update.yml') : null;
  const available = Boolean(feedUrl) || (packagedConfig !== null && existsSync(packagedConfig));
  const controller = new UpdateController({
    enabled: options.enabled,
    available,
    currentVersion: app.getVersion(),
    createUpdater: () => {
      let configPath = packagedConfig ?? '';
      if (feedUrl) {
        const config = devUpdateConfig(feedUrl, app.getPath('userData'));
        writeFileSync(config.path, config.yaml);
        configPath = config.path;
      }
      const updater = createElectronUpdater({
        app,
        request: (requestOptions) => options.net.request(requestOptions),
        // As electron-updater's own executor: a partition without an HTTP cache.
        session: options.session.fromPartition('electron-updater', { cache: false }),
        platform: process.platform,
        configPath,
        cacheDir: feedUrl ? join(app.getPath('userData'), 'update-cache') : getAppCacheDir(),
        forceDevUpdateConfig: Boolean(feedUrl),
      });
      // Into the file log (main.log), not the console; only its errors are warnings of ours.
      updater.logger = {
        info: (message?: unknown) => options.log('info', `updater: ${String(message)}`),
        warn: (message?: unknown) => options.log('info', `updater: ${String(message)}`),
        error: (message?: unknown) => options.log('warn', `updater: ${String(message)}`),
      };
      return updater;
    },
    // No parent window: a window-modal box would block the app until answered.
    show: (message) =>
      options.dialog
        .showMessageBox({
          title: 'Parley',
          ...message,
          ...(message.buttons ? { defaultId: 0, cancelId: 1 } : {}),
        })
        .then((result) => result.response),
    log: options.log,
  });
  if (available) {
    controller.checkQuietly();
    setInterval(() => controller.checkQuietly(), CHECK_INTERVAL_MS).unref();
  }
  return controller;
}
