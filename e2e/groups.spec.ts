/**
 * Group management in the real UI: the group info panel (rename, picture, add, roles, remove,
 * leave), what the other members see (system lines, the removed member's client dropping the
 * group with a notice), read-only for non-admins, and members' presence in the panel. Screenshots of the panel in both themes.
 */
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { createConversation } from '../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  expect,
  registerViaApi,
  sendMessage,
  signIn,
  test,
  type ApiUser,
} from './fixtures.js';

async function signedIn(
  openClient: (o?: { colorScheme?: 'light' | 'dark' }) => Promise<Page>,
  user: ApiUser,
  colorScheme?: 'light' | 'dark',
) {
  const page = await openClient(colorScheme ? { colorScheme } : {});
  await signIn(page, user);
  return page;
}

const systemLines = (page: Page) => page.getByRole('log', { name: 'Messages' }).locator('.system-message');

async function openGroupInfo(page: Page) {
  await page.locator('.chat-header').getByRole('button', { name: 'Group info' }).click();
  return page.getByRole('dialog', { name: 'Group info' });
}

test('an admin renames, adds, promotes and removes; the removed member’s client drops the group; a member leaves', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Admin');
  const bob = await registerViaApi(parley.url, 'Bob Member');
  const carol = await registerViaApi(parley.url, 'Carol Member');
  const dave = await registerViaApi(parley.url, 'Dave Newcomer');
  await createConversation(parley.url, alice.accessToken, [bob.id, carol.id], 'Weekend');

  const alicePage = await signedIn(openClient, alice);
  const carolPage = await signedIn(openClient, carol);
  const bobPage = await signedIn(openClient, bob);
  for (const page of [alicePage, carolPage, bobPage]) await conversationRow(page, 'Weekend').click();

  // Bob's profile picture shows beside his messages in the group.
  const bobPng = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#264653' } })
    .png()
    .toBuffer();
  await bobPage.keyboard.press('Control+Comma');
  const bobSettings = bobPage.getByRole('dialog', { name: 'Settings' });
  await bobSettings
    .getByTestId('avatar-input')
    .setInputFiles({ name: 'bob.png', mimeType: 'image/png', buffer: bobPng });
  await expect(bobSettings.locator('.avatar img')).toBeVisible();
  await bobPage.keyboard.press('Escape');
  await sendMessage(bobPage, 'Hi all');
  await expect(carolPage.getByRole('log', { name: 'Messages' }).locator('.avatar img')).toBeVisible();

  // Carol, not an admin, sees the members read-only.
  const carolInfo = await openGroupInfo(carolPage);
  await expect(carolInfo.getByTestId('group-member')).toHaveCount(3);
  await expect(carolInfo.getByRole('button', { name: 'Rename' })).toHaveCount(0);
  await expect(carolInfo.getByRole('button', { name: /^Actions for/ })).toHaveCount(0);
  await expect(carolInfo.getByRole('heading', { name: 'Add people' })).toHaveCount(0);
  await carolInfo.getByRole('button', { name: 'Close group info' }).click();

  // Rename.
  const info = await openGroupInfo(alicePage);
  await info.getByRole('button', { name: 'Rename' }).click();
  await info.getByLabel('Group name').fill('Dream team');
  await info.getByRole('button', { name: 'Save' }).click();
  await expect(info.getByTestId('group-info-title')).toHaveText('Dream team');
  await expect(chatTitle(carolPage)).toHaveText('Dream team');
  await expect(systemLines(carolPage).last()).toHaveText('Alice Admin renamed the group to “Dream team”');

  // A picture: shown in everyone's list and header instead of the group icon.
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#e07a1f' } })
    .png()
    .toBuffer();
  await info
    .getByTestId('group-avatar-input')
    .setInputFiles({ name: 'team.png', mimeType: 'image/png', buffer: png });
  await expect(carolPage.locator('.chat-header .avatar img')).toBeVisible();
  await expect(systemLines(carolPage).last()).toHaveText('Alice Admin changed the group picture');

  // Add Dave through the people search.
  await info.getByLabel('Search people to add').fill(dave.username);
  await info.getByRole('button', { name: 'Add Dave Newcomer' }).click();
  await expect(info.getByTestId('group-member')).toHaveCount(4);
  await expect(systemLines(carolPage).last()).toHaveText('Alice Admin added Dave Newcomer');

  // Make Bob an admin.
  await info.getByRole('button', { name: 'Actions for Bob Member' }).click();
  await alicePage.getByRole('menuitem', { name: 'Make admin' }).click();
  await expect(info.getByTestId('group-member').filter({ hasText: 'Bob Member' })).toContainText('Admin');
  await expect(systemLines(carolPage).last()).toHaveText('Alice Admin made Bob Member an admin');

  // Remove Carol: her client drops the group and says so.
  await info.getByRole('button', { name: 'Actions for Carol Member' }).click();
  await alicePage.getByRole('menuitem', { name: 'Remove from group' }).click();
  await expect(info.getByTestId('group-member')).toHaveCount(3);
  await expect(conversationRow(carolPage, 'Dream team')).toHaveCount(0);
  await expect(
    carolPage.getByRole('alert').filter({ hasText: 'You are no longer in “Dream team”' }),
  ).toBeVisible();
  await info.getByRole('button', { name: 'Close group info' }).click();
  await expect(systemLines(alicePage).last()).toHaveText('Alice Admin removed Carol Member');

  // Bob leaves, after confirming.
  const bobInfo = await openGroupInfo(bobPage);
  await bobInfo.getByRole('button', { name: 'Leave group' }).click();
  await bobInfo.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(conversationRow(bobPage, 'Dream team')).toHaveCount(0);
  await expect(bobPage.getByRole('alert').filter({ hasText: 'You left “Dream team”' })).toBeVisible();
  await expect(systemLines(alicePage).last()).toHaveText('Bob Member left');
});

