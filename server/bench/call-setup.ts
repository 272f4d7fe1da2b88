/**
 * Call setup: from the callee's Accept to the first remote video frame on both sides, over
 * real WebRTC in Debian's Chromium (fake camera and microphone, loopback network), for
 * Parley's web client against a bare RTCPeerConnection baseline in the same browser and run,
 * interleaved call by call.
 *
 * - **Parley**: the real server (its own process, serving the built web client), two signed-in
 *   browser contexts with a direct conversation; the caller presses "Video call", the callee's
 *   dialog rings for `ringMs` (a person takes a moment to answer), then "Accept with video".
 *   Times come from the pages' own marks (`window.__parleyCall.marks`, Date.now(), one machine).
 * - **bare**: two pages with nothing but RTCPeerConnection, getUserMedia at 640×480 and a data
 *   channel, signaling over the bare `ws` relay of relay.ts. The caller opens its media, makes
 *   its offer and sends it with its candidates while ringing; the callee has its media open
 *   while ringing and, on Accept, answers. That is the least a WebRTC call can do on this machine
 *   with the same steps; `--bare-media-at-accept` opens the callee's media only on Accept (the
 *   order Parley used before, and the issue's first reference).
 *
 * The web client must be built (`npm run build:web`); it is built here when out/renderer is
 * missing. `--web-dir` and `--bin` run another build (e.g. main's) for a before/after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type JSHandle, type Page } from '@playwright/test';
import { percentile, printTable, repoDir, round, serverDir, sleep, spawnUntilUrl, type Proc } from './lib.js';
import { startSystem, type StartOptions } from './systems.js';

export interface CallSetupOptions {
  /** Calls per system. */
  calls: number;
  /** How long the callee's dialog rings before Accept is pressed. */
  ringMs: number;
  /** The bare baseline opens the callee's media on Accept instead of while ringing. */
  bareMediaAtAccept: boolean;
  /** The built web client to serve (default out/renderer). */
  webDir?: string;
  start: StartOptions;
}

