/**
 * Several servers in one desktop app: an account on each of two real servers, both connected at
 * once. Messages to the account not on screen count on its rail button and notify with the
 * account's name; a click switches to it, and so does a parley:// link to the other server. A restart brings both back without signing in;
 * removing an account signs it out (its refresh token no longer works) and deletes its store.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { STORAGE_KEYS } from '@parley/shared/client';
import { standInKeyring, type DesktopApp } from '../../electron/test/stand-in/runtime.js';
import {
  connectSocket,
  createConversation,
  registerUser,
  sendMessage,
  startTestServer,
  type TestServer,
} from '../../server/test/harness.js';
import {
  accountChip,
  chatTitle,
  conversationRow,
  messageBodies,
  registerViaApi,
  signIn,
  waitUntilOnline,
} from '../fixtures.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ timeout: 150_000 });

let second: TestServer;
test.beforeAll(async () => {
  second = await startTestServer();
});
test.afterAll(async () => {
  await second.close();
});

const rail = (page: Page) => page.getByRole('navigation', { name: 'Accounts' });
const railButton = (page: Page, name: RegExp) => rail(page).getByRole('button', { name });
const shown = (app: DesktopApp) => app.notifications.filter((n) => n.shown);

interface SavedAccounts {
  list: { id: string; store: string; serverUrl: string | null }[];
  active: string;
}
async function savedAccounts(userDataDir: string): Promise<SavedAccounts> {
  const settings = JSON.parse(await readFile(join(userDataDir, 'settings.json'), 'utf8')) as {
    accounts: SavedAccounts;
  };
  return settings.accounts;
}

test('two accounts on two servers: unread per account, named notifications, restart, remove', async ({
  launchDesktop,
  startDesktop,
  parley,
}) => {
  const firstHost = new URL(parley.url).host;
  const secondHost = new URL(second.url).host;
  const alice = await registerViaApi(parley.url, 'Alice Home');
  const bob = await registerUser(parley.url, undefined, 'Bob Home');
  const carol = await registerViaApi(second.url, 'Carol Work');
  const dave = await registerUser(second.url, undefined, 'Dave Work');
  const home = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const work = await createConversation(second.url, dave.accessToken, [carol.id]);

  const first = await launchDesktop();
  const { app, page, userDataDir } = first;
  await signIn(page, alice);
  // One account: no rail, the layout of the single-account app.
  await expect(rail(page)).toHaveCount(0);

  // Add an account: the sign-in screen for a new server while Alice stays connected.
  await accountChip(page).click();
  await page.getByRole('menuitem', { name: 'Add account…' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(railButton(page, /^New account/)).toHaveAttribute('aria-current', 'page');
  await page.getByLabel('Server').fill(second.url);
  await signIn(page, carol);
  await waitUntilOnline(page);
  await expect(railButton(page, new RegExp(`^Carol Work · ${secondHost}`))).toHaveAttribute(
    'aria-current',
    'page',
  );
  const aliceButton = railButton(page, new RegExp(`^Alice Home · ${firstHost}`));
  await expect(aliceButton).not.toHaveAttribute('aria-current', 'page');

  // Both receive while Carol is on screen: Alice's count shows on her rail button; both notify,
  // each named by its account.
  app.windows[0]!.blur();
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  const daveSocket = await connectSocket(second.url, dave.accessToken);
  await sendMessage(bobSocket, home.id, 'dinner at eight?');
  await sendMessage(daveSocket, work.id, 'standup moved');
  await expect(aliceButton).toHaveAccessibleName(`Alice Home · ${firstHost}, 1 unread`);
  await expect(aliceButton).toContainText('1');
  await expect(conversationRow(page, 'Dave Work')).toContainText('standup moved');
  await expect
    .poll(() => shown(app).map((n) => [n.title, n.body]))
    .toEqual(
      expect.arrayContaining([
        [`Bob Home · ${firstHost}`, 'dinner at eight?'],
        [`Dave Work · ${secondHost}`, 'standup moved'],
      ]),
    );
  // The badge sums both accounts (Carol's chat is unread too: the window is in the background).
  await expect.poll(() => app.badgeCounts.at(-1)).toBe(2);

  // Clicking Bob's notification switches to Alice's account and opens the chat.
  shown(app)
    .find((n) => n.title.startsWith('Bob Home'))!
    .click();
  await expect(aliceButton).toHaveAttribute('aria-current', 'page');
  await expect(accountChip(page)).toContainText('Alice Home');
  await expect(chatTitle(page)).toHaveText('Bob Home');
  await expect(messageBodies(page)).toHaveText(['dinner at eight?']);

  // The keyboard switches too: Ctrl+2 is the second account.
  await page.keyboard.press('Control+2');
  await expect(accountChip(page)).toContainText('Carol Work');
  await page.keyboard.press('Control+1');
  await expect(accountChip(page)).toContainText('Alice Home');

  // A conversation link picks its account by server: Carol's chat opens from Alice's account.
  const linked = await startDesktop({ userDataDir, argv: [`parley://${secondHost}/c/${work.id}`] });
  expect(await linked.exited).toBe(0);
  await expect(accountChip(page)).toContainText('Carol Work');
  await expect(chatTitle(page)).toHaveText('Dave Work');

  // Each account has its own encrypted store; a restart restores both without signing in.
  const saved = await savedAccounts(userDataDir);
  expect(saved.list.map((a) => a.serverUrl)).toEqual([parley.url, second.url]);
  expect(saved.list[0]!.store).toBe('session');
  const carolStore = join(userDataDir, `${saved.list[1]!.store}.json`);
  expect(existsSync(carolStore)).toBe(true);
  app.trays.at(-1)!.clickMenuItem('Quit Parley');
  expect(await app.exited).toBe(0);

  // The account last shown (Carol's, after the link) comes back active; Alice's is one click away.
  const restarted = await launchDesktop({ userDataDir });
  await expect(accountChip(restarted.page)).toContainText('Carol Work');
  expect(restarted.app.invocations).not.toContain('parley:auth.signIn');
  await expect(rail(restarted.page).getByRole('button', { name: /unread|·/ })).toHaveCount(2);
  await waitUntilOnline(restarted.page);
  await expect(conversationRow(restarted.page, 'Dave Work')).toContainText('standup moved');
  await railButton(restarted.page, /^Alice Home/).click();
  await expect(accountChip(restarted.page)).toContainText('Alice Home');
  await expect(conversationRow(restarted.page, 'Bob Home')).toContainText('dinner at eight?');
  await railButton(restarted.page, /^Carol Work/).click();
  await expect(accountChip(restarted.page)).toContainText('Carol Work');

  // Remove Carol's account: signed out on its server and its store deleted; Alice stays.
  const stored = JSON.parse(await readFile(carolStore, 'utf8')) as Record<string, string>;
  const refreshToken = standInKeyring().decrypt(
    Buffer.from(stored[`client.${STORAGE_KEYS.refreshToken}`]!, 'base64'),
  );
  await accountChip(restarted.page).click();
  await restarted.page.getByRole('menuitem', { name: 'Remove account…' }).click();
  const dialog = restarted.page.getByRole('alertdialog', { name: 'Remove this account?' });
  await expect(dialog).toContainText(`Carol Work out of ${secondHost}`);
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(accountChip(restarted.page)).toContainText('Alice Home');
  await expect(rail(restarted.page)).toHaveCount(0);
  await expect.poll(() => existsSync(carolStore)).toBe(false);
  expect((await savedAccounts(userDataDir)).list.map((a) => a.serverUrl)).toEqual([parley.url]);
  const refresh = await fetch(`${second.url}/api/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  expect(refresh.status).toBe(401);

  bobSocket.disconnect();
  daveSocket.disconnect();
});

test('a profile from before several accounts keeps its session as the first account', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Upgrade');
  const before = await launchDesktop();
  await signIn(before.page, alice);
  before.app.trays.at(-1)!.clickMenuItem('Quit Parley');
  expect(await before.app.exited).toBe(0);

  // What the single-account app left: session.json and settings.json without `accounts`.
  const settingsPath = join(before.userDataDir, 'settings.json');
  const settings = JSON.parse(await readFile(settingsPath, 'utf8')) as Record<string, unknown>;
  delete settings.accounts;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(settingsPath, JSON.stringify(settings));

  const after = await launchDesktop({ userDataDir: before.userDataDir });
  await expect(accountChip(after.page)).toContainText('Alice Upgrade');
  expect(after.app.invocations).not.toContain('parley:auth.signIn');
  const saved = await savedAccounts(before.userDataDir);
  expect(saved.list).toEqual([expect.objectContaining({ store: 'session', serverUrl: parley.url })]);
});

test('an account signed out among several stays on the rail until removed from its sign-in screen', async ({
  launchDesktop,
  parley,
}) => {
  const secondHost = new URL(second.url).host;
  const alice = await registerViaApi(parley.url, 'Alice Out');
  const carol = await registerViaApi(second.url, 'Carol Out');
  const { page, userDataDir } = await launchDesktop();
  await signIn(page, alice);
  await accountChip(page).click();
  await page.getByRole('menuitem', { name: 'Add account…' }).click();
  await page.getByLabel('Server').fill(second.url);
  await signIn(page, carol);

  await accountChip(page).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(railButton(page, new RegExp(`^Carol Out · ${secondHost}, signed out`))).toHaveAttribute(
    'aria-current',
    'page',
  );
  await page.getByRole('button', { name: 'Remove this account' }).click();
  await page
    .getByRole('alertdialog', { name: 'Remove this account?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(accountChip(page)).toContainText('Alice Out');
  await expect(rail(page)).toHaveCount(0);
  expect((await savedAccounts(userDataDir)).list).toHaveLength(1);
});
