/**
 * The UI follows the browser's language: with a German browser (locale de-DE) the sign-in
 * screen, the conversation list and the chat are German, and dates and times are formatted
 * the German way. The Language setting overrides the browser and survives a reload. Every
 * other spec runs with Playwright's default en-US, so English stays the default.
 */
import { escapeRegExp, expect, registerViaApi, test, uniqueUser } from './fixtures';

test.use({ locale: 'de-DE' });

const WEEKDAY = '(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)';
const MONTH = '(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)';

test('a German browser gets German screens and German dates', async ({ parley, openClient }) => {
  test.slow(); // two sign-ins and a chat on a busy machine
  const bob = await registerViaApi(parley.url, 'Bob Builder');
  const page = await openClient();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');

  // Sign-in screen, then sign-up in German.
  await expect(page.getByRole('heading', { name: 'Willkommen zurück' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Anmelden' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Konto erstellen' }).click();
  await expect(page.getByRole('heading', { name: 'Konto erstellen' })).toBeVisible();
  // A client-side check, worded in German.
  await page.getByLabel('Benutzername').fill('x');
  await page.getByRole('button', { name: 'Konto erstellen', exact: true }).click();
  await expect(page.getByText('Der Benutzername muss aus 3 bis 32 Zeichen')).toBeVisible();
  const alice = uniqueUser('Alice Martin');
  await page.getByLabel('Benutzername').fill(alice.username);
  await page.getByLabel(/Anzeigename/).fill(alice.displayName);
  await page.getByLabel('Passwort').fill(alice.password);
  await page.getByRole('button', { name: 'Konto erstellen', exact: true }).click();

  // The empty list and the welcome, then a new chat through the German menus.
  await expect(page.getByRole('button', { name: /^Konto: Alice Martin/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Willkommen bei Parley, Alice' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Noch keine Unterhaltungen' })).toBeVisible();
  await page.getByRole('button', { name: 'Neue Unterhaltung' }).click();
  await page.getByRole('menuitem', { name: 'Neuer Chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'Neuer Chat' });
  await dialog.getByLabel('Personen suchen').fill(bob.username);
  await dialog.getByRole('option', { name: new RegExp(escapeRegExp(bob.username)) }).click();
  await expect(dialog).toBeHidden();

  // The chat: German labels, placeholder, day separator and a German full date on the time.
  const composer = page.getByRole('textbox', { name: 'Nachricht' });
  await expect(composer).toHaveAttribute('placeholder', 'Nachricht an Bob Builder');
  await expect(page.getByRole('button', { name: 'Sprachanruf' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sag Bob Builder Hallo' })).toBeVisible();
  await composer.fill('Hallo Bob');
  await composer.press('Enter');
  const log = page.getByRole('log', { name: 'Nachrichten' });
  await expect(log.locator('.msg-body')).toHaveText(['Hallo Bob']);
  await expect(log.locator('.day-separator')).toHaveText('Heute');
  const time = log.getByTestId('message').locator('time').first();
  // 24-hour clock, and the tooltip in German: "Montag, 30. November 2026 um 18:52".
  await expect(time).toHaveText(/^\d{2}:\d{2}$/);
  await expect(time).toHaveAttribute('title', new RegExp(`^${WEEKDAY}, \\d{1,2}\\. ${MONTH} \\d{4}`));
  await expect(log.getByRole('img', { name: /^(Gesendet|Wird gesendet)$/ })).toBeVisible();
  // The conversation list's preview and time.
  const row = page
    .getByRole('navigation', { name: 'Liste der Unterhaltungen' })
    .getByRole('button', { name: /^Bob Builder/ });
  await expect(row).toContainText('Du: Hallo Bob');
  await expect(row.locator('.conv-row-time')).toHaveText(/^\d{2}:\d{2}$/);
});

test('the Language setting overrides the browser and is kept', async ({ parley, openClient }) => {
  test.slow(); // a reload and two lazily loaded settings pages
  const carol = await registerViaApi(parley.url, 'Carol Chen');
  const page = await openClient();
  await page.getByLabel('Benutzername').fill(carol.username);
  await page.getByLabel('Passwort').fill(carol.password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(page.getByRole('button', { name: /^Konto: Carol Chen/ })).toBeVisible();

  await page.getByRole('button', { name: /^Konto: Carol Chen/ }).click();
  await page.getByRole('menuitem', { name: 'Einstellungen…' }).click();
  const settings = page.getByRole('dialog', { name: 'Einstellungen' });
  await settings.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
  // The whole UI switches at once, the open settings included.
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'New conversation' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('button', { name: 'New conversation' })).toBeVisible();
  // Back to the system language: German again.
  await page.getByRole('button', { name: /^Account: Carol Chen/ }).click();
  await page.getByRole('menuitem', { name: 'Settings…' }).click();
  await page.getByRole('combobox', { name: 'Language' }).selectOption('system');
  await expect(page.getByRole('dialog', { name: 'Einstellungen' })).toBeVisible();
});
