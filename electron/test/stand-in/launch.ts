/**
 * One run of the main process: its browser context, its windows, and everything it did that a
 * test may want to read (notifications, tray, badge, dialogs, external links, IPC, protocol
 * responses). `DesktopApp` in runtime.ts is this object as tests see it.
 */
import { EventEmitter } from 'node:events';
import type { BrowserContext, Frame, Page, Route } from '@playwright/test';
import { cancellableEvent, type StandInBrowserWindow } from './browser-window.js';
import { isStandInOrigin, toAppUrl } from './page-urls.js';
import type {
  KeyringCipher,
  PendingDialog,
  StandInMenu,
  StandInNotification,
  StandInTray,
} from './recorders.js';

/** What main sees as `event.senderFrame` / `request.frame`: Electron's WebFrameMain, read-only. */
export interface FrameInfo {
  readonly url: string;
  readonly name: string;
  readonly parent: FrameInfo | null;
}

export function frameInfo(frame: Frame): FrameInfo {
  const parent = frame.parentFrame();
  return { url: toAppUrl(frame.url()), name: frame.name(), parent: parent ? frameInfo(parent) : null };
}

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
type DisplayMediaHandler = (
  request: { frame: FrameInfo; videoRequested: boolean; audioRequested: boolean; userGesture: boolean },
  callback: (streams: { video?: unknown; audio?: unknown }) => void,
) => void;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export interface ScreenSource {
  id: string;
  name: string;
  /** The thumbnail's colour (RGB); each source gets a distinct one when left out. */
  color?: [number, number, number];
}

export class Launch {
  readonly app = new EventEmitter();
  /** Emit 'suspend' / 'resume' to play the machine going to sleep and waking up. */
  readonly powerMonitor = new EventEmitter();
  readonly windows: StandInBrowserWindow[] = [];
  readonly schemes = new Set<string>();
  readonly privilegedSchemes = new Map<string, Record<string, boolean>>();
  readonly bindingNames = {
    invoke: '__electronStandInIpc',
    windowOpen: '__electronStandInWindowOpen',
    displayMedia: '__electronStandInDisplayMedia',
    contextMenu: '__electronStandInContextMenu',
  };
  readonly ipcHandlers = new Map<string, IpcHandler>();
  readonly protocolHandlers = new Map<string, ProtocolHandler>();
  displayMediaHandler: DisplayMediaHandler | null = null;
  permissionRequestHandler: unknown = null;
  permissionCheckHandler: unknown = null;
  readonly paths = new Map<string, string>();
  /** The default session (electron-module.ts), which each webContents also reaches. */
  defaultSession: unknown = null;

  // ---- recorded for tests ----
  readonly notifications: StandInNotification[] = [];
  readonly trays: StandInTray[] = [];
  applicationMenu: StandInMenu | null = null;
  readonly badgeCounts: number[] = [];
  readonly dialogs: PendingDialog[] = [];
  readonly openedExternally: string[] = [];
  readonly windowOpens: { url: string; action: string }[] = [];
  readonly navigations: { url: string; allowed: boolean }[] = [];
  readonly protocolResponses: { url: string; status: number; headers: Record<string, string> }[] = [];
  /** getDisplayMedia calls: what main's handler answered (a source id), 'denied', or 'pending'. */
  readonly displayMediaRequests: { frameUrl: string; result: string }[] = [];
  readonly desktopCapturerCalls: { types: string[]; thumbnailSize: { width: number; height: number } }[] = [];
  /** Every `net.request` URL (the updater's), and what was emitted on `autoUpdater`. */
  readonly netRequests: string[] = [];
  readonly autoUpdaterEvents: string[] = [];
  /** Every IPC invoke channel the pages called, in order. */
  readonly invocations: string[] = [];
  /** Uncaught errors in the app's pages (the blank-window kind). */
  readonly pageErrors: string[] = [];
  /** Pages nobody asked for (a popup that got past the window-open handler). */
  readonly strayPages: string[] = [];
  /** Menus main popped up (context menus), latest last. */
  readonly popups: StandInMenu[] = [];
  /** The OS clipboard: what Copy, Cut and `clipboard.writeText` left there. */
  clipboard: { text: string; image: string | null } = { text: '', image: null };
  /** The spell-checker: misspelled words and their suggestions; tests fill it. */
  readonly misspellings = new Map<string, string[]>();
  /** Words added to the custom dictionary (`addWordToSpellCheckerDictionary`). */
  readonly dictionary: string[] = [];
  spellCheckerLanguages: string[] = [];
  readonly availableSpellCheckerLanguages = ['de', 'en-GB', 'en-US', 'fr'];
  /** Schemes the app registered itself for (`setAsDefaultProtocolClient`). */
  readonly protocolClients: string[] = [];
  /** Every `setLoginItemSettings` call. */
  readonly loginItemSettings: Record<string, unknown>[] = [];
  /** Running powerSaveBlocker ids and their type; every start and stop in `powerSaveHistory`. */
  readonly powerSaveBlockers = new Map<number, string>();
  readonly powerSaveHistory: string[] = [];
  /** Answers for the next `dialog.showOpenDialog` calls (none: cancelled). */
  readonly openDialogAnswers: string[][] = [];
  screenSources: ScreenSource[] = [
    { id: 'screen:1:0', name: 'Entire screen' },
    { id: 'window:42:0', name: 'Editor' },
  ];

