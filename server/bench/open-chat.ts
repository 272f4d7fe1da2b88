/**
 * open-chat: the web client in Chromium (Playwright) against a real Parley server, for a user
 * with many conversations, one of which receives many messages while the user is away.
 *
 * (a) list → rows: a signed-in reload (the offline cache cleared, so the rows can only come
 *     from the server's answer): from the end of the `GET /api/conversations` response to
 *     the first conversation rows painted.
 * (b) big chat → newest: the big chat was open when the user left; `messages` arrive; the
 *     user comes back and the app reopens it. From the end of the first catch-up page of that
 *     conversation to its newest message fully visible in the message list (and from the
 *     navigation's start, for the whole picture).
 *
 * It asserts nothing about time (the machine is shared); it prints a table and writes JSON.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type {
  AuthResponse,
  ClientToServerEvents,
  ConversationResponse,
  ServerToClientEvents,
} from '@parley/shared';
import { pool, printTable, repoDir, round, serverDir, spawnUntilUrl } from './lib.js';

export interface OpenChatOptions {
  /** Conversations of the measured user, the big chat included. */
  conversations: number;
  /** Messages that arrive in the big chat while the user is away (per round). */
  messages: number;
  rounds: number;
  /** The built web client (default out/renderer; built first when missing). */
  webDir?: string;
  /** How long to wait for each measured state before calling it not reached. */
  timeoutMs?: number;
}

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function connect(url: string, token: string): Promise<ParleySocket> {
  const socket: ParleySocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function sendAll(socket: ParleySocket, conversationId: string, bodies: string[]): Promise<void> {
  await pool(bodies, 50, async (body) => {
    const ack = await socket.emitWithAck('message:send', {
      conversationId,
      clientId: crypto.randomUUID(),
      body,
    });
    if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack)}`);
  });
}

/** The web client the server serves; built with Vite when it is not there yet. */
async function ensureWebBuild(webDir: string): Promise<void> {
  if (existsSync(join(webDir, 'index.html'))) return;
  console.log(`open-chat: building the web client into ${webDir} (npm run build:web)`);
  await promisify(execFile)('npm', ['run', 'build:web'], { cwd: repoDir, maxBuffer: 64 * 1024 * 1024 });
}

/** In the page, before any app script: when the list answer ended and when rows were painted. */
const LIST_PROBE = `
  (() => {
    window.__bench = { listEnd: null, rowsAt: null };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        if (new URL(e.name).pathname === '/api/conversations' && window.__bench.listEnd === null)
          window.__bench.listEnd = e.responseEnd;
    }).observe({ type: 'resource', buffered: true });
    const rows = () => document.querySelector('nav[aria-label="Conversation list"] [data-conversation-id]');
    const observer = new MutationObserver(() => {
      if (!rows()) return;
      observer.disconnect();
      // Painted: the frame after the one that committed the rows.
      requestAnimationFrame(() => requestAnimationFrame(() => (window.__bench.rowsAt = performance.now())));
    });
    const start = () => observer.observe(document, { subtree: true, childList: true });
    if (document.documentElement) start(); else document.addEventListener('readystatechange', start, { once: true });
  })();`;

interface ListProbe {
  listEnd: number | null;
  rowsAt: number | null;
}

/**
 * In the page, before any app script: when the first answer about the conversation in
 * `bench.chat` ended, and when the message whose text is `bench.newest` (both in session
 * storage) was first fully inside the message list.
 */
const NEWEST_PROBE = `
  (() => {
    const conversationId = sessionStorage.getItem('bench.chat');
    const body = sessionStorage.getItem('bench.newest');
    if (!conversationId || !body) return;
    window.__chat = { firstPageEnd: null, newestAt: null };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const path = new URL(e.name).pathname;
        if (path.startsWith('/api/conversations/' + conversationId + '/') && window.__chat.firstPageEnd === null)
          window.__chat.firstPageEnd = e.responseEnd;
      }
    }).observe({ type: 'resource', buffered: true });
    const check = () => {
      const scroller = document.querySelector('.message-scroller');
      if (scroller) {
        const box = scroller.getBoundingClientRect();
        for (const el of scroller.querySelectorAll('.msg-body')) {
          if (el.textContent.trim() !== body) continue;
          const r = el.getBoundingClientRect();
          if (r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1) {
            window.__chat.newestAt = performance.now();
            return;
          }
        }
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })();`;

async function signIn(page: Page, username: string, password: string, displayName: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: new RegExp(`^Account:.*${displayName}`) }).waitFor();
}

/**
 * Waits (without eval: the app's CSP forbids it) until every field of the page global `name`
 * is set; after `timeoutMs`, returns what it has (a missing time: not reached; main before
 * this branch never reached the newest of 1,000 new messages: its smooth scroll fell behind).
 */
async function waitForProbe<T>(
  page: Page,
  name: '__bench' | '__chat',
  timeoutMs: number,
): Promise<Partial<T>> {
  try {
    const handle = await page.waitForFunction(
      (key) => {
        const probe = (globalThis as unknown as Record<string, Record<string, unknown> | undefined>)[key];
        return probe && Object.values(probe).every((v) => v !== null) ? probe : null;
      },
      name,
      { timeout: timeoutMs, polling: 100 },
    );
    return (await handle.jsonValue()) as T;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'TimeoutError') throw error;
    const seen = await page.evaluate(
      (key) => JSON.stringify((globalThis as unknown as Record<string, unknown>)[key] ?? {}),
      name,
    );
    const shot = join(tmpdir(), `parley-bench-${name}.png`);
    await page.screenshot({ path: shot, timeout: 5000 }).catch(() => undefined);
    console.error(`open-chat: ${name} not complete after ${timeoutMs} ms: ${seen} (screenshot ${shot})`);
    return JSON.parse(seen) as Partial<T>;
  }
}

/** b − a in whole ms, or null when either was not reached. */
const span = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null ? null : round(b - a, 0);

export async function openChat(o: OpenChatOptions) {
  const webDir = o.webDir ?? join(repoDir, 'out', 'renderer');
  await ensureWebBuild(webDir);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-open-chat-'));
  const server = await spawnUntilUrl(['--import', 'tsx', join(serverDir, 'src', 'bin.ts')], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WEB_DIR: webDir,
    LOG_LEVEL: 'warn',
    MESSAGE_RATE: '100000',
    LOGIN_RATE: '100000',
    REGISTRATION_RATE: '100000',
    SCRYPT_LOG_N: '10',
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
  });
  const sockets: ParleySocket[] = [];
  try {
    const url = server.url;
    const run = Date.now().toString(36);
    const password = 'bench-password';
    const register = (username: string, displayName: string) =>
      post<AuthResponse>(`${url}/api/auth/register`, { username, password, displayName });
    const me = await register(`me${run}`, 'Bench Reader');
    const pal = await register(`pal${run}`, 'Big Pal');
    // The big chat, and conversations - 1 groups of the user and Pal, each with one message
    // from Pal (a preview and an unread badge per row, like a real list).
    const big = (
      await post<ConversationResponse>(
        `${url}/api/conversations`,
        { type: 'direct', userId: me.user.id },
        pal.accessToken,
      )
    ).conversation;
    const groups = await pool(
      Array.from({ length: o.conversations - 1 }, (_, i) => i),
      8,
      async (i) =>
        (
          await post<ConversationResponse>(
            `${url}/api/conversations`,
            { type: 'group', title: `Group number ${i + 1}`, memberIds: [me.user.id] },
            pal.accessToken,
          )
        ).conversation,
    );
    const palSocket = await connect(url, pal.accessToken);
    sockets.push(palSocket);
    await pool(groups, 50, (g) => sendAll(palSocket, g.id, [`Hello group ${g.title ?? ''}`]));
    await sendAll(palSocket, big.id, ['The first message of the big chat']);

    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto('/');
    await signIn(page, me.user.username, password, 'Bench Reader');

    // (a) list → rows, on reloads without the offline cache.
    await page.locator('nav[aria-label="Conversation list"] [data-conversation-id]').first().waitFor();
    await context.addInitScript(`try { localStorage.removeItem('parley:stateCache'); } catch {}`);
    await context.addInitScript(LIST_PROBE);
    const table: Record<string, unknown>[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      await page.reload();
      const probe = await waitForProbe<ListProbe>(page, '__bench', o.timeoutMs ?? 120_000);
      table.push({
        round: r,
        measure: `list of ${o.conversations} → rows painted`,
        'ms after response': span(probe.listEnd, probe.rowsAt),
        'ms after navigation start': span(0, probe.rowsAt),
      });
    }
    // The later navigations keep the cache, as a real reopen does.
    await context.close();

    // (b) the big chat was open, `messages` arrived meanwhile, the user comes back.
    const context2 = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    const chat = await context2.newPage();
    await chat.goto('/');
    await signIn(chat, me.user.username, password, 'Bench Reader');
    await chat.getByLabel('Filter conversations').fill('Big Pal');
    await chat.locator('nav[aria-label="Conversation list"] [data-conversation-id]').first().click();
    let sent = 1;
    await chat.locator('.msg-body', { hasText: 'The first message of the big chat' }).waitFor();
    await chat.addInitScript(NEWEST_PROBE);
    for (let r = 1; r <= o.rounds; r++) {
      // Read and cached (the client core writes its offline cache within a second).
      // Read to the end, and cached so (the client core writes its offline cache within a second):
      // the reopened chat has nothing unread from before, so it opens at its newest message.
      await chat.waitForFunction(
        ([id, lastSeq]) => {
          const cache = JSON.parse(localStorage.getItem('parley:stateCache') ?? 'null') as {
            conversations?: { id: string; lastSeq: number; unreadCount: number }[];
          } | null;
          const c = cache?.conversations?.find((x) => x.id === id);
          return c !== undefined && c.lastSeq >= lastSeq && c.unreadCount === 0;
        },
        [big.id, big.lastSeq + sent] as const,
        { timeout: 30_000 },
      );
      await chat.evaluate(
        ([id, newest]) => {
          sessionStorage.setItem('bench.chat', id);
          sessionStorage.setItem('bench.newest', newest);
        },
        [big.id, `big chat message ${sent + o.messages}`] as const,
      );
      await chat.goto('about:blank');
      const bodies = Array.from({ length: o.messages }, (_, i) => `big chat message ${sent + i + 1}`);
      await sendAll(palSocket, big.id, bodies);
      sent += o.messages;
      await chat.goto('/');
      const probe = await waitForProbe<{ firstPageEnd: number; newestAt: number }>(
        chat,
        '__chat',
        o.timeoutMs ?? 120_000,
      );
      table.push({
        round: r,
        measure: `big chat, ${o.messages} new → newest visible`,
        'ms after response': span(probe.firstPageEnd, probe.newestAt),
        'ms after navigation start': span(0, probe.newestAt),
      });
      if (probe.newestAt == null) {
        // Not reached: bring it into view (as the user would), so the next round starts read.
        await chat.getByRole('button', { name: /^Jump to latest/ }).click();
      }
    }
    await context2.close();

    printTable(
      `open-chat: ${o.conversations} conversations, ${o.messages} new messages in the open chat, web client in Chromium`,
      table,
    );
    return { options: o, table };
  } finally {
    for (const s of sockets) s.close();
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
