/**
 * The right-click menu: spelling suggestions and "Add to dictionary" in the composer, Cut,
 * Copy, Paste and Select all as the field allows, Copy on selected message text, Copy link on
 * a link. The stand-in builds Electron's context-menu params from what is under the pointer
 * and plays the spell-checker (app.misspellings) and the OS clipboard (app.clipboard).
 */
import {
  createConversation,
  registerUser,
  connectSocket,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import { chatTitle, conversationRow, messageBodies, registerViaApi, signIn } from '../fixtures.js';
import type { Locator } from '@playwright/test';
import type { DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test } from './fixtures.js';

/** Right-clicks `target` (the caret stays where it is) and returns the menu main popped up. */
async function contextMenu(app: DesktopApp, target: Locator) {
  const before = app.popups.length;
  await target.dispatchEvent('contextmenu', { bubbles: true, cancelable: true, button: 2 });
  await expect.poll(() => app.popups.length).toBe(before + 1);
  return app.popups.at(-1)!;
}

test('the context menu corrects spelling, copies, pastes and copies links', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Menu');
  const bob = await registerUser(parley.url, undefined, 'Bob Menu');
  const chat = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  await sendOverSocket(bobSocket, chat.id, 'the guide: https://example.org/guide');
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  await conversationRow(page, 'Bob Menu').click();
  await expect(chatTitle(page)).toHaveText('Bob Menu');
  app.misspellings.set('helo', ['hello', 'help']);
  app.misspellings.set('wrld', ['world']);

  // A misspelled word at the caret: its suggestions first; picking one replaces the word.
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('helo wrld');
  let menu = await contextMenu(app, composer);
  expect(menu.labels()).toEqual(['world', 'Add to dictionary', 'Cut', 'Copy', 'Paste', 'Select all']);
  expect(menu.enabledLabels()).toEqual(['world', 'Add to dictionary', 'Paste', 'Select all']);
  menu.click('world');
  await expect(composer).toHaveValue('helo world');

  // "Add to dictionary": the word is no longer offered corrections.
  await composer.evaluate((field: HTMLTextAreaElement) => field.setSelectionRange(2, 2));
  menu = await contextMenu(app, composer);
  expect(menu.labels().slice(0, 3)).toEqual(['hello', 'help', 'Add to dictionary']);
  menu.click('Add to dictionary');
  expect(app.dictionary).toEqual(['helo']);
  expect((await contextMenu(app, composer)).labels()).toEqual(['Cut', 'Copy', 'Paste', 'Select all']);

  // Copy the selection, clear the field, paste it back.
  await composer.selectText();
  menu = await contextMenu(app, composer);
  expect(menu.enabledLabels()).toEqual(['Cut', 'Copy', 'Paste', 'Select all']);
  menu.click('Copy');
  await expect.poll(() => app.clipboard.text).toBe('helo world');
  await composer.fill('');
  (await contextMenu(app, composer)).click('Paste');
  await expect(composer).toHaveValue('helo world');

  // Selected message text: only Copy. A link: Copy link (the page never sees the clipboard).
  const body = messageBodies(page).first();
  await body.evaluate((element) => window.getSelection()?.selectAllChildren(element));
  menu = await contextMenu(app, body);
  expect(menu.labels()).toEqual(['Copy']);
  menu.click('Copy');
  await expect.poll(() => app.clipboard.text).toBe('the guide: https://example.org/guide');
  await page.evaluate(() => window.getSelection()?.removeAllRanges());
  menu = await contextMenu(app, body.getByRole('link', { name: 'https://example.org/guide' }));
  expect(menu.labels()).toEqual(['Copy link']);
  menu.click('Copy link');
  expect(app.clipboard.text).toBe('https://example.org/guide');
  bobSocket.disconnect();
});
