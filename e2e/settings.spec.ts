/**
 * The settings page in the real UI: the display name as the other side sees it, signing out
 * another session from the list, a password change signing out the other sessions with a
 * clear reason, deleting the account, and screenshots in both themes.
 */
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { connectSocket, createConversation, sendMessage } from '../server/test/harness.js';
import {
  accountChip,
  connectionStatus,
  conversationRow,
  expect,
  registerViaApi,
  signIn,
  test,
  type ApiUser,
} from './fixtures.js';

type Open = (o?: { colorScheme?: 'light' | 'dark' }) => Promise<Page>;

async function signedIn(openClient: Open, user: ApiUser, colorScheme?: 'light' | 'dark') {
  const page = await openClient(colorScheme ? { colorScheme } : {});
  await signIn(page, user);
  return page;
}

async function openSettings(page: Page) {
  await accountChip(page).click();
  await page.getByRole('menuitem', { name: /^Settings/ }).click();
  return page.getByRole('dialog', { name: 'Settings' });
}

test('a new display name and picture reach the other side', async ({ parley, openClient }) => {
  const alice = await registerViaApi(parley.url, 'Alice Before');
  const bob = await registerViaApi(parley.url, 'Bob Viewer');
  // Bob starts it, so it is in his list before anything is said.
  await createConversation(parley.url, bob.accessToken, [alice.id]);
  const alicePage = await signedIn(openClient, alice);
  const bobPage = await signedIn(openClient, bob);
  await expect(conversationRow(bobPage, 'Alice Before')).toBeVisible();

  const settings = await openSettings(alicePage);
  await settings.getByLabel('Display name').fill('Alice After');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(conversationRow(bobPage, 'Alice After')).toBeVisible();
  await settings.getByRole('button', { name: 'Close settings' }).click();
  await expect(accountChip(alicePage)).toContainText('Alice After');
  await openSettings(alicePage);

  const png = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#2a9d8f' } })
    .png()
    .toBuffer();
  await settings
    .getByTestId('avatar-input')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  await expect(settings.getByRole('button', { name: 'Change picture' })).toBeVisible();
  await expect(conversationRow(bobPage, 'Alice After').locator('.avatar img')).toBeVisible();

  // Not an image: refused with a clear message, the picture stays.
  await settings
    .getByTestId('avatar-input')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(alicePage.getByRole('alert').filter({ hasText: 'PNG, JPEG, GIF or WebP' })).toBeVisible();
  await expect(conversationRow(bobPage, 'Alice After').locator('.avatar img')).toBeVisible();
});

test('signing out another session from the list, and a password change, sign the other device out with a reason', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Devices');
  const laptop = await signedIn(openClient, alice);
  const phone = await signedIn(openClient, alice);

  // Ctrl+, opens the settings too.
  await laptop.keyboard.press('Control+Comma');
  const settings = laptop.getByRole('dialog', { name: 'Settings' });
  // The API registration, the laptop and the phone.
  await expect(settings.getByTestId('session-row')).toHaveCount(3);
  await expect(settings.getByTestId('session-row').filter({ hasText: 'This device' })).toHaveCount(1);
  await expect(settings.getByTestId('session-row').first()).toContainText(/Chrome on Linux|A browser/);

  // The phone's session is the most recently used one that is not this device.
  await settings
    .getByTestId('session-row')
    .filter({ hasNotText: 'This device' })
    .first()
    .getByRole('button', { name: /^Sign out/ })
    .click();
  await expect(phone.getByRole('alert')).toHaveText(
    'This session was ended from another device. Please sign in again.',
  );
  await expect(settings.getByTestId('session-row')).toHaveCount(2);

  // A password change signs out everything else, with its own reason.
  const tablet = await signedIn(openClient, alice);
  await settings.getByLabel('Current password').fill('wrong password');
  await settings.getByLabel('New password', { exact: true }).fill('a much better password');
  await settings.getByLabel('New password again').fill('a much better password');
  await settings.getByRole('button', { name: 'Change password' }).click();
  await expect(settings.getByRole('alert')).toHaveText('The current password is wrong.');
  await expect(accountChip(tablet)).toBeVisible();

  await settings.getByLabel('Current password').fill(alice.password);
  await settings.getByRole('button', { name: 'Change password' }).click();
  await expect(tablet.getByRole('alert')).toHaveText(
    'Your password was changed. Please sign in with the new password.',
  );
  await settings.getByRole('button', { name: 'Close settings' }).click();
  await expect(accountChip(laptop)).toBeVisible();
  await signIn(tablet, { ...alice, password: 'a much better password' });
});

