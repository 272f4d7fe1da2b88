/**
 * parley:// links on the desktop: the app registers the scheme; a link that starts the app
 * (command line) or reaches the running one (second instance, macOS open-url) opens an invite
 * in the sign-up form or a conversation, and every other link is explained in a message box.
 */
import {
  connectSocket,
  createConversation,
  registerUser,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import { accountChip, chatTitle, conversationRow, uniqueUser } from '../fixtures.js';
import type { ParleyHost } from '@parley/shared';
import type { DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test } from './fixtures.js';

/** The message box a link produced: its text, then it is answered. */
async function explained(app: DesktopApp): Promise<{ message: string; detail: string | undefined }> {
  const dialog = await app.nextDialog();
  dialog.respond(0);
  return { message: dialog.options.message, detail: dialog.options.detail };
}

test('an invite link opens sign-up filled in; conversation links open; other links are explained', async ({
  launchDesktop,
  startDesktop,
  parley,
}) => {
  const server = new URL(parley.url).host;
  const { app, page, userDataDir } = await launchDesktop({ argv: [`parley://${server}/invite/WELCOME-42`] });
  expect(app.protocolClients).toEqual(['parley']);

  // The link that started the app: sign-up, with the server and the code from the link.
  await expect(page.getByRole('tab', { name: 'Create account' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Server')).toHaveValue(parley.url);
  await expect(page.getByLabel('Invite code')).toHaveValue('WELCOME-42');
  const alice = uniqueUser('Alice Link');
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel(/Display name/).fill(alice.displayName);
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(accountChip(page)).toContainText(alice.displayName);

  // Bob writes to Alice; she is in another app with the window hidden.
  const state = await page.evaluate(() => (window as unknown as { parley: ParleyHost }).parley.getState());
  if (state.session.status !== 'signed-in') throw new Error('not signed in');
  const bob = await registerUser(parley.url, undefined, 'Bob Link');
  const chat = await createConversation(parley.url, bob.accessToken, [state.session.user.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  await sendOverSocket(bobSocket, chat.id, 'see you there');
  await expect(conversationRow(page, 'Bob Link')).toBeVisible();
  app.windows[0]!.hide();

  // A second start with a conversation link hands it to the running app, which shows it.
  const second = await startDesktop({ userDataDir, argv: [`parley://${server}/c/${chat.id}`] });
  await second.exited;
  await expect(chatTitle(page)).toHaveText('Bob Link');
  expect(app.windows[0]!.isVisible()).toBe(true);

  const open = async (link: string) => {
    const instance = await startDesktop({ userDataDir, argv: [link] });
    await instance.exited;
  };
  await open(`parley://${server}/c/not-a-conversation-of-hers`);
  expect(await explained(app)).toEqual({
    message: 'Conversation not found',
    detail: 'The link is for a conversation you are not in, or one that no longer exists.',
  });
  await open(`parley://${server}/invite/ANOTHER-1`);
  expect((await explained(app)).message).toBe('You are already signed in');
  await open(`parley://chat.example.org/c/${chat.id}`);
  expect(await explained(app)).toEqual({
    message: 'This link is for another server',
    detail: `The link is for chat.example.org, and you are signed in to ${server}.`,
  });
  // macOS hands links over with open-url; malformed ones are refused with the reason.
  for (const [link, reason] of [
    [`parley://${server}/settings/x`, 'Parley does not know this kind of link.'],
    [
      `parley://${server}/c/${chat.id}?next=https://evil.example`,
      'The link has parts Parley does not understand.',
    ],
    [`parley://user:pw@${server}/c/${chat.id}`, 'The link must not contain a user name or password.'],
    [`parley://${server}/c/<script>`, 'The conversation in the link is not valid.'],
  ] as const) {
    app.app.emit('open-url', { preventDefault() {} }, link);
    expect(await explained(app)).toEqual({ message: 'Parley can’t open this link', detail: reason });
  }
  // Still on Bob's conversation: no link changed anything.
  await expect(chatTitle(page)).toHaveText('Bob Link');

  // A link that starts the app waits for the restored session and the renderer's shell.
  expect(await app.quit()).toBe(true);
  const restarted = await launchDesktop({ userDataDir, argv: [`parley://${server}/c/${chat.id}`] });
  await expect(chatTitle(restarted.page)).toHaveText('Bob Link');
  bobSocket.disconnect();
});
