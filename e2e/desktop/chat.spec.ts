/**
 * The desktop app with a web user: sign-in through the desktop UI, chat both ways, native
 * notifications and their clicks, badge and tray counts, mute and do-not-disturb.
 */
import {
  connectSocket,
  createConversation,
  registerUser,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  messageBodies,
  registerViaApi,
  sendMessage,
  signIn,
  startDirectChat,
} from '../fixtures.js';
import type { ParleyHost } from '@parley/shared';
import type { DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test } from './fixtures.js';

const shown = (app: DesktopApp) =>
  app.notifications.filter((n) => n.shown).map((n) => ({ title: n.title, body: n.body }));
const badge = (app: DesktopApp) => app.badgeCounts.at(-1) ?? 0;
const tray = (app: DesktopApp) => {
  const current = app.trays.at(-1);
  if (!current) throw new Error('the app made no tray');
  return current;
};

test('a desktop user and a web user chat; a background message notifies and its click opens it', async ({
  launchDesktop,
  openClient,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Desk');
  const bob = await registerViaApi(parley.url, 'Bob Web');
  const { app, page: desktop } = await launchDesktop();

  // window.parley is what contextBridge made of the preload's API.
  const bridge = await desktop.evaluate(() => {
    const descriptor = Object.getOwnPropertyDescriptor(window, 'parley');
    const parley = (window as unknown as { parley: ParleyHost }).parley;
    return {
      kind: parley.kind,
      writable: descriptor?.writable,
      configurable: descriptor?.configurable,
      frozen: Object.isFrozen(parley) && Object.isFrozen(parley.auth),
    };
  });
  expect(bridge).toEqual({ kind: 'desktop', writable: false, configurable: false, frozen: true });

  // Main prefills the server it was started with.
  await expect(desktop.getByLabel('Server')).toHaveValue(parley.url);
  await signIn(desktop, alice);
  const web = await openClient();
  await signIn(web, bob);

  await startDirectChat(web, alice);
  await sendMessage(web, 'hello from the web');
  await expect.poll(() => shown(app)).toEqual([{ title: 'Bob Web', body: 'hello from the web' }]);
  await expect.poll(() => badge(app)).toBe(1);
  expect(tray(app).tooltip).toBe('Parley · 1 unread');
  expect(tray(app).menu?.labels()).toContain('Open Parley (1 unread)');

  // Alice is in another app; the click brings the window up with Bob's chat open.
  const mainWindow = app.windows[0]!;
  mainWindow.blur();
  app.notifications[0]!.click();
  await expect(chatTitle(desktop)).toHaveText('Bob Web');
  expect(mainWindow.isFocused()).toBe(true);
  await expect(messageBodies(desktop)).toHaveText(['hello from the web']);
  // Read: the badge and the tray clear.
  await expect.poll(() => badge(app)).toBe(0);
  expect(tray(app).tooltip).toBe('Parley');

  await sendMessage(desktop, 'hi from the desktop');
  await expect(messageBodies(web)).toHaveText(['hello from the web', 'hi from the desktop']);
  await expect(messageBodies(desktop)).toHaveText(['hello from the web', 'hi from the desktop']);
  // Her own message and the open, focused chat notify nobody.
  expect(shown(app)).toHaveLength(1);
});

test('mute and do-not-disturb keep notifications away; badge and tray follow', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Mute');
  const bob = await registerUser(parley.url, undefined, 'Bob Mute');
  const carol = await registerUser(parley.url, undefined, 'Carol Mute');
  // Alice starts both chats: empty ones are listed for their creator only.
  const withBob = await createConversation(parley.url, alice.accessToken, [bob.user.id]);
  const withCarol = await createConversation(parley.url, alice.accessToken, [carol.user.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  const carolSocket = await connectSocket(parley.url, carol.accessToken);
  const { app, page: desktop } = await launchDesktop();
  await signIn(desktop, alice);
  await conversationRow(desktop, 'Carol Mute').click();
  await expect(chatTitle(desktop)).toHaveText('Carol Mute');

  // Control: Bob's chat is in the background, so his message notifies and counts.
  await sendOverSocket(bobSocket, withBob.id, 'one');
  await expect.poll(() => shown(app)).toEqual([{ title: 'Bob Mute', body: 'one' }]);
  await expect.poll(() => badge(app)).toBe(1);

  // Alice mutes Bob (reading him on the way), and goes back to Carol.
  await conversationRow(desktop, 'Bob Mute').click();
  await desktop.getByRole('button', { name: 'Mute notifications' }).click();
  await expect(desktop.getByRole('button', { name: 'Unmute notifications' })).toBeVisible();
  await expect.poll(() => badge(app)).toBe(0);
  await conversationRow(desktop, 'Carol Mute').click();
  await expect(chatTitle(desktop)).toHaveText('Carol Mute');

  // Main decides on a notification before the state reaches the window, so once the message
  // shows in the sidebar the decision has been made.
  await sendOverSocket(bobSocket, withBob.id, 'two, muted');
  await expect(conversationRow(desktop, 'Bob Mute')).toContainText('two, muted');
  expect(shown(app)).toHaveLength(1);
  expect(badge(app), 'a muted chat stays out of the badge').toBe(0);

  // Do not disturb from the tray; Alice switches to another app, Carol writes.
  tray(app).clickMenuItem('Do not disturb');
  await expect.poll(() => tray(app).tooltip).toBe('Parley · do not disturb');
  app.windows[0]!.blur();
  await sendOverSocket(carolSocket, withCarol.id, 'three, during dnd');
  await expect(messageBodies(desktop).last()).toHaveText('three, during dnd');
  expect(shown(app)).toHaveLength(1);

  // Do not disturb off again: the next message notifies.
  tray(app).clickMenuItem('Do not disturb');
  await expect.poll(() => tray(app).tooltip).toBe('Parley');
  await sendOverSocket(carolSocket, withCarol.id, 'four');
  await expect.poll(() => shown(app)).toContainEqual({ title: 'Carol Mute', body: 'four' });
  bobSocket.disconnect();
  carolSocket.disconnect();
});
