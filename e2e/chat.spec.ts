/**
 * Chat end to end: real server, real web client, real Chromium. Each browser context is one
 * device; two users talk, a third context is the second device of one of them.
 */
import type { Page } from '@playwright/test';
import type { ParleyHost } from '@parley/shared';
import { connectSocket, createConversation, sendMessage as socketSend } from '../server/test/harness.js';
import {
  chatTitle,
  connectionStatus,
  conversationRow,
  expect,
  messageBodies,
  messages,
  registerViaApi,
  sendMessage,
  signIn,
  signUpNewUser,
  startDirectChat,
  test,
  waitUntilOnline,
} from './fixtures.js';

test('two users chat: messages both ways, typing, receipts, unread, presence, reload, second device', async ({
  openClient,
}) => {
  const alicePage = await openClient();
  const bobPage = await openClient();
  const alice = await signUpNewUser(alicePage, 'Alice Martin');
  const bob = await signUpNewUser(bobPage, 'Bob Chen');

  // Empty state tells Alice what to do next.
  await expect(alicePage.getByText('No conversations yet')).toBeVisible();

  await startDirectChat(alicePage, bob);
  await sendMessage(alicePage, 'Hi Bob! 👋');
  // Stored on the server: one tick.
  await expect(alicePage.locator('[data-status="sent"]').last()).toBeVisible();

  // Bob gets the conversation with an unread badge and a bold row.
  const bobsRow = conversationRow(bobPage, 'Alice Martin');
  await expect(bobsRow).toHaveAccessibleName(/^Alice Martin .*, 1 unread$/);
  await expect(bobsRow).toContainText('Hi Bob! 👋');
  await expect(bobsRow).toHaveClass(/unread/);

  // Bob opens it: the badge clears and Alice sees two ticks (read).
  await bobsRow.click();
  await expect(messages(bobPage)).toHaveCount(1);
  await expect(bobsRow).not.toHaveAccessibleName(/, (muted|\d+ unread)$/);
  await expect(alicePage.locator('[data-status="read"]').last()).toBeVisible();

  // Typing shows for Alice while Bob types, and clears when he sends.
  const composer = bobPage.getByRole('textbox', { name: 'Message' });
  await composer.pressSequentially('Hey Al', { delay: 20 });
  await expect(alicePage.getByText('Bob is typing…')).toBeVisible();
  await expect(alicePage.getByTestId('chat-subtitle')).not.toContainText('typing'); // once, above the composer
  await composer.pressSequentially('ice!', { delay: 20 });
  await composer.press('Enter');
  await expect(alicePage.getByText('Bob is typing…')).toBeHidden();
  await expect(messages(alicePage)).toHaveCount(2);
  await expect(messageBodies(alicePage)).toHaveText(['Hi Bob! 👋', 'Hey Alice!']);

  // Alice's list shows Bob's last message; Bob's shows "You: …".
  await expect(conversationRow(alicePage, 'Bob Chen')).toContainText('Hey Alice!');
  await expect(conversationRow(bobPage, 'Alice Martin')).toContainText('You: Hey Alice!');

  // Presence: Bob is online in Alice's header; when his only device closes, he goes offline.
  await expect(alicePage.getByTestId('chat-subtitle')).toHaveText('online');
  await bobPage.context().close();
  await expect(alicePage.getByTestId('chat-subtitle')).toHaveText(/^last seen/);

  // History survives a reload (the session is restored, no sign-in).
  await alicePage.reload();
  await expect(connectionStatus(alicePage)).toHaveText('Online');
  // Keyboard: filter, Down to the match, Enter opens it.
  await alicePage.getByLabel('Filter conversations').fill('bob');
  await alicePage.keyboard.press('ArrowDown');
  await expect(conversationRow(alicePage, 'Bob Chen')).toBeFocused();
  await alicePage.keyboard.press('Enter');
  await expect(chatTitle(alicePage)).toHaveText('Bob Chen');
  await expect(messages(alicePage)).toHaveCount(2);
  await expect(messages(alicePage).last()).toBeVisible();
  await expect(messageBodies(alicePage)).toHaveText(['Hi Bob! 👋', 'Hey Alice!']);
  // Bob read Alice's message before: after the reload it still shows as read, not as a single ✓.
  await expect(messages(alicePage).first().locator('[data-status]')).toHaveAttribute('data-status', 'read');

  // Bob signs in on a second device and sees the same state, then comes back online for Alice.
  const bobPhone = await openClient();
  // A wrong password says so and keeps the form; the right one signs in.
  await signIn(bobPhone, { ...bob, password: 'not-the-password' }, { expectError: true });
  await expect(bobPhone.getByRole('alert')).toHaveText(/password/i);
  await signIn(bobPhone, bob);
  await expect(alicePage.getByTestId('chat-subtitle')).toHaveText('online');
  const row = conversationRow(bobPhone, 'Alice Martin');
  await expect(row).not.toHaveAccessibleName(/, (muted|\d+ unread)$/);
  await expect(row).toContainText('You: Hey Alice!');
  await row.click();
  await expect(chatTitle(bobPhone)).toHaveText('Alice Martin');
  await expect(messageBodies(bobPhone)).toHaveText(['Hi Bob! 👋', 'Hey Alice!']);

  // A message on the second device arrives for Alice, and unread counts stay in sync.
  await sendMessage(alicePage, 'Welcome back');
  await expect(messages(bobPhone)).toHaveCount(3);
  expect(alice.username).not.toEqual(bob.username);
});