test('the group info panel shows who is online, and follows them coming and going', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Watching');
  const bob = await registerViaApi(parley.url, 'Bob Coming');
  const carol = await registerViaApi(parley.url, 'Carol Never');
  await createConversation(parley.url, alice.accessToken, [bob.id, carol.id], 'Presence club');
  const alicePage = await signedIn(openClient, alice);
  await conversationRow(alicePage, 'Presence club').click();
  const info = await openGroupInfo(alicePage);
  const row = (name: string) => info.getByTestId('group-member').filter({ hasText: name });
  const onlineDot = (name: string) => row(name).locator('.presence-dot.online');

  // Nobody else has connected yet: offline, without an online dot.
  await expect(row('Alice Watching')).toContainText(`@${alice.username} · online`);
  await expect(row('Bob Coming')).toContainText(`@${bob.username} · offline`);
  await expect(onlineDot('Bob Coming')).toHaveCount(0);
  await expect(row('Carol Never')).toContainText(`@${carol.username} · offline`);

  // Bob signs in: the open panel shows him online.
  const bobPage = await signedIn(openClient, bob);
  await expect(row('Bob Coming')).toContainText(`@${bob.username} · online`);
  await expect(onlineDot('Bob Coming')).toHaveCount(1);
  await expect(onlineDot('Carol Never')).toHaveCount(0);

  // He closes his page: offline again, with when he was last seen.
  await bobPage.close();
  await expect(row('Bob Coming')).toContainText(`@${bob.username} · last seen just now`);
  await expect(onlineDot('Bob Coming')).toHaveCount(0);
  await expect(row('Carol Never')).toContainText(`@${carol.username} · offline`);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`group info screenshot (${colorScheme})`, async ({ parley, openClient }) => {
    const alice = await registerViaApi(parley.url, 'Alice Martin');
    const others = await Promise.all(
      ['Bob Chen', 'Chloé Dubois', 'Dmitri Ivanov'].map((n) => registerViaApi(parley.url, n)),
    );
    await createConversation(
      parley.url,
      alice.accessToken,
      others.map((o) => o.id),
      'Book club',
    );
    const page = await signedIn(openClient, alice, colorScheme);
    await conversationRow(page, 'Book club').click();
    const info = await openGroupInfo(page);
    await info.getByRole('button', { name: 'Actions for Bob Chen' }).click();
    await page.getByRole('menuitem', { name: 'Make admin' }).click();
    await expect(info.getByTestId('group-member').filter({ hasText: 'Bob Chen' })).toContainText('Admin');
    await info.getByLabel('Search people to add').fill('zz-nobody');
    await expect(info.getByText('Nobody else called “zz-nobody”.')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/group-info-${colorScheme}.png`, animations: 'disabled' });
  });
}
