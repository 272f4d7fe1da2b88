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
import {
  chatTitle,
  conversationRow,
  messageBodies,
  messages,
  registerViaApi,
  sendMessage,
  signIn,
} from '../fixtures.js';
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

  // Selected message text: the message's actions, then Copy. A link: Copy link (the page never
  // sees the clipboard). Bob's message: Alice may react, reply and copy, not edit or delete.
  const body = messageBodies(page).first();
  await body.evaluate((element) => window.getSelection()?.selectAllChildren(element));
  menu = await contextMenu(app, body);
  expect(menu.labels()).toEqual(['React', 'Reply', 'Copy text', 'Copy']);
  menu.click('Copy');
  await expect.poll(() => app.clipboard.text).toBe('the guide: https://example.org/guide');
  await page.evaluate(() => window.getSelection()?.removeAllRanges());
  menu = await contextMenu(app, body.getByRole('link', { name: 'https://example.org/guide' }));
  expect(menu.labels()).toEqual(['React', 'Reply', 'Copy text', 'Copy link']);
  menu.click('Copy link');
  expect(app.clipboard.text).toBe('https://example.org/guide');
  bobSocket.disconnect();
});

test('a message’s actions are in the native menu: react, reply, edit, copy text, delete', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Actions');
  const bob = await registerUser(parley.url, undefined, 'Bob Actions');
  // Alice starts it: an empty direct chat is listed for its creator only.
  await createConversation(parley.url, alice.accessToken, [bob.user.id]);
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  await conversationRow(page, 'Bob Actions').click();
  await sendMessage(page, 'Meet at 5');
  const mine = messages(page).filter({ hasText: 'Meet at 5' });
  const bubble = mine.locator('.bubble');
  await expect(mine).toHaveAttribute('data-message-id', /.+/);
  // Sent and stored (not still in the outbox): only then may it be edited and deleted.
  await expect(mine.locator('.msg-status')).toHaveAttribute('data-status', /^(sent|delivered|read)$/);

  // The in-page menu stays away; main's menu has the message's actions (no Copy: nothing selected).
  let menu = await contextMenu(app, bubble);
  await expect(page.getByRole('menu')).toHaveCount(0);
  expect(menu.labels()).toEqual(['React', 'Reply', 'Edit', 'Copy text', 'Delete…']);
  expect(menu.labels('React')).toEqual(['👍', '❤️', '😂', '😮', '😢', '🙏', 'More reactions…']);

  // React: the chip appears, and the next menu shows the reaction checked.
  menu.click('React', '👍');
  await expect(mine.getByRole('button', { name: /^👍 1/ })).toHaveAttribute('aria-pressed', 'true');
  menu = await contextMenu(app, bubble);
  expect(menu.items[0]?.submenu).toEqual(
    expect.arrayContaining([expect.objectContaining({ label: '👍', checked: true })]),
  );
  menu.click('React', 'More reactions…');
  await expect(page.getByRole('dialog', { name: 'Choose a reaction' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Copy text: main writes the OS clipboard.
  (await contextMenu(app, bubble)).click('Copy text');
  await expect.poll(() => app.clipboard.text).toBe('Meet at 5');

  // Reply: the quote above the composer.
  (await contextMenu(app, bubble)).click('Reply');
  const banner = page.getByTestId('composer-reply');
  await expect(banner).toContainText('Meet at 5');
  await page.keyboard.press('Escape');
  await expect(banner).toBeHidden();

  // Edit in place.
  (await contextMenu(app, bubble)).click('Edit');
  const editor = page.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toHaveValue('Meet at 5');
  await editor.fill('Meet at 6');
  await editor.press('Enter');
  const edited = messages(page).filter({ hasText: 'Meet at 6' });
  await expect(edited.locator('.msg-edited')).toHaveText('edited');

  // Delete, after the confirmation.
  (await contextMenu(app, edited.locator('.bubble'))).click('Delete…');
  await page
    .getByRole('alertdialog', { name: 'Delete message?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.locator('.msg-body.deleted')).toHaveText(['Message deleted']);

  // A right-click on the composer right after is its own menu: no message actions linger.
  const composer = page.getByRole('textbox', { name: 'Message' });
  expect((await contextMenu(app, composer)).labels()).toEqual(['Cut', 'Copy', 'Paste', 'Select all']);
});
