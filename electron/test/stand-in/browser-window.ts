// Page-side helpers below run in the window's page (page.evaluate), where the DOM exists.
/// <reference lib="dom" />
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

/** The selection in the focused field or the document (runs in the page). */
function selectedText(): string {
  const field = document.activeElement;
  const inField =
    field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement
      ? field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0)
      : '';
  return inField || String(window.getSelection() ?? '');
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

  /** Zoom levels set by main, latest last. */
  readonly zoomLevels: number[] = [];

  get session(): unknown {
    return this.window.launch.defaultSession;
  }

  setZoomLevel(level: number): void {
    this.zoomLevels.push(level);
  }
  getZoomLevel(): number {
    return this.zoomLevels.at(-1) ?? 0;
  }

  // Editing commands act on the page's focused field with the stand-in's clipboard
  // (launch.clipboard), as Electron's do with the OS clipboard.
  copy(): void {
    void this.window.enqueue(async (page) => {
      this.window.launch.clipboard = { text: await page.evaluate(selectedText), image: null };
    });
  }
  cut(): void {
    void this.window.enqueue(async (page) => {
      this.window.launch.clipboard = { text: await page.evaluate(selectedText), image: null };
      await page.evaluate(() => document.execCommand('delete'));
    });
  }
  paste(): void {
    const { text } = this.window.launch.clipboard;
    void this.window.enqueue(async (page) => {
      await page.evaluate((value) => document.execCommand('insertText', false, value), text);
    });
  }
  selectAll(): void {
    void this.window.enqueue(async (page) => {
      await page.evaluate(() => document.execCommand('selectAll'));
    });
  }
  /** Replaces the word around the caret, as Chromium replaces the misspelled word. */
  replaceMisspelling(word: string): void {
    void this.window.enqueue(async (page) => {
      await page.evaluate((replacement) => {
        const field = document.activeElement;
        if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) return;
        const caret = field.selectionStart ?? 0;
        const start = caret - (/[\p{L}']*$/u.exec(field.value.slice(0, caret))?.[0].length ?? 0);
        const end = caret + (/^[\p{L}']*/u.exec(field.value.slice(caret))?.[0].length ?? 0);
        field.setSelectionRange(start, end);
        document.execCommand('insertText', false, replacement);
      }, word);
    });
  }
  copyImageAt(x: number, y: number): void {
    void this.window.enqueue(async (page) => {
      const src = await page.evaluate(
        ([px, py]) => {
          const element = document.elementFromPoint(px, py);
          return element instanceof HTMLImageElement ? element.src : null;
        },
        [x, y] as const,
      );
      this.window.launch.clipboard = { text: '', image: src };
    });
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
    readonly launch: Launch,
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
  /** Windows taskbar overlay: the description of each overlay set (null: cleared). */
  readonly overlays: (string | null)[] = [];
  setOverlayIcon(image: unknown, description: string): void {
    this.overlays.push(image ? description : null);
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
