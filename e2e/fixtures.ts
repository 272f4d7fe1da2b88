/**
 * Shared Playwright fixtures: a real Parley server per worker (serving the built web client),
 * fresh browser contexts per simulated device, and UI helpers that act like a user would.
 * Used by chat.spec.ts and calls.spec.ts.
 *
 *   test('...', async ({ parley, openClient }) => {
 *     const alice = await openClient();                   // a new device (own storage)
 *     const aliceUser = await signUpNewUser(alice, parley.url, 'Alice');
 *   });
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';
import { registerUser, startTestServer, type TestServer } from '../server/test/harness.js';
import type { ParleyHost } from '@parley/shared';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** The web client `npm run build:web` produced; the server serves it at `/`. */
export const WEB_DIR = process.env.WEB_DIR ?? join(repoRoot, 'out', 'renderer');

/** A worker's server. `stop()`/`start()` keep the data directory and the port, like a restart in production. */
export interface ParleyServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234`; unchanged across restarts. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface E2eUser {
  username: string;
  password: string;
  displayName: string;
}

interface WorkerFixtures {
  parley: ParleyServerHandle;
}

interface TestFixtures {
  /**
   * Opens the web client in a new browser context: a separate device with its own storage.
   * Contexts are closed after the test.
   */
  openClient: (options?: BrowserContextOptions & { path?: string }) => Promise<Page>;
}

let nameCounter = 0;

/** A username unique across workers and runs (the server keeps no state between runs anyway). */
export function uniqueUser(displayName: string): E2eUser {
  const slug = displayName.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const suffix = `${process.pid % 10000}${(++nameCounter).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  return { username: `${slug}_${suffix}`.slice(0, 32), password: `pw-${slug}-secret-1`, displayName };
}

/** A user registered straight through the HTTP API (fast; for users whose sign-up is not under test). */
export interface ApiUser extends E2eUser {
  id: string;
  accessToken: string;
}

export async function registerViaApi(serverUrl: string, displayName: string): Promise<ApiUser> {
  const { username } = uniqueUser(displayName);
  const r = await registerUser(serverUrl, username, displayName);
  return { id: r.user.id, username, password: r.password, displayName, accessToken: r.accessToken };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  parley: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern.
    async ({}, use) => {
      const workDir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
      const dataDir = join(workDir, 'data');
      await mkdir(dataDir);
      // A private copy of the web client: a rebuild of out/renderer while tests run (another
      // `npm run test:e2e`, a watcher) would otherwise pull the files out from under the server.
      const webDir = join(workDir, 'web');
      await cp(WEB_DIR, webDir, { recursive: true });
      let server: TestServer | null = await startTestServer({ dataDir, webDir });
      const url = server.url;
      const port = Number(new URL(url).port);
      const handle: ParleyServerHandle = {
        url,
        dataDir,
        async stop() {
          await server?.close({ keepData: true });
          server = null;
        },
        async start() {
          if (server) return;
          server = await startTestServer({ dataDir, webDir, port });
        },
      };
      await use(handle);
      await server?.close({ keepData: true });
      await rm(workDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  openClient: async ({ browser, parley }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    // The app ships a strict Content-Security-Policy; anything it blocks is a bug.
    const cspViolations: string[] = [];
    await use(async (options = {}) => {
      const { path = '/', ...contextOptions } = options;
      const context = await browser.newContext({ baseURL: parley.url, ...contextOptions });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text()))
          cspViolations.push(msg.text());
      });
      await page.goto(path);
      return page;
    });
    await Promise.all(contexts.map((c) => c.close()));
    expect(cspViolations, 'Content-Security-Policy violations').toEqual([]);
  },
});

export { expect };

// ---------- UI helpers: what a user does, by role and label ----------

/** Fills the sign-up form and waits for the signed-in shell. */
export async function signUp(page: Page, user: E2eUser, serverUrl?: string): Promise<void> {
  await page.getByRole('tab', { name: 'Create account' }).click();
  if (serverUrl) await page.getByLabel('Server').fill(serverUrl);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel(/Display name/).fill(user.displayName);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(accountChip(page)).toContainText(user.displayName);
}

/** Fills the sign-in form and waits for the signed-in shell (or, with `expectError`, for the error). */
export async function signIn(
  page: Page,
  user: E2eUser,
  options: { expectError?: boolean } = {},
): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (options.expectError) await expect(page.locator('.form-error')).toBeVisible();
  else await expect(accountChip(page)).toContainText(user.displayName);
}

/** Registers a fresh user through the UI and returns it. */
export async function signUpNewUser(page: Page, displayName: string): Promise<E2eUser> {
  const user = uniqueUser(displayName);
  await signUp(page, user);
  return user;
}

export function accountChip(page: Page): Locator {
  return page.getByRole('button', { name: /^Account:/ });
}

/** The connection status under the account name ("Online", "Connecting…", "Offline"). */
export function connectionStatus(page: Page): Locator {
  return page.getByTestId('connection-status');
}

/**
 * Waits until the client is connected again, pressing "Retry now" whenever the bar offers it
 * (what an impatient user does; otherwise the backoff may wait up to 30 s).
 */
export async function waitUntilOnline(page: Page, timeout = 45_000): Promise<void> {
  await expect(async () => {
    const retry = page.getByRole('button', { name: 'Retry now' });
    if (await retry.isVisible()) await retry.click({ timeout: 1000 }).catch(() => undefined);
    await expect(connectionStatus(page)).toHaveText('Online', { timeout: 1500 });
  }).toPass({ timeout, intervals: [250, 500, 1000] });
}

/** A conversation in the sidebar list, by its title. */
export function conversationRow(page: Page, title: string): Locator {
  return page
    .getByRole('navigation', { name: 'Conversation list' })
    .getByRole('button', { name: new RegExp(`^${escapeRegExp(title)}`) });
}

/** Opens "New chat", searches for the user and starts (or reopens) the direct conversation. */
export async function startDirectChat(page: Page, other: E2eUser): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('menuitem', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Search people').fill(other.username);
  await dialog.getByRole('option', { name: new RegExp(escapeRegExp(other.username)) }).click();
  await expect(dialog).toBeHidden();
  await expect(chatTitle(page)).toHaveText(other.displayName);
}

export function chatTitle(page: Page): Locator {
  return page.locator('.chat-header').getByRole('heading', { level: 1 });
}

/** The messages of the open conversation. */
export function messages(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' }).getByTestId('message');
}

/**
 * Marks every conversation read, as if read on another device: a chat then opens at its newest
 * message rather than at "New messages" (where a chat with unread messages opens).
 */
export async function markAllRead(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const host = (window as unknown as { parley: ParleyHost }).parley;
    const { conversations } = await host.getState();
    await Promise.all(
      conversations.filter((c) => c.unreadCount > 0).map((c) => host.conversations.markRead(c.id, c.lastSeq)),
    );
  });
}

/** Types a message in the composer and presses Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
}

/** The text bodies of the loaded messages, in order: `await expect(messageBodies(page)).toHaveText([...])`. */
export function messageBodies(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' }).locator('.msg-body');
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
