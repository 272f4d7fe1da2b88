/**
 * The server administration page in the real UI, on a server of its own in `invite`
 * registration mode (its first account, made while it was open, is the server admin):
 * finding and deactivating a user (who is signed out at once), an invite link made in the
 * page and used to sign up, and screenshots in both themes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import {
  accountChip,
  expect,
  registerViaApi,
  signIn,
  test,
  uniqueUser,
  WEB_DIR,
  type ApiUser,
} from './fixtures.js';

let server: TestServer;
let dataDir: string;
let admin: ApiUser;

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-admin-'));
  const first = await startTestServer({ dataDir, webDir: WEB_DIR });
  admin = await registerViaApi(first.url, 'Olivia Operator');
  await first.close({ keepData: true });
  server = await startTestServer({ dataDir, webDir: WEB_DIR, registration: 'invite' });
});
test.afterAll(async () => {
  await server.close({ keepData: true });
  await rm(dataDir, { recursive: true, force: true });
});

type Open = (o?: { colorScheme?: 'light' | 'dark'; baseURL?: string; path?: string }) => Promise<Page>;

async function signedIn(openClient: Open, user: ApiUser, colorScheme?: 'light' | 'dark') {
  const page = await openClient({ baseURL: server.url, ...(colorScheme ? { colorScheme } : {}) });
  await signIn(page, user);
  return page;
}

async function openAdmin(page: Page) {
  await accountChip(page).click();
  await page.getByRole('menuitem', { name: /^Server administration/ }).click();
  return page.getByRole('dialog', { name: 'Server administration' });
}

/** A user on the invite-only server: an invite made over the API, then registration. */
async function member(displayName: string): Promise<ApiUser> {
  const invite = await fetch(`${server.url}/api/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxUses: 1 }),
  });
  const { invite: made } = (await invite.json()) as { invite: { code: string } };
  const user = uniqueUser(displayName);
  const res = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, inviteCode: made.code }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { user: { id: string }; accessToken: string };
  return { ...user, id: body.user.id, accessToken: body.accessToken };
}

test('an admin finds and deactivates a user, who is signed out at once; others see no admin page', async ({
  openClient,
}) => {
  const victor = await member('Victor Gone');
  const adminPage = await signedIn(openClient, admin);
  const victorPage = await signedIn(openClient, victor);

  // A non-admin has no such menu item.
  await accountChip(victorPage).click();
  await expect(victorPage.getByRole('menuitem', { name: /^Settings/ })).toBeVisible();
  await expect(victorPage.getByRole('menuitem', { name: /^Server administration/ })).toHaveCount(0);
  await victorPage.keyboard.press('Escape');

  const page = await openAdmin(adminPage);
  await expect(page.getByTestId('registration-mode')).toContainText('invite');
  await page.getByLabel('Search users').fill(victor.username);
  const row = page.getByTestId('admin-user-row').filter({ hasText: victor.username });
  await expect(page.getByTestId('admin-user-row')).toHaveCount(1);
  await expect(row).toContainText('Online now');

  await row.getByRole('button', { name: 'Deactivate Victor Gone' }).click();
  await row.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(victorPage.getByRole('alert')).toHaveText('This account was deactivated.');
  await expect(row).toContainText('Deactivated');
  await signIn(victorPage, victor, { expectError: true });
});

test('a user made a server admin gets the admin page without a reload, and loses it the same way', async ({
  openClient,
}) => {
  const paula = await member('Paula Promoted');
  const adminPage = await signedIn(openClient, admin);
  const paulaPage = await signedIn(openClient, paula);
  const adminItemShows = (shown: boolean) =>
    test.step(`the admin item ${shown ? 'shows' : 'does not show'}`, () =>
      expect(async () => {
        await accountChip(paulaPage).click();
        try {
          await expect(paulaPage.getByRole('menuitem', { name: /^Settings/ })).toBeVisible({ timeout: 1000 });
          await expect(paulaPage.getByRole('menuitem', { name: /^Server administration/ })).toHaveCount(
            shown ? 1 : 0,
            { timeout: 1000 },
          );
        } finally {
          await paulaPage.keyboard.press('Escape');
        }
      }).toPass());
  await adminItemShows(false);

  const page = await openAdmin(adminPage);
  await page.getByLabel('Search users').fill(paula.username);
  await page.getByRole('button', { name: 'Make Paula Promoted a server admin' }).click();
  await expect(page.getByRole('button', { name: 'Remove Paula Promoted as server admin' })).toBeVisible();
  await adminItemShows(true);

  await page.getByRole('button', { name: 'Remove Paula Promoted as server admin' }).click();
  await expect(page.getByRole('button', { name: 'Make Paula Promoted a server admin' })).toBeVisible();
  await adminItemShows(false);
});

test('an invite link made in the admin page signs a new person up', async ({ openClient }) => {
  const adminPage = await signedIn(openClient, admin);
  const page = await openAdmin(adminPage);
  await page.getByLabel('Uses').fill('1');
  await page.getByLabel('Expires after').selectOption({ label: '1 day' });
  await page.getByRole('button', { name: 'Create link' }).click();
  const url = await page.getByTestId('invite-url').inputValue();
  expect(url).toMatch(new RegExp(`^${server.url}/invite/`));
  await expect(page.getByTestId('invite-row').first()).toContainText('0 of 1 used');

  // The new person opens the link: sign-up with the code filled in.
  const newcomer = uniqueUser('Nina Newcomer');
  const guest = await openClient({ baseURL: server.url, path: new URL(url).pathname });
  await expect(guest.getByRole('button', { name: 'Create account', exact: true })).toBeVisible();
  await guest.getByLabel('Username').fill(newcomer.username);
  await guest.getByLabel(/Display name/).fill(newcomer.displayName);
  await guest.getByLabel('Password').fill(newcomer.password);
  await guest.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(accountChip(guest)).toContainText('Nina Newcomer');

  // The link is used up.
  await page.getByRole('button', { name: 'Close server administration' }).click();
  const again = await openAdmin(adminPage);
  await expect(again.getByTestId('invite-row').first()).toContainText('1 of 1 used');
});

test('without a link, sign-up on an invite-only server asks for the code; a pasted link works', async ({
  openClient,
}) => {
  const made = await fetch(`${server.url}/api/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxUses: 1 }),
  });
  const { invite } = (await made.json()) as { invite: { url: string } };
  const page = await openClient({ baseURL: server.url });
  await page.getByRole('tab', { name: 'Create account' }).click();
  const code = page.getByLabel('Invite code');
  await expect(code).toBeVisible();
  const newcomer = uniqueUser('Paula Paste');
  await page.getByLabel('Username').fill(newcomer.username);
  await page.getByLabel('Password').fill(newcomer.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/sign-up-invite-only.png', animations: 'disabled' });
  await code.fill(invite.url);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(accountChip(page)).toBeVisible();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`admin page screenshot (${colorScheme})`, async ({ openClient }) => {
    await member('Alice Martin');
    await member('Bob Chen');
    const adminPage = await signedIn(openClient, admin, colorScheme);
    const page = await openAdmin(adminPage);
    await expect(page.getByTestId('admin-user-row').first()).toBeVisible();
    await adminPage.screenshot({ path: `e2e/screenshots/admin-${colorScheme}.png`, animations: 'disabled' });
  });
}
