/**
 * BrowserWindow and webContents of the stand-in: each window is a Playwright page in its
 * launch's browser context. Electron's API is synchronous where Playwright's is not, so every
 * page operation goes through one queue per window, in call order.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { preloadInitScript } from './preload-script.js';
import { toAppUrl, toPageUrl } from './page-urls.js';
import type { Launch } from './launch.js';

/** The event object Electron passes to cancellable events. */
export interface CancellableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function cancellableEvent(): CancellableEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

let nextId = 1;

export class StandInWebContents extends EventEmitter {
  readonly id = nextId++;
  windowOpenHandler: WindowOpenHandler | null = null;
  /** Every `send`, for tests (channel, payload size in bytes of JSON). */
  readonly sent: { channel: string; bytes: number }[] = [];
  /** Sends that arrived before the page could take them (Electron drops those too). */
  dropped = 0;

  constructor(private readonly window: StandInBrowserWindow) {
    super();
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, bytes: JSON.stringify(args[0] ?? null).length });
    this.window.enqueue(async (page) => {
      const delivered = await page
        .evaluate(
          ([name, payload]) => {
            const dispatch = (globalThis as Record<symbol, unknown>)[
              Symbol.for('parley.electron-stand-in.dispatch')
            ] as ((channel: string, payload: unknown) => number) | undefined;
            return dispatch ? dispatch(name, payload) : -1;
          },
          [channel, args[0]] as const,
        )
        .catch(() => -1);
      if (delivered < 0) this.dropped++;
    });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  getURL(): string {
    return this.window.page ? toAppUrl(this.window.page.url()) : '';
  }

  isDestroyed(): boolean {
    return this.window.isDestroyed();
  }
}

export interface WindowOptions {
  show?: boolean;
  title?: string;
  webPreferences?: {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInSubFrames?: boolean;
  };
  [key: string]: unknown;
}

export class StandInBrowserWindow extends EventEmitter {
  readonly webContents: StandInWebContents;
  page: Page | null = null;
  /** Resolves with the page once it exists (the preload is installed before any navigation). */
  readonly pageReady: Promise<Page>;
  visible: boolean;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  readonly flashes: boolean[] = [];
  /** Resolves when the first loadURL has finished. */
  readonly loaded: Promise<void>;
  private resolveLoaded!: () => void;
  private queue: Promise<unknown>;
  private shownOnce = false;
  /** Page URLs that loadURL is navigating to (not 'will-navigate': the app asked for them). */
  private readonly expectedLoads = new Set<string>();

  constructor(
    readonly options: WindowOptions,
    private readonly launch: Launch,
  ) {
    super();
    this.visible = options.show !== false;
    this.webContents = new StandInWebContents(this);
    launch.windows.push(this);
    launch.app.emit('web-contents-created', cancellableEvent(), this.webContents);
    this.loaded = new Promise((resolve) => {
      this.resolveLoaded = resolve;
    });
    this.pageReady = this.createPage();
    this.queue = this.pageReady;
    launch.windowCreated(this);
  }

  /** True (once) when a navigation request to `pageUrl` is one that loadURL started. */
  consumeLoad(pageUrl: string): boolean {
    return this.expectedLoads.delete(pageUrl);
  }

  private async createPage(): Promise<Page> {
    const page = await this.launch.context.newPage();
    const preloadPath = this.options.webPreferences?.preload;
    const preload = preloadPath ? await readFile(preloadPath, 'utf8') : null;
    await page.addInitScript(
      preloadInitScript(preload, {
        bindings: this.launch.bindingNames,
        nodeIntegrationInSubFrames: this.options.webPreferences?.nodeIntegrationInSubFrames === true,
      }),
    );
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame())
        this.webContents.emit('did-navigate', cancellableEvent(), toAppUrl(frame.url()));
    });
    page.on('close', () => this.markClosed());
    page.on('pageerror', (error) => this.launch.pageErrors.push(error.message));
    this.page = page;
    return page;
  }

  /** Runs `task` with the page after everything queued before it. */
  enqueue(task: (page: Page) => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.destroyed || !this.page) return;
      await task(this.page);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  loadURL(url: string): Promise<void> {
    return this.enqueue(async (page) => {
      const pageUrl = toPageUrl(url, this.launch.schemes);
      this.expectedLoads.add(pageUrl);
      try {
        await page.goto(pageUrl, { waitUntil: 'load' });
      } catch (error) {
        // Quitting while a page loads is not the app's error.
        if (this.destroyed) return;
        throw error;
      } finally {
        this.expectedLoads.delete(pageUrl);
      }
      this.webContents.emit('did-finish-load');
      this.resolveLoaded();
      if (!this.shownOnce) {
        this.shownOnce = true;
        this.emit('ready-to-show');
      }
    });
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    this.focus();
    this.emit('show');
  }
  hide(): void {
    this.visible = false;
    this.blur();
    this.emit('hide');
  }
  focus(): void {
    if (this.focused) return;
    this.focused = true;
    this.emit('focus');
    void this.enqueue((page) => page.bringToFront());
  }
  /** The user switched to another app (not an Electron method; for tests). */
  blur(): void {
    if (!this.focused) return;
    this.focused = false;
    this.emit('blur');
  }
  minimize(): void {
    this.minimized = true;
    this.blur();
    this.emit('minimize');
  }
  restore(): void {
    this.minimized = false;
    this.emit('restore');
  }
  maximize(): void {
    this.maximized = true;
  }
  flashFrame(flag: boolean): void {
    this.flashes.push(flag);
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1100, height: 720 };
  }
  setTitle(): void {}

  /** Like Electron: 'close' may be prevented; otherwise the window goes and 'closed' follows. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = cancellableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    void this.page?.close().catch(() => undefined);
    this.markClosed();
  }

  private markClosed(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.focused = false;
    this.emit('closed');
    this.launch.windowClosed();
  }
}