  sandboxEnabled = false;
  exitCode: number | null = null;
  readonly exited: Promise<number>;
  private resolveExited!: (code: number) => void;
  private readonly events = new EventEmitter();
  private quitting = false;

  constructor(
    readonly id: string,
    readonly context: BrowserContext,
    readonly cipher: KeyringCipher,
    readonly releaseLock: () => void,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve;
    });
  }

  /** Wires the context to this launch: IPC, window.open, display media, routing, popups. */
  async attach(): Promise<void> {
    const { context } = this;
    await context.exposeBinding(
      this.bindingNames.invoke,
      async ({ frame, page }, channel: string, args: unknown[]) => this.invoke(frame, page, channel, args),
    );
    await context.exposeBinding(this.bindingNames.windowOpen, ({ page }, url: string) =>
      this.windowOpen(page, url),
    );
    await context.exposeBinding(
      this.bindingNames.displayMedia,
      ({ frame }, request: { videoRequested: boolean; audioRequested: boolean }) =>
        this.displayMedia(frame, request),
    );
    await context.exposeBinding(this.bindingNames.contextMenu, ({ page }, params: Record<string, unknown>) =>
      this.contextMenu(page, params),
    );
    await context.route('**/*', (route) => this.route(route));
    context.on('page', (page) => {
      void page.opener().then((opener) => {
        if (!opener) return;
        this.strayPages.push(page.url());
        void page.close().catch(() => undefined);
      });
    });
  }

  windowCreated(window: StandInBrowserWindow): void {
    this.events.emit('window', window);
  }

  /** The first window, once its page has loaded. */
  async firstWindow(): Promise<StandInBrowserWindow> {
    const window =
      this.windows[0] ??
      (await new Promise<StandInBrowserWindow>((resolve, reject) => {
        this.events.once('window', resolve);
        void this.exited.then((code) =>
          reject(new Error(`the app exited (${code}) before opening a window`)),
        );
      }));
    await window.pageReady;
    await window.loaded;
    return window;
  }

  /** Electron emits 'window-all-closed' when the last window goes, except while quitting. */
  windowClosed(): void {
    if (this.quitting) return;
    if (this.windows.every((candidate) => candidate.isDestroyed())) this.app.emit('window-all-closed');
  }

  /** A message box appeared (main awaits the answer); tests answer it. */
  dialogShown(dialog: PendingDialog): void {
    this.dialogs.push(dialog);
    this.events.emit('dialog', dialog);
  }

  /** The next unanswered message box, waiting for one if there is none yet. */
  nextDialog(): Promise<PendingDialog> {
    const open = this.dialogs.find((dialog) => !dialog.answered);
    if (open) return Promise.resolve(open);
    return new Promise((resolve) => this.events.once('dialog', resolve));
  }

  /** `app.quit()`: before-quit, every window closes (any may refuse), will-quit, quit. */
  async quit(): Promise<boolean> {
    if (this.exitCode !== null) return true;
    const beforeQuit = cancellableEvent();
    this.quitting = true;
    this.app.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return (this.quitting = false);
    for (const window of [...this.windows]) {
      if (!window.close()) return (this.quitting = false);
    }
    const willQuit = cancellableEvent();
    this.app.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return (this.quitting = false);
    this.app.emit('quit', cancellableEvent(), 0);
    await this.terminate(0);
    return true;
  }

  /** `app.exit()`: no events, the process is gone. */
  async terminate(code: number): Promise<void> {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    this.releaseLock();
    for (const window of this.windows) window.destroy();
    await this.context.close().catch(() => undefined);
    this.resolveExited(code);
  }

  /** The profile directory main ended up using (`app.setPath('userData', …)`). */
  getUserDataDir(): string {
    return this.paths.get('userData') ?? '';
  }

  private async invoke(frame: Frame, page: Page, channel: string, args: unknown[]): Promise<unknown> {
    this.invocations.push(channel);
    const handler = this.ipcHandlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const window = this.windows.find((candidate) => candidate.page === page);
    const event = { sender: window?.webContents, senderFrame: frameInfo(frame), processId: 1 };
    return bytesToWire(await handler(event, ...(bytesFromWire(args) as unknown[])));
  }

  /** A right-click: the spell-checker adds its part, then 'context-menu' goes to main. */
  private contextMenu(page: Page, params: Record<string, unknown>): void {
    const window = this.windows.find((candidate) => candidate.page === page);
    const word = typeof params.wordAtCaret === 'string' ? params.wordAtCaret : '';
    const suggestions =
      params.isEditable && !this.dictionary.includes(word) ? this.misspellings.get(word) : undefined;
    const { wordAtCaret: _word, ...rest } = params;
    window?.webContents.emit('context-menu', cancellableEvent(), {
      ...rest,
      misspelledWord: suggestions ? word : '',
      dictionarySuggestions: suggestions ?? [],
    });
  }

  private windowOpen(page: Page, url: string): void {
    const window = this.windows.find((candidate) => candidate.page === page);
    const handler = window?.webContents.windowOpenHandler;
    const appUrl = toAppUrl(url);
    const { action } = handler ? handler({ url: appUrl }) : { action: 'allow' as const };
    // The stand-in opens no second window; a test sees `allow` here and fails on it.
    this.windowOpens.push({ url: appUrl, action });
  }

  private displayMedia(
    frame: Frame,
    request: { videoRequested: boolean; audioRequested: boolean },
  ): Promise<boolean> {
    const record = { frameUrl: toAppUrl(frame.url()), result: 'pending' };
    this.displayMediaRequests.push(record);
    const handler = this.displayMediaHandler;
    if (!handler) {
      record.result = 'denied';
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      handler({ frame: frameInfo(frame), ...request, userGesture: true }, (streams) => {
        const video = streams.video as { id?: string } | undefined;
        record.result = video ? (video.id ?? 'granted') : 'denied';
        resolve(video !== undefined);
      });
    });
  }

  private async route(route: Route): Promise<void> {
    try {
      await this.routeRequest(route);
    } catch (error) {
      // A throwing protocol handler: Chromium sees a failed request, the test sees why
      // (requests cut off by quitting are nobody's error).
      if (this.exitCode === null)
        this.pageErrors.push(`stand-in: ${route.request().url()}: ${String(error)}`);
      await route.abort('failed').catch(() => undefined);
    }
  }

  private async routeRequest(route: Route): Promise<void> {
    const request = route.request();
    const url = request.url();
    const frame = request.isNavigationRequest() ? request.frame() : null;
    const window = frame
      ? this.windows.find((candidate) => candidate.page?.mainFrame() === frame)
      : undefined;
    if (window && !window.consumeLoad(url)) {
      // A navigation the page started: Electron asks 'will-navigate' first.
      const event = cancellableEvent();
      window.webContents.emit('will-navigate', event, toAppUrl(url));
      this.navigations.push({ url: toAppUrl(url), allowed: !event.defaultPrevented });
      // ERR_ABORTED cancels the navigation and leaves the page as it was, as Electron does.
      if (event.defaultPrevented) return route.abort('aborted');
    }
    if (!isStandInOrigin(url)) return route.fallback();
    const appUrl = toAppUrl(url);
    const handler = this.protocolHandlers.get(new URL(appUrl).protocol.slice(0, -1));
    if (!handler) return route.abort('failed');
    const response = await handler(
      new Request(appUrl, { method: request.method(), headers: await request.allHeaders() }),
    );
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    this.protocolResponses.push({ url: appUrl, status: response.status, headers });
    await route.fulfill({
      status: response.status,
      headers,
      body: Buffer.from(await response.arrayBuffer()),
    });
  }
}

/**
 * Bytes across the Playwright binding (see page-runtime.js): Electron's structured clone keeps
 * ArrayBuffers and typed arrays, the binding's JSON does not, so both sides tag and rebuild them.
 */
const BYTES = '__parleyStandInBytes';
const AS_BUFFER = '__parleyStandInArrayBuffer';

function bytesFromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(bytesFromWire);
  if (value !== null && typeof value === 'object') {
    const tagged = (value as Record<string, unknown>)[BYTES];
    if (Array.isArray(tagged)) {
      const bytes = Uint8Array.from(tagged as number[]);
      return (value as Record<string, unknown>)[AS_BUFFER] ? bytes.buffer : bytes;
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bytesFromWire(item)]));
  }
  return value;
}

function bytesToWire(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { [BYTES]: Array.from(new Uint8Array(value)), [AS_BUFFER]: true };
  if (value instanceof Uint8Array) return { [BYTES]: Array.from(value) };
  if (Array.isArray(value)) return value.map(bytesToWire);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bytesToWire(item)]));
  }
  return value;
}
