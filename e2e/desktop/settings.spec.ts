/**
 * Desktop preferences: Do-not-disturb from the tray shows in the account menu at once (a host
 * event, not a re-read on focus); the Desktop settings dialog (open at login, spell-check
 * languages, download folder, close to tray, start minimised) and zoom, kept across restarts;
 * file logs and "Open logs folder".
 */
import { accountChip, registerViaApi, signIn } from '../fixtures.js';
import type { DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test } from './fixtures.js';

const tray = (app: DesktopApp) => {
  const current = app.trays.at(-1);
  if (!current) throw new Error('the app made no tray');
  return current;
};

test('Do-not-disturb from the tray shows in the open account menu', async ({ launchDesktop, parley }) => {
  const alice = await registerViaApi(parley.url, 'Alice Dnd');
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  await accountChip(page).click();
  const dnd = page.getByRole('menuitemcheckbox', { name: 'Do not disturb' });
  await expect(dnd).toHaveAttribute('aria-checked', 'false');
  // The window keeps its focus: nothing but the host's event can tell the menu.
  tray(app).clickMenuItem('Do not disturb');
  await expect(dnd).toHaveAttribute('aria-checked', 'true');
  tray(app).clickMenuItem('Do not disturb');
  await expect(dnd).toHaveAttribute('aria-checked', 'false');
  expect(app.invocations.filter((channel) => channel === 'parley:notifications.get')).toHaveLength(1);
});
