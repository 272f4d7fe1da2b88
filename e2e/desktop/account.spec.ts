/**
 * The account and group pages in the desktop app, where every call crosses IPC: a picture
 * picked in the settings travels as bytes to main (which uploads it) and comes back as bytes
 * for the renderer to show; a group renamed from the group info panel; the server admin page.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { createConversation } from '../../server/test/harness.js';
import {
  accountChip,
  chatTitle,
  conversationRow,
  registerViaApi,
  sendMessage,
  signIn,
  startDirectChat,
} from '../fixtures.js';
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

test('a message notification shows the sender’s picture as its icon', async ({
  launchDesktop,
  openClient,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Notified');
  const bob = await registerViaApi(parley.url, 'Bob Pictured');
  // Bob's picture, set over the API as any client would.
  const png = await sharp({ create: { width: 80, height: 80, channels: 3, background: '#e76f51' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), 'bob.png');
  const auth = { authorization: `Bearer ${bob.accessToken}` };
  const uploaded = await fetch(`${parley.url}/api/attachments`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  const { attachment } = (await uploaded.json()) as { attachment: { id: string } };
  const patched = await fetch(`${parley.url}/api/me`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ avatarId: attachment.id }),
  });
  expect(patched.status).toBe(200);
  const served = await fetch(`${parley.url}/api/users/${bob.id}/avatar`, { headers: auth });
  const pictureHash = createHash('sha1')
    .update(Buffer.from(await served.arrayBuffer()))
    .digest('hex');
  // Alice starts the chat (an empty one is listed for its creator only); Bob opens it from New chat.
  await createConversation(parley.url, alice.accessToken, [bob.id]);

  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  await expect(conversationRow(page, 'Bob Pictured')).toBeVisible();
  app.windows[0]!.blur();
  const web = await openClient();
  await signIn(web, bob);
  await startDirectChat(web, alice);
  await sendMessage(web, 'see my new picture?');
  await expect.poll(() => app.notifications.filter((n) => n.shown).length).toBe(1);
  const icon = app.notifications.find((n) => n.shown)!.options.icon as { hash: string };
  expect(icon.hash).toBe(pictureHash);
});