test('a server restart loses nothing: every message arrives exactly once, in order', async ({
  parley,
  openClient,
}) => {
  const alicePage = await openClient();
  const bobPage = await openClient();
  await signUpNewUser(alicePage, 'Alice Martin');
  const bob = await signUpNewUser(bobPage, 'Bob Chen');
  await startDirectChat(alicePage, bob);
  await sendMessage(alicePage, 'm1');
  await conversationRow(bobPage, 'Alice Martin').click();
  await expect(messageBodies(bobPage)).toHaveText(['m1']);

  const sent: string[] = ['m1'];
  const send = async (text: string) => {
    await sendMessage(alicePage, text);
    sent.push(text);
  };
  await send('m2');
  await send('m3');
  // Shut the server down while Alice keeps typing and sending: some sends race the shutdown.
  const stopping = parley.stop();
  await send('m4');
  await send('m5');
  await stopping;
  await expect(alicePage.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ })).toBeVisible();
  for (const text of ['m6', 'm7', 'm8']) await send(text);
  // Nothing is lost while offline: the messages wait in the outbox with a clock.
  await expect(alicePage.locator('[data-status="pending"]')).not.toHaveCount(0);
  await expect(messageBodies(alicePage)).toHaveText(sent);

  await parley.start();
  await waitUntilOnline(alicePage);
  await send('m9');

  // Exactly once and in order, on both sides; nothing left pending or failed.
  await expect(messageBodies(bobPage)).toHaveText(sent, { timeout: 40_000 });
  await expect(messageBodies(alicePage)).toHaveText(sent);
  await expect(alicePage.locator('[data-status="pending"], [data-status="failed"]')).toHaveCount(0);
  // And after a reload (what the server stored, not just what the page kept).
  await bobPage.reload();
  await conversationRow(bobPage, 'Alice Martin').click();
  await expect(messageBodies(bobPage)).toHaveText(sent);
});

