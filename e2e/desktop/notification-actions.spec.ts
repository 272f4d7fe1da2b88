/**
 * Acting from a notification: an inline reply to a message (macOS `hasReply`), Answer and
 * Decline on an incoming call (macOS `actions`), and the notification of a missed call. The
 * display is kept awake (powerSaveBlocker) only while a call is active.
 */
import {
  collect,
  connectSocket,
  createConversation,
  registerUser,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  registerViaApi,
  sendMessage,
  signIn,
  startDirectChat,
} from '../fixtures.js';
import type { Page } from '@playwright/test';
import type { DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ timeout: 150_000 });

const shown = (app: DesktopApp) => app.notifications.filter((n) => n.shown);
const lastShown = (app: DesktopApp, title: string) => {
  const found = shown(app).findLast((n) => n.title === title);
  if (!found) throw new Error(`no notification titled ${title}`);
  return found;
};

/** Closes the call-ended screen, which may also close by itself after a while. */
async function dismissEnded(page: Page): Promise<void> {
  await expect(async () => {
    const close = page.getByRole('button', { name: 'Close call screen' });
    if (await close.isVisible()) await close.click({ timeout: 1000 }).catch(() => undefined);
    await expect(page.getByTestId('call-ended')).toBeHidden({ timeout: 1000 });
  }).toPass();
}

test('an inline reply from a message notification is sent', async ({ launchDesktop, parley }) => {
  const alice = await registerViaApi(parley.url, 'Alice Reply');
  const bob = await registerUser(parley.url, undefined, 'Bob Reply');
  const chat = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  const received = collect(bobSocket, 'message:new');
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  app.windows[0]!.blur();

  await sendOverSocket(bobSocket, chat.id, 'are you coming?');
  await expect.poll(() => shown(app).map((n) => n.body)).toEqual(['are you coming?']);
  const notification = lastShown(app, 'Bob Reply');
  expect(notification.options).toMatchObject({ hasReply: true, replyPlaceholder: 'Reply…' });
  notification.reply('on my way');

  await expect
    .poll(() => received.events.map(({ message }) => [message.senderId, message.body]))
    .toContainEqual([alice.id, 'on my way']);
  // Replying does not open the window; the conversation shows the reply as Alice's.
  expect(app.windows[0]!.isFocused()).toBe(false);
  await expect(conversationRow(page, 'Bob Reply')).toContainText('on my way');
  received.stop();
  bobSocket.disconnect();
});

test('a call answered and declined from its notification; a missed call notifies', async ({
  launchDesktop,
  openClient,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Ring');
  const bob = await registerViaApi(parley.url, 'Bob Ring');
  const { app, page: desktop } = await launchDesktop();
  await signIn(desktop, alice);
  const web = await openClient();
  await signIn(web, bob);
  await startDirectChat(web, alice);
  await sendMessage(web, 'calling you');
  await conversationRow(desktop, 'Bob Ring').click();
  await expect(chatTitle(desktop)).toHaveText('Bob Ring');
  const callButton = web.locator('.chat-header').getByRole('button', { name: 'Voice call', exact: true });
  const ringing = async () => {
    const before = shown(app).length;
    app.windows[0]!.blur();
    await callButton.click();
    await expect.poll(() => shown(app).length).toBe(before + 1);
    const notification = shown(app).at(-1)!;
    expect([notification.title, notification.body]).toEqual(['Bob Ring', 'Incoming voice call']);
    return notification;
  };

  // Answer: the window comes up and the call connects on both sides; the display stays awake.
  const first = await ringing();
  expect(first.options.actions).toEqual([
    { type: 'button', text: 'Answer' },
    { type: 'button', text: 'Decline' },
  ]);
  expect(app.powerSaveBlockers.size).toBe(0);
  first.action('Answer');
  await expect(desktop.getByTestId('in-call')).toBeVisible();
  await expect(web.getByTestId('in-call')).toBeVisible();
  expect(app.windows[0]!.isFocused()).toBe(true);
  expect([...app.powerSaveBlockers.values()]).toEqual(['prevent-display-sleep']);
  await web.getByTestId('hang-up').click();
  await expect(desktop.getByTestId('call-ended')).toBeVisible();
  expect(app.powerSaveBlockers.size).toBe(0);
  expect(app.powerSaveHistory).toEqual(['start prevent-display-sleep', 'stop prevent-display-sleep']);
  await dismissEnded(desktop);
  await dismissEnded(web);

  // Decline: Bob's side ends, and Alice's window stays in the background.
  const second = await ringing();
  second.action('Decline');
  await expect(web.getByTestId('call-ended')).toBeVisible();
  expect(app.windows[0]!.isFocused()).toBe(false);
  await dismissEnded(web);
  await dismissEnded(desktop);

  // Bob gives up before Alice answers: the ringing notification closes, a missed-call one shows.
  const third = await ringing();
  await web.getByRole('button', { name: 'Cancel call' }).click();
  await expect.poll(() => third.closed).toBe(true);
  await expect
    .poll(() => shown(app).map((n) => [n.title, n.body]))
    .toContainEqual(['Missed call', 'Missed voice call from Bob Ring']);
  lastShown(app, 'Missed call').click();
  await expect(chatTitle(desktop)).toHaveText('Bob Ring');
  expect(app.powerSaveBlockers.size).toBe(0);
});
