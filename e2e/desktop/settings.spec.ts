/**
 * Desktop preferences: Do-not-disturb from the tray shows in the account menu at once (a host
 * event, not a re-read on focus); the Desktop settings dialog (open at login, spell-check
 * languages, download folder, close to tray, start minimised) and zoom, kept across restarts;
 * file logs and "Open logs folder".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

test('desktop settings apply and persist; zoom is kept; logs are written and can be opened', async ({
  launchDesktop,
  startDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Settings');
  const { app, page, userDataDir } = await launchDesktop();
  await signIn(page, alice);
  await accountChip(page).click();
  await page.getByRole('menuitem', { name: 'Desktop settings…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Desktop settings' });

  // Linux (where the specs run): an XDG autostart entry; macOS and Windows: a login item.
  const autostart = join(app.paths.get('appData')!, 'autostart', 'parley.desktop');
  await dialog.getByLabel('Open Parley when you log in').check();
  await expect.poll(() => existsSync(autostart)).toBe(true);
  expect(readFileSync(autostart, 'utf8')).toContain('Exec="');
  await dialog.getByLabel('Open Parley when you log in').uncheck();
  await expect.poll(() => existsSync(autostart)).toBe(false);
  await expect(dialog.getByLabel('Keep running in the tray when the window is closed')).toBeChecked();
  await dialog.getByLabel('de', { exact: true }).check();
  await expect.poll(() => app.spellCheckerLanguages).toEqual(['de']);
  app.openDialogAnswers.push([join(userDataDir, 'downloads')]);
  await dialog.getByRole('button', { name: 'Choose…' }).click();
  await expect(dialog.getByTestId('download-folder')).toHaveText(join(userDataDir, 'downloads'));
  await dialog.getByLabel('Start minimised to the tray').check();
  await dialog.getByLabel('Keep running in the tray when the window is closed').uncheck();
  await expect(dialog.getByLabel('Keep running in the tray when the window is closed')).not.toBeChecked();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // Zoom from the View menu (Ctrl/Cmd with plus, minus and 0).
  const menu = app.applicationMenu!;
  expect(menu.labels('View')).toEqual(['Actual size', 'Zoom in', 'Zoom out']);
  menu.click('View', 'Zoom in');
  menu.click('View', 'Zoom in');
  menu.click('View', 'Zoom out');
  expect(app.windows[0]!.webContents.zoomLevels).toEqual([0, 1, 2, 1]);

  // Logs: a file in the profile's logs folder, which the Help menu opens.
  menu.click('Help', 'Open logs folder');
  const logs = join(userDataDir, 'logs');
  expect(app.openedExternally).toEqual([logs]);
  expect(existsSync(join(logs, 'main.log'))).toBe(true);
  expect(readFileSync(join(logs, 'main.log'), 'utf8')).toMatch(/INFO Parley started/);

  // Close to tray is off: closing the window quits.
  app.windows[0]!.close();
  await app.exited;

  // The next start: minimised to the tray, at the zoom it had, the settings as they were.
  const again = await startDesktop({ userDataDir });
  const window = await again.firstWindow();
  expect(window.isVisible()).toBe(false);
  await expect.poll(() => window.webContents.zoomLevels).toEqual([1]);
  expect(again.spellCheckerLanguages).toEqual(['de']);
  again.trays.at(-1)!.clickMenuItem('Open Parley');
  expect(window.isVisible()).toBe(true);
  await expect(accountChip(window.page!)).toContainText('Alice Settings');
});

test('the native menus and the tray speak the language the window shows', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Sprache');
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  expect(app.applicationMenu!.labels('Help')).toEqual(['Open logs folder', 'Check for updates…']);

  await page.keyboard.press('Control+Comma');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await expect(page.getByRole('combobox', { name: 'Sprache' })).toBeVisible();
  // The window reports its language to main, which builds its menus again.
  await expect.poll(() => app.applicationMenu!.labels()).toContain('Hilfe');
  expect(app.applicationMenu!.labels('Hilfe')).toEqual(['Protokollordner öffnen', 'Nach Updates suchen…']);
  expect(app.applicationMenu!.labels('Ansicht')).toEqual(['Originalgröße', 'Vergrößern', 'Verkleinern']);
  expect(tray(app).menu!.labels()).toEqual(['Parley öffnen', 'Nicht stören', 'Parley beenden']);
});
