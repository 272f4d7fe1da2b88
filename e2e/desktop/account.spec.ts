/**
 * The account and group pages in the desktop app, where every call crosses IPC: a picture
 * picked in the settings travels as bytes to main (which uploads it) and comes back as bytes
 * for the renderer to show; a group renamed from the group info panel; the server admin page.
 */
import sharp from 'sharp';
import { createConversation } from '../../server/test/harness.js';
import { accountChip, chatTitle, conversationRow, registerViaApi, signIn } from '../fixtures.js';
import { expect, test } from './fixtures.js';

test('settings, a picture and a group rename go through IPC', async ({ launchDesktop, parley }) => {
  const alice = await registerViaApi(parley.url, 'Alice Desktop');
  const bob = await registerViaApi(parley.url, 'Bob Desktop');
  await createConversation(parley.url, alice.accessToken, [bob.id], 'Desk team');
  const { app, page } = await launchDesktop();
  await signIn(page, alice);

  await page.keyboard.press('Control+Comma');
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByTestId('notification-state')).toContainText('system notifications');
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#7b2cbf' } })
    .png()
    .toBuffer();
  await settings
    .getByTestId('avatar-input')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  await expect(settings.locator('.avatar img')).toBeVisible();
  expect(app.invocations).toContain('parley:account.setAvatar');
  expect(app.invocations).toContain('parley:account.avatar');
  await settings.getByRole('button', { name: 'Close settings' }).click();
  await expect(accountChip(page).locator('.avatar img')).toBeVisible();

  await conversationRow(page, 'Desk team').click();
  await page.locator('.chat-header').getByRole('button', { name: 'Group info' }).click();
  const info = page.getByRole('dialog', { name: 'Group info' });
  await info.getByRole('button', { name: 'Rename' }).click();
  await info.getByLabel('Group name').fill('Desk dream team');
  await info.getByRole('button', { name: 'Save' }).click();
  await expect(info.getByTestId('group-info-title')).toHaveText('Desk dream team');
  await info.getByRole('button', { name: 'Close group info' }).click();
  await expect(chatTitle(page)).toHaveText('Desk dream team');
  expect(app.invocations).toContain('parley:groups.rename');
});
