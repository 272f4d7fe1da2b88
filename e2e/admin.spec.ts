/**
 * The server administration page in the real UI, on a server of its own in `invite`
 * registration mode (its first account, made while it was open, is the server admin):
 * finding and deactivating a user (who is signed out at once), resetting a signed-in user's
 * password (signed out with the reason; only the new password works), an invite link made in
 * the page and used to sign up, a member's invite link where INVITES_BY=members (a server of
 * its own), and screenshots in both themes.
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

test('an admin resets the password of a signed-in user: signed out with the reason, only the new password works', async ({
  openClient,
}) => {
  const rita = await member('Rita Reset');
  const adminPage = await signedIn(openClient, admin);
  const ritaPage = await signedIn(openClient, rita);

  const page = await openAdmin(adminPage);
  await page.getByLabel('Search users').fill(rita.username);
  await expect(page.getByTestId('admin-user-row')).toHaveCount(1);
  const row = page.getByTestId('admin-user-row').filter({ hasText: rita.username });
  // When she joined, as the page formats it (the browser's locale), from the server's record.
  const listed = await fetch(`${server.url}/api/admin/users?q=${rita.username}`, {
    headers: { authorization: `Bearer ${admin.accessToken}` },
  });
  const { users } = (await listed.json()) as { users: { createdAt: string }[] };
  const createdAt = users[0]?.createdAt ?? '';
  expect(Date.now() - Date.parse(createdAt)).toBeLessThan(5 * 60_000);
  const joined = await adminPage.evaluate(
    (iso) =>
      new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(iso),
      ),
    createdAt,
  );
  await expect(row).toContainText(`Online now · joined ${joined}`);

  // Too short: refused in the form, nothing happens to her session.
  await row.getByRole('button', { name: 'Reset the password of Rita Reset' }).click();
  const field = row.getByLabel('New password for Rita Reset');
  await field.fill('short');
  await row.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(row.locator('.field-error')).toBeVisible();
  await expect(accountChip(ritaPage)).toBeVisible();

  const newPassword = 'reset by the operator 42';
  await field.fill(newPassword);
  await row.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(field).toBeHidden();
  await expect(ritaPage.getByRole('alert')).toHaveText(
    'Your password was changed. Please sign in with the new password.',
  );
  await expect(ritaPage.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

  // Her row now says when she was last seen (a fresh search: the list is a snapshot).
  await expect(async () => {
    await page.getByLabel('Search users').fill('');
    await page.getByLabel('Search users').fill(rita.username);
    await expect(row).toContainText(`Last seen just now · joined ${joined}`, { timeout: 1000 });
  }).toPass();

  // The old password fails with the sign-in error (not the reason still on screen)...
  await ritaPage.getByLabel('Username').fill(rita.username);
  await ritaPage.getByLabel('Password').fill(rita.password);
  await ritaPage.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(ritaPage.getByRole('alert')).toHaveText('Wrong username or password');
  await expect(accountChip(ritaPage)).toHaveCount(0);
  // ...and the new one signs her in.
  await signIn(ritaPage, { ...rita, password: newPassword });
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

test('where the operator lets members invite, a member makes a link in the settings and a guest signs up with it', async ({
  openClient,
}) => {
  // On this file's server (INVITES_BY=admins) a member's settings have no invite links.
  const mona = await member('Mona Member');
  const monaHere = await signedIn(openClient, mona);
  await accountChip(monaHere).click();
  await monaHere.getByRole('menuitem', { name: /^Settings/ }).click();
  const settingsHere = monaHere.getByRole('dialog', { name: 'Settings' });
  await expect(settingsHere.getByRole('heading', { name: 'Where you’re signed in' })).toBeVisible();
  await expect(settingsHere.getByRole('heading', { name: 'Invite links' })).toHaveCount(0);

  // A server of its own with INVITES_BY=members: its first account (the admin) and a member
  // made while it was open, then restarted invite-only.
  const ownDir = await mkdtemp(join(tmpdir(), 'parley-e2e-members-invite-'));
  const open = await startTestServer({ dataDir: ownDir, webDir: WEB_DIR });
  await registerViaApi(open.url, 'Owen Owner');
  const max = await registerViaApi(open.url, 'Max Member');
  await open.close({ keepData: true });
  const membersServer = await startTestServer({
    dataDir: ownDir,
    webDir: WEB_DIR,
    registration: 'invite',
    invitesBy: 'members',
  });
  try {
    const maxPage = await openClient({ baseURL: membersServer.url });
    await signIn(maxPage, max);
    // Still no admin page for him: only the invite links are open to members.
    await accountChip(maxPage).click();
    await expect(maxPage.getByRole('menuitem', { name: /^Settings/ })).toBeVisible();
    await expect(maxPage.getByRole('menuitem', { name: /^Server administration/ })).toHaveCount(0);
    await maxPage.getByRole('menuitem', { name: /^Settings/ }).click();
    const settings = maxPage.getByRole('dialog', { name: 'Settings' });
    await expect(settings.getByRole('heading', { name: 'Invite links' })).toBeVisible();
    await settings.getByLabel('Uses').fill('1');
    await settings.getByRole('button', { name: 'Create link' }).click();
    const url = await settings.getByTestId('invite-url').inputValue();
    expect(url).toMatch(new RegExp(`^${membersServer.url}/invite/`));
    await expect(settings.getByTestId('invite-row')).toHaveCount(1);
    await expect(settings.getByTestId('invite-row').first()).toContainText('0 of 1 used');

    // A guest with no account opens the link on a fresh page and signs up.
    const guestUser = uniqueUser('Gina Guest');
    const guest = await openClient({ baseURL: membersServer.url, path: new URL(url).pathname });
    await expect(guest.getByRole('button', { name: 'Create account', exact: true })).toBeVisible();
    await guest.getByLabel('Username').fill(guestUser.username);
    await guest.getByLabel(/Display name/).fill(guestUser.displayName);
    await guest.getByLabel('Password').fill(guestUser.password);
    await guest.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect(accountChip(guest)).toContainText('Gina Guest');

    // Max's link is used up (the list is loaded when the settings open).
    await settings.getByRole('button', { name: 'Close settings' }).click();
    await maxPage.keyboard.press('Control+Comma');
    await expect(settings.getByTestId('invite-row').first()).toContainText('1 of 1 used');
  } finally {
    await membersServer.close({ keepData: true });
    await rm(ownDir, { recursive: true, force: true });
  }
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