test('long history: older pages load on scroll-up and the view stays put', async ({ parley, openClient }) => {
  const page = await openClient();
  await signUpNewUser(page, 'Sam Rivera');
  const meId = await page.evaluate(async () => {
    const host = (window as unknown as { parley: ParleyHost }).parley;
    const state = await host.getState();
    return state.session.status === 'signed-in' ? state.session.user.id : '';
  });
  const alice = await registerViaApi(parley.url, 'Alice Martin');
  const conversation = await createConversation(parley.url, alice.accessToken, [meId]);
  const socket = await connectSocket(parley.url, alice.accessToken);
  for (let i = 1; i <= 120; i++) {
    const ack = await socketSend(socket, conversation.id, `history ${i}`);
    expect(ack.ok).toBe(true);
  }
  // Read on another device: with nothing unread the chat opens at its newest page (with 120
  // unread it would open at the first of them, see ux-fixes.spec.ts).
  await expect(conversationRow(page, 'Alice Martin')).toHaveAccessibleName(/, 120 unread$/);
  await page.evaluate(async (id) => {
    await (window as unknown as { parley: ParleyHost }).parley.conversations.markRead(id, 120);
  }, conversation.id);
  await expect(conversationRow(page, 'Alice Martin')).not.toHaveAccessibleName(/unread$/);
  await conversationRow(page, 'Alice Martin').click();
  const log = page.getByRole('log', { name: 'Messages' });
  await expect(log.getByText('history 120', { exact: true })).toBeInViewport();
  // Only the newest page is loaded at first.
  await expect(log.getByText('history 1', { exact: true })).toHaveCount(0);

  // Scroll to the top: the next page is prepended and the message that was at the top stays
  // on screen instead of the view jumping to the oldest loaded message.
  const topSeq = await page.evaluate(async (id) => {
    const host = (window as unknown as { parley: ParleyHost }).parley;
    return (await host.getState()).messages[id]?.items[0]?.seq ?? 0;
  }, conversation.id);
  expect(topSeq).toBeGreaterThan(1);
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(log.locator(`[data-seq="${topSeq - 1}"]`)).toHaveCount(1);
  await expect(log.getByText(`history ${topSeq}`, { exact: true })).toBeInViewport();

  // Keep scrolling up until the very beginning.
  await expect(async () => {
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(log.getByText('This is the beginning of your conversation.')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(log.getByText('history 1', { exact: true })).toBeVisible();

  // Scrolled up, a new message does not yank the view: "Jump to latest" counts it instead,
  // and it stays unread until the user is back at the bottom.
  await socketSend(socket, conversation.id, 'fresh news');
  socket.disconnect();
  const jump = page.getByRole('button', { name: 'Jump to latest, 1 new' });
  await expect(jump).toBeVisible();
  await expect(conversationRow(page, 'Alice Martin')).toHaveAccessibleName(/^Alice Martin .*, 1 unread$/);
  await jump.click();
  await expect(log.getByText('fresh news', { exact: true })).toBeInViewport();
  await expect(conversationRow(page, 'Alice Martin')).not.toHaveAccessibleName(/, (muted|\d+ unread)$/);
  await expect(jump).toBeHidden();
});

test('theme follows the system and a manual choice sticks across reloads', async ({ openClient }) => {
  const page = await openClient({ colorScheme: 'dark' });
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await signUpNewUser(page, 'Sam Rivera');
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitemradio', { name: 'Light' }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  // Back to "System": the page follows the OS again.
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitemradio', { name: 'System' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');

  // Do-not-disturb lives in the same menu (the web host keeps it per device) and sticks too.
  await page.getByRole('button', { name: /^Account:/ }).click();
  const dnd = page.getByRole('menuitemcheckbox', { name: 'Do not disturb' });
  await expect(dnd).toHaveAttribute('aria-checked', 'false');
  await dnd.click();
  await page.reload();
  await page.getByRole('button', { name: /^Account:/ }).click();
  await expect(page.getByRole('menuitemcheckbox', { name: 'Do not disturb' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
});

/**
 * Screenshots of the main screens in both themes, for design review (git-ignored output in
 * e2e/screenshots/). They also check the screens render what they should.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`screenshots (${colorScheme})`, async ({ parley, openClient }) => {
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: `e2e/screenshots/${name}-${colorScheme}.png`, animations: 'disabled' });

    // Sign-in, as a first-time visitor sees it.
    const page = await openClient({ colorScheme });
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    await expect(page.getByLabel('Server')).toHaveValue(parley.url);
    await shot(page, 'sign-in');

    // Empty state right after sign-up.
    const me = await signUpNewUser(page, 'Sam Rivera');
    // One welcome with the next steps, and one "new chat" button on screen (issue 12).
    await expect(page.getByRole('heading', { name: 'Welcome to Parley, Sam' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start a chat' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New chat', exact: true })).toBeHidden();
    await shot(page, 'empty');

    // Others, seeded over the API and real sockets, talk to Sam.
    const meId = await page.evaluate(async () => {
      const host = (window as unknown as { parley: ParleyHost }).parley;
      const state = await host.getState();
      return state.session.status === 'signed-in' ? state.session.user.id : '';
    });
    const alice = await registerViaApi(parley.url, 'Alice Martin');
    const bob = await registerViaApi(parley.url, 'Bob Chen');
    const chloe = await registerViaApi(parley.url, 'Chloé Dubois');
    // Conversations first, then sockets: Sam's client then sees each of them come online.
    const team = await createConversation(
      parley.url,
      chloe.accessToken,
      [meId, alice.id, bob.id],
      'Design team',
    );
    const withBob = await createConversation(parley.url, bob.accessToken, [meId]);
    const withAlice = await createConversation(parley.url, alice.accessToken, [meId]);
    const aliceSocket = await connectSocket(parley.url, alice.accessToken);
    const bobSocket = await connectSocket(parley.url, bob.accessToken);
    const chloeSocket = await connectSocket(parley.url, chloe.accessToken);
    try {
      await socketSend(chloeSocket, team.id, 'New icon set is in Figma');
      await socketSend(bobSocket, team.id, 'Looks great. Can we try a slightly warmer accent?');
      await socketSend(chloeSocket, team.id, 'Posted three options, vote by tomorrow');
      await socketSend(bobSocket, withBob.id, 'Are we still on for the release review at 4?');
      await socketSend(
        aliceSocket,
        withAlice.id,
        'Morning! Did you get a chance to look at the onboarding flow?',
      );

      // Sam mutes Bob's chat from its header: a bell-off mark in the row, and its next
      // unread badge is grey.
      await conversationRow(page, 'Bob Chen').click();
      await expect(chatTitle(page)).toHaveText('Bob Chen');
      await page.getByRole('button', { name: 'Mute notifications' }).click();
      await expect(page.getByRole('button', { name: 'Unmute notifications' })).toBeVisible();
      await expect(conversationRow(page, 'Bob Chen')).toHaveAccessibleName(/^Bob Chen .*, muted$/);
      await page.mouse.move(0, 0);
      await expect(page.getByRole('tooltip')).toBeHidden();
      await shot(page, 'chat-muted');

      await conversationRow(page, 'Alice Martin').click();
      await sendMessage(page, 'Yes, I left a few comments in the doc.');
      await sendMessage(page, 'The server address step is the only part that felt heavy.');
      // Both stored before Alice answers, so her answer comes after them (and reads them).
      await expect(page.locator('[data-status="pending"]')).toHaveCount(0);
      await expect(page.locator('[data-status="sent"], [data-status="read"]')).toHaveCount(2);
      await socketSend(aliceSocket, withAlice.id, 'Agreed. What if we prefill it from the invite link?');
      await socketSend(
        aliceSocket,
        withAlice.id,
        'Also: the reconnect banner is much calmer now. Ping me when the build is up and I will try it on my laptop.',
      );
      await expect(messages(page)).toHaveCount(5);
      aliceSocket.emit('typing:start', { conversationId: withAlice.id });
      await expect(page.getByText('Alice is typing…')).toBeVisible();
      // Alice answered after Sam's messages, so she has read them: two ticks.
      await expect(page.locator('[data-status="read"]')).toHaveCount(2);
      await expect(page.getByTestId('chat-subtitle')).not.toContainText('typing');
      await expect(conversationRow(page, 'Design team')).toHaveAccessibleName(/^Design team .*, 3 unread$/);
      await socketSend(bobSocket, withBob.id, 'Running five minutes late');
      const bobsRow = conversationRow(page, 'Bob Chen');
      await expect(bobsRow).toHaveAccessibleName(/^Bob Chen .*, muted, 1 unread$/);
      await expect(bobsRow.locator('.unread-pill')).toHaveClass(/muted-pill/);
      await expect(conversationRow(page, 'Design team').locator('.unread-pill')).not.toHaveClass(
        /muted-pill/,
      );
      await page.mouse.move(0, 0);
      await shot(page, 'chat');

      // New chat dialog, searching.
      await page.getByRole('button', { name: 'New conversation' }).click();
      await page.getByRole('menuitem', { name: 'New group' }).click();
      const dialog = page.getByRole('dialog', { name: 'New group' });
      await dialog.getByLabel('Group name').fill('Weekend plans');
      await dialog.getByLabel('Search people').fill(bob.username);
      await dialog.getByRole('option', { name: new RegExp(bob.username) }).click();
      await dialog.getByLabel('Search people').fill('');
      await expect(dialog.getByRole('option', { name: new RegExp(alice.username) })).toBeVisible();
      await shot(page, 'new-group');
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await expect(dialog).toBeHidden();
      await expect(chatTitle(page)).toHaveText('Weekend plans');
      await expect(page.getByTestId('chat-subtitle')).toHaveText(/^2 members/);
      await expect(page.getByRole('heading', { name: 'Welcome to Weekend plans' })).toBeVisible();

      // Esc closes dialogs.
      await page.keyboard.press('Control+K');
      await expect(page.getByRole('dialog', { name: 'Switch conversation' })).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog', { name: 'Switch conversation' })).toBeHidden();

      // Quick switcher.
      await page.keyboard.press('Control+K');
      const switcher = page.getByRole('dialog', { name: 'Switch conversation' });
      await switcher.getByRole('combobox').fill('de');
      await expect(switcher.getByRole('option')).toHaveCount(1);
      await shot(page, 'quick-switcher');
      await page.keyboard.press('Enter');
      await expect(chatTitle(page)).toHaveText('Design team');
      await expect(conversationRow(page, 'Design team')).not.toHaveAccessibleName(/, (muted|\d+ unread)$/);

      // Reconnecting bar while the server is down.
      await parley.stop();
      await expect(page.getByText(/Reconnecting in \d+ s…/)).toBeVisible({ timeout: 20_000 });
      await sendMessage(page, 'This one waits in the outbox');
      await expect(page.locator('[data-status="pending"]')).toHaveCount(1);
      await shot(page, 'reconnecting');
      await parley.start();
      await waitUntilOnline(page);
      await expect(page.locator('[data-status="pending"]')).toHaveCount(0);

      // Narrow window: one pane at a time with a back button.
      await page.setViewportSize({ width: 390, height: 780 });
      await conversationRow(page, 'Alice Martin')
        .click()
        .catch(async () => {
          await page.getByRole('button', { name: 'Back to conversations' }).click();
          await conversationRow(page, 'Alice Martin').click();
        });
      await expect(page.getByRole('button', { name: 'Back to conversations' })).toBeVisible();
      await expect(messages(page)).toHaveCount(5);
      // Rendered and actually visible (the virtual list hides itself until it has scrolled into place).
      await expect(messages(page).last()).toBeVisible();
      await shot(page, 'mobile-chat');
      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await expect(conversationRow(page, 'Alice Martin')).toBeVisible();
      await shot(page, 'mobile-list');
      expect(me.username).toBeTruthy();
    } finally {
      aliceSocket.disconnect();
      bobSocket.disconnect();
      chloeSocket.disconnect();
    }
  });
}