/** One call's times, in ms after the callee pressed Accept. */
interface CallTimes {
  system: 'Parley' | 'bare';
  /** The callee's local media was open (negative: before Accept). */
  calleeMedia: number | null;
  /** The callee had the caller's offer. */
  offer: number | null;
  /** The callee had the server's ack of its accept (Parley only). */
  acceptAck: number | null;
  /** The callee sent its answer. */
  answerSent: number | null;
  /** The caller had the answer. */
  answerIn: number | null;
  /** The callee's transport is up (connectionState 'connected': ICE and DTLS done). */
  transportUp: number | null;
  /** Parley: the data channel is open too (simple-peer's connect); bare: = transportUp. */
  connected: number | null;
  calleeFrame: number;
  callerFrame: number;
  /** Both sides show the other's video: max of the two frames. */
  both: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT = 30_000;

export async function callSetup(options: CallSetupOptions) {
  const webDir = options.webDir ?? join(repoDir, 'out', 'renderer');
  if (!existsSync(join(webDir, 'index.html'))) {
    if (options.webDir) throw new Error(`${webDir} holds no built web client`);
    console.log('call-setup: building the web client (npm run build:web)');
    execFileSync('npm', ['run', 'build:web'], { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const parley = await startSystem('parley', {
    ...options.start,
    env: { ...options.start.env, WEB_DIR: webDir, CALL_RATE: '100000' },
  });
  const relay = await spawnUntilUrl(['--import', 'tsx', join(serverDir, 'bench', 'relay.ts'), 'ws']);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const parleyPair = await parleyCalls(browser, parley.proc.url, options.start.profile);
    const barePair = await bareCalls(browser, relay, options.bareMediaAtAccept);
    const rows: CallTimes[] = [];
    for (let i = 0; i < options.calls; i++) {
      // Interleaved, alternating which goes first, so both see the same machine.
      const order = i % 2 === 0 ? [parleyPair, barePair] : [barePair, parleyPair];
      for (const pair of order) rows.push(await pair.call(options.ringMs));
    }
    return summarise(rows, options);
  } finally {
    await browser.close();
    await relay.stop();
    await parley.stop();
  }
}

function summarise(rows: CallTimes[], options: CallSetupOptions) {
  const stats = (system: CallTimes['system']) => {
    const mine = rows.filter((r) => r.system === system);
    const sorted = (f: (r: CallTimes) => number | null) =>
      mine
        .map(f)
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
    const both = sorted((r) => r.both);
    return {
      calls: mine.length,
      median: median(both),
      p90: percentile(both, 90),
      min: both[0] ?? NaN,
      max: both.at(-1) ?? NaN,
      calleeMedia: median(sorted((r) => r.calleeMedia)),
      offer: median(sorted((r) => r.offer)),
      acceptAck: median(sorted((r) => r.acceptAck)),
      answerSent: median(sorted((r) => r.answerSent)),
      answerIn: median(sorted((r) => r.answerIn)),
      transportUp: median(sorted((r) => r.transportUp)),
      connected: median(sorted((r) => r.connected)),
      calleeFrame: median(sorted((r) => r.calleeFrame)),
      callerFrame: median(sorted((r) => r.callerFrame)),
    };
  };
  const bare = stats('bare');
  const table = (['Parley', 'bare'] as const).map((system) => {
    const s = system === 'Parley' ? stats('Parley') : bare;
    return {
      system: system === 'bare' ? 'bare RTCPeerConnection' : 'Parley',
      calls: s.calls,
      'median ms': round(s.median, 0),
      'p90 ms': round(s.p90, 0),
      'min ms': round(s.min, 0),
      'max ms': round(s.max, 0),
      'median ÷ bare': round(s.median / bare.median),
      'callee media ms': round(s.calleeMedia, 0),
      'offer ms': round(s.offer, 0),
      'accept ack ms': round(s.acceptAck, 0),
      'answer sent ms': round(s.answerSent, 0),
      'answer at caller ms': round(s.answerIn, 0),
      'transport up ms': round(s.transportUp, 0),
      'connected ms': round(s.connected, 0),
      'callee frame ms': round(s.calleeFrame, 0),
      'caller frame ms': round(s.callerFrame, 0),
    };
  });
  printTable(
    `call setup: Accept → first remote frame on both sides, ${options.calls} calls each, ring ${options.ringMs} ms` +
      (options.bareMediaAtAccept ? ', bare callee opens media on Accept' : ''),
    table,
  );
  return {
    calls: options.calls,
    ringMs: options.ringMs,
    bareMediaAtAccept: options.bareMediaAtAccept,
    table,
    rows,
  };
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What the pages expose: Parley's call debug hook, or the bare page's API. */
type PageGlobals = {
  __parleyCall?: { readonly marks: Marks | null };
  __bare?: {
    marks: BareMarks;
    ready: Promise<void>;
    ringing(): boolean;
    call(): Promise<void>;
    accept(): Promise<void>;
    hangUp(): void;
  };
};
/**
 * Runs `fn` in the page with the page's globalThis as its argument (this file is compiled for
 * Node, without DOM types). Page functions declare no named functions inside: tsx would wrap
 * them in a helper the page does not have.
 */
async function inPage<T>(page: Page, fn: (g: PageGlobals) => T): Promise<Awaited<T>> {
  const globals = (await page.evaluateHandle('globalThis')) as JSHandle<PageGlobals>;
  try {
    return (await page.evaluate(fn, globals)) as Awaited<T>;
  } finally {
    void globals.dispose().catch(() => {});
  }
}

/** Polls `fn` in the page until it returns a truthy value. */
async function waitFor<T>(page: Page, fn: (g: PageGlobals) => T | null | false, what: string): Promise<T> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const value = await inPage(page, fn);
    if (value) return value as T;
    if (Date.now() > deadline) {
      const marks = await inPage(page, (g) =>
        JSON.stringify(g.__parleyCall?.marks ?? g.__bare?.marks ?? null),
      );
      throw new Error(`call-setup: timed out waiting for ${what} (marks ${marks})`);
    }
    await sleep(20);
  }
}

async function newContext(browser: Browser, baseURL?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...(baseURL ? { baseURL } : {}),
    viewport: { width: 1280, height: 800 },
  });
  // A returning user has allowed the camera and microphone before.
  await context.grantPermissions(['camera', 'microphone'], baseURL ? { origin: baseURL } : undefined);
  return context;
}

// ---------------------------------------------------------------------------------------------
// Parley: the real web client

type Marks = Record<
  | 'acceptRequestedAt'
  | 'acceptedAt'
  | 'localMediaAt'
  | 'firstSignalAt'
  | 'firstSignalSentAt'
  | 'transportUpAt'
  | 'connectedAt'
  | 'firstRemoteFrameAt',
  number | null
>;

/**
 * `profileDir`: each call also writes a CPU profile of the callee's page (its main thread,
 * sampled every 100 µs) from just before Accept to its first remote frame,
 * `callee-<n>.cpuprofile`, next to the server's.
 */