test('deleting the account needs the password, signs out and shows “Deleted user” to others', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Leaving');
  const bob = await registerViaApi(parley.url, 'Bob Staying');
  await createConversation(parley.url, bob.accessToken, [alice.id]);
  const alicePage = await signedIn(openClient, alice);
  const bobPage = await signedIn(openClient, bob);

  const settings = await openSettings(alicePage);
  await settings.getByRole('button', { name: 'Delete my account…' }).click();
  await settings.getByLabel('Your password, to confirm').fill('not my password');
  await settings.getByRole('button', { name: 'Delete my account', exact: true }).click();
  await expect(settings.getByRole('alert')).toHaveText('Wrong password: the account was not deleted.');

  await settings.getByLabel('Your password, to confirm').fill(alice.password);
  await settings.getByRole('button', { name: 'Delete my account', exact: true }).click();
  await expect(alicePage.getByRole('alert')).toHaveText('Your account was deleted.');
  await expect(alicePage.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(conversationRow(bobPage, 'Deleted user')).toBeVisible();
  await signIn(alicePage, alice, { expectError: true });
});

test('notification permission is asked for from the settings, never unprompted at sign-in', async ({
  parley,
  openClient,
}) => {
  const sam = await registerViaApi(parley.url, 'Sam Asked');
  const page = await openClient();
  // Counts the page's permission prompts, and answers them as a user who allows.
  await page.addInitScript(() => {
    let permission: NotificationPermission = 'default';
    (window as unknown as { __asked: number }).__asked = 0;
    Object.defineProperty(Notification, 'permission', { get: () => permission });
    Notification.requestPermission = () => {
      (window as unknown as { __asked: number }).__asked++;
      permission = 'granted';
      return Promise.resolve(permission);
    };
  });
  await page.reload();
  await signIn(page, sam);
  const asked = () => page.evaluate(() => (window as unknown as { __asked: number }).__asked);
  expect(await asked()).toBe(0);
  const settings = await openSettings(page);
  await settings.getByRole('button', { name: 'Allow notifications' }).click();
  expect(await asked()).toBe(1);
  await expect(settings.getByTestId('notification-state')).not.toHaveText(/blocked/);
});

test('notifications blocked for the site: the settings say how to allow them again', async ({
  parley,
  openClient,
}) => {
  const sam = await registerViaApi(parley.url, 'Sam Blocked');
  const page = await openClient();
  // As the browser reports a site whose notifications the user blocked.
  await page.addInitScript(() => {
    Object.defineProperty(Notification, 'permission', { get: () => 'denied' });
  });
  await page.reload();
  await signIn(page, sam);
  const settings = await openSettings(page);
  await expect(settings.getByTestId('notification-state')).toHaveText(
    /Notifications are blocked for this site\. To turn them on, click the icon left of the address bar/,
  );
  await expect(settings.getByRole('button', { name: 'Allow notifications' })).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`settings screenshot (${colorScheme})`, async ({ parley, openClient }) => {
    const sam = await registerViaApi(parley.url, 'Sam Rivera');
    const page = await signedIn(openClient, sam, colorScheme);
    await page.keyboard.press('Control+Comma');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings.getByTestId('session-row')).toHaveCount(2);
    // The theme is a radio group: the arrow keys move the choice, and back.
    await settings.getByRole('radio', { name: 'System' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(settings.getByRole('radio', { name: 'Light' })).toBeChecked();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.keyboard.press('ArrowLeft');
    await expect(settings.getByRole('radio', { name: 'System' })).toBeChecked();
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.screenshot({ path: `e2e/screenshots/settings-${colorScheme}.png`, animations: 'disabled' });
    await settings.getByRole('heading', { name: 'Where you’re signed in' }).scrollIntoViewIfNeeded();
    await page.screenshot({
      path: `e2e/screenshots/settings-sessions-${colorScheme}.png`,
      animations: 'disabled',
    });
  });
}

test('a message notification shows the sender’s picture', async ({ parley, openClient }) => {
  const alice = await registerViaApi(parley.url, 'Alice Notified');
  const bob = await registerViaApi(parley.url, 'Bob Pictured');
  const conversation = await createConversation(parley.url, bob.accessToken, [alice.id]);
  // Bob's picture: an upload named in PATCH /api/me.
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2a9d8f' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'bob.png');
  const upload = await fetch(`${parley.url}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob.accessToken}` },
    body: form,
  });
  const { attachment } = (await upload.json()) as { attachment: { id: string } };
  const patched = await fetch(`${parley.url}/api/me`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ avatarId: attachment.id }),
  });
  expect(patched.status).toBe(200);

  const page = await openClient();
  // A background tab whose notifications are allowed; each notification is recorded.
  await page.addInitScript(() => {
    const shown: { title: string; icon?: string }[] = [];
    (window as unknown as { __shown: typeof shown }).__shown = shown;
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    class RecordingNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options: { icon?: string } = {}) {
        shown.push({ title, ...(options.icon ? { icon: options.icon } : {}) });
      }
      close() {}
    }
    (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
  });
  await page.reload();
  await signIn(page, alice);
  // Only live messages notify (a catch-up after connecting does not), so the message is sent
  // once the client is connected.
  await expect(connectionStatus(page)).toHaveText('Online');
  const socket = await connectSocket(parley.url, bob.accessToken);
  try {
    expect((await sendMessage(socket, conversation.id, 'Look at my new picture')).ok).toBe(true);
  } finally {
    socket.close();
  }
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __shown: { icon?: string }[] }).__shown))
    .toEqual([{ title: 'Bob Pictured', icon: expect.stringMatching(/^blob:/) }]);
});
