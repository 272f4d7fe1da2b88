/**
 * Desktop updates: a quiet check at start (and every few hours), "Check for updates…" in the
 * Help menu, and a non-blocking "Restart to update" prompt once an update is downloaded. The
 * updater itself (electron-updater, see updater-electron.ts) is injected, so the flow is tested
 * with a fake one and the real one alike. With the `updatesEnabled` setting off (managed
 * installs: the administrator ships updates) nothing is ever requested from the feed.
 */
import { t } from './i18n.js';

export interface UpdateInfoLike {
  version: string;
}

/** What the controller needs of electron-updater's AppUpdater. */
export interface UpdaterLike {
  on(
    event: 'update-available' | 'update-not-available' | 'update-downloaded',
    listener: (info: UpdateInfoLike) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** With autoDownload the result carries the download, which rejects on failure. */
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(): void;
}

export interface MessageLike {
  type: 'info' | 'error';
  message: string;
  detail?: string;
  buttons?: string[];
}

export interface UpdatesDeps {
  /** Read at every check: the setting can change while the app runs. */
  enabled(): boolean;
  /** False in a development build without a feed: nothing to check. */
  available: boolean;
  /** Created on first use, so a disabled install never loads or configures the updater. */
  createUpdater(): UpdaterLike;
  currentVersion: string;
  /** Resolves with the index of the chosen button; must not block the app (no modal loop). */
  show(message: MessageLike): Promise<number>;
  log(level: 'info' | 'warn', message: string, context?: Record<string, unknown>): void;
}

/** The restart prompt's buttons: index 0 restarts. */
export function restartButtons(): string[] {
  return [t('updates.restart'), t('updates.later')];
}

export class UpdateController {
  private updater: UpdaterLike | null = null;
  /** A check the user asked for: its outcome is shown; a quiet one only logs. */
  private manual = false;
  private checking = false;
  private downloaded: string | null = null;

  constructor(private readonly deps: UpdatesDeps) {}

  /** The quiet check (start and timer). */
  checkQuietly(): void {
    if (!this.deps.available || !this.deps.enabled() || this.checking || this.downloaded) return;
    void this.check(false);
  }

  /** "Check for updates…" in the Help menu. */
  async checkFromMenu(): Promise<void> {
    if (!this.deps.available) {
      await this.deps.show({
        type: 'info',
        message: t('updates.noFeed'),
        detail: t('updates.noFeedDetail'),
      });
      return;
    }
    if (!this.deps.enabled()) {
      await this.deps.show({
        type: 'info',
        message: t('updates.managed'),
        detail: t('updates.managedDetail'),
      });
      return;
    }
    if (this.downloaded) return this.offerRestart(this.downloaded);
    this.manual = true;
    if (!this.checking) await this.check(true);
  }

  private async check(manual: boolean): Promise<void> {
    this.manual = manual;
    this.checking = true;
    try {
      const result = await this.ensureUpdater().checkForUpdates();
      // Failures are reported through the 'error' event; this only keeps them handled.
      result?.downloadPromise?.catch(() => {});
    } catch {
      // Reported through the 'error' event.
    } finally {
      this.checking = false;
    }
  }

  private ensureUpdater(): UpdaterLike {
    if (this.updater) return this.updater;
    const updater = this.deps.createUpdater();
    updater.on('update-not-available', () => {
      this.deps.log('info', 'update: up to date', { version: this.deps.currentVersion });
      if (this.manual)
        void this.deps.show({
          type: 'info',
          message: "You're up to date",
          detail: `Parley ${this.deps.currentVersion} is the newest version.`,
        });
      this.manual = false;
    });
    updater.on('update-available', (info) => {
      this.deps.log('info', 'update: downloading', { version: info.version });
      if (this.manual)
        void this.deps.show({
          type: 'info',
          message: `Downloading Parley ${info.version}`,
          detail: "You'll be asked to restart once it is ready.",
        });
      this.manual = false;
    });
    updater.on('update-downloaded', (info) => {
      this.deps.log('info', 'update: downloaded', { version: info.version });
      this.downloaded = info.version;
      void this.offerRestart(info.version);
    });
    updater.on('error', (error) => {
      this.deps.log('warn', 'update failed', { error: String(error) });
      if (this.manual)
        void this.deps.show({ type: 'error', message: t('updates.failed'), detail: error.message });
      this.manual = false;
    });
    this.updater = updater;
    return updater;
  }

  private async offerRestart(version: string): Promise<void> {
    const choice = await this.deps.show({
      type: 'info',
      message: t('updates.ready', { version }),
      detail: t('updates.readyDetail'),
      buttons: restartButtons(),
    });
    if (choice === 0 && this.updater) {
      this.deps.log('info', 'update: restarting to install', { version });
      this.updater.quitAndInstall();
    }
  }
}