async function parleyCalls(browser: Browser, url: string, profileDir?: string) {
  const run = Date.now().toString(36);
  let calls = 0;
  const open = async (name: string) => {
    const page = await (await newContext(browser, url)).newPage();
    await page.goto('/');
    await page.getByRole('tab', { name: 'Create account' }).click();
    await page.getByLabel('Username').fill(`${name.toLowerCase()}_${run}`);
    await page.getByLabel(/Display name/).fill(name);
    await page.getByLabel('Password').fill(`pw-${name}-bench-1`);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.getByRole('button', { name: /^Account:/ }).waitFor({ timeout: TIMEOUT });
    return page;
  };
  const caller = await open('Alice');
  const callee = await open('Bob');
  // Each opens the direct chat from New chat (an empty chat is listed for its creator only).
  const header = (page: Page) => page.locator('.chat-header');
  const openChat = async (page: Page, username: string, title: string) => {
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByRole('menuitem', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByLabel('Search people').fill(username);
    await dialog.getByRole('option', { name: new RegExp(username) }).click();
    await dialog.waitFor({ state: 'hidden' });
    await header(page).getByRole('heading', { level: 1, name: title }).waitFor();
  };
  await openChat(caller, `bob_${run}`, 'Bob');
  await openChat(callee, `alice_${run}`, 'Alice');

  const marks = (page: Page) =>
    waitFor(
      page,
      (g) => (g.__parleyCall?.marks?.firstRemoteFrameAt ? g.__parleyCall.marks : null),
      'the first remote frame',
    );

  return {
    async call(ringMs: number): Promise<CallTimes> {
      await header(caller).getByRole('button', { name: 'Video call', exact: true }).click();
      const accept = callee.getByRole('button', { name: 'Accept with video' });
      await accept.waitFor({ timeout: TIMEOUT });
      await sleep(ringMs);
      const cdp = profileDir ? await callee.context().newCDPSession(callee) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      await accept.click();
      const [a, b] = await Promise.all([marks(caller), marks(callee)]);
      calls++;
      if (cdp && profileDir) {
        const { profile } = await cdp.send('Profiler.stop');
        mkdirSync(profileDir, { recursive: true });
        writeFileSync(join(profileDir, `callee-${calls}.cpuprofile`), JSON.stringify(profile));
        await cdp.detach();
      }
      const at = b.acceptRequestedAt!;
      const since = (t: number | null) => (t === null ? null : t - at);
      const times: CallTimes = {
        system: 'Parley',
        calleeMedia: since(b.localMediaAt),
        offer: since(b.firstSignalAt),
        acceptAck: since(b.acceptedAt),
        answerSent: since(b.firstSignalSentAt),
        answerIn: since(a.firstSignalAt),
        transportUp: since(b.transportUpAt),
        connected: since(b.connectedAt),
        calleeFrame: b.firstRemoteFrameAt! - at,
        callerFrame: a.firstRemoteFrameAt! - at,
        both: Math.max(b.firstRemoteFrameAt!, a.firstRemoteFrameAt!) - at,
      };
      await caller.getByRole('button', { name: 'Hang up' }).click();
      for (const page of [caller, callee]) {
        const close = page.getByRole('button', { name: 'Close call screen' });
        await close.click({ timeout: 5000 }).catch(() => undefined);
        await page.getByTestId('call-ended').waitFor({ state: 'hidden', timeout: TIMEOUT });
      }
      return times;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// bare: RTCPeerConnection and a ws relay, nothing else

interface BareMarks {
  accept: number | null;
  media: number | null;
  offer: number | null;
  answerSent: number | null;
  answerIn: number | null;
  connected: number | null;
  frame: number | null;
}

async function bareCalls(browser: Browser, relay: Proc, mediaAtAccept: boolean) {
  const origin = relay.url;
  const room = `call-${Date.now().toString(36)}`;
  const open = async (role: 'caller' | 'callee') => {
    const page = await (await newContext(browser, origin)).newPage();
    // Served by the relay itself: 127.0.0.1 is a secure context for getUserMedia.
    const query = new URLSearchParams({
      relay: `${origin.replace(/^http/, 'ws')}/?room=${room}`,
      role,
      early: mediaAtAccept ? '0' : '1',
    });
    await page.goto(`${origin}/bare-call.html?${query}`);
    await inPage(page, (g) => g.__bare!.ready);
    return page;
  };
  const caller = await open('caller');
  const callee = await open('callee');
  const marks = (page: Page) =>
    waitFor(page, (g) => (g.__bare!.marks.frame ? g.__bare!.marks : null), 'the first remote frame (bare)');

  return {
    async call(ringMs: number): Promise<CallTimes> {
      await inPage(caller, (g) => g.__bare!.call());
      await waitFor(callee, (g) => g.__bare!.ringing(), 'the bare offer');
      await sleep(ringMs);
      await inPage(callee, (g) => g.__bare!.accept());
      const [a, b] = await Promise.all([marks(caller), marks(callee)]);
      const at = b.accept!;
      const times: CallTimes = {
        system: 'bare',
        calleeMedia: b.media! - at,
        offer: b.offer! - at,
        acceptAck: null,
        answerSent: b.answerSent === null ? null : b.answerSent - at,
        answerIn: a.answerIn === null ? null : a.answerIn - at,
        transportUp: b.connected === null ? null : b.connected - at,
        connected: b.connected === null ? null : b.connected - at,
        calleeFrame: b.frame! - at,
        callerFrame: a.frame! - at,
        both: Math.max(a.frame!, b.frame!) - at,
      };
      for (const page of [caller, callee]) await inPage(page, (g) => g.__bare!.hangUp());
      return times;
    },
  };
}
