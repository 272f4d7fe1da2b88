/**
 * Acting on messages end to end (issue 10): reply and jump, edit, delete, reactions, copy, and
 * formatting, between two users on the real server and the real web client. Also writes
 * screenshots of each feature in both themes to e2e/screenshots/ (git-ignored).
 */
import type { Locator, Page } from '@playwright/test';
import type { ClientSocket } from '../server/test/harness.js';
import { connectSocket, createConversation, sendMessage as socketSend } from '../server/test/harness.js';
import {
  conversationRow,
  expect,
  markAllRead,
  messageBodies,
  messages,
  registerViaApi,
  sendMessage,
  signIn,
  startDirectChat,
  test,
  type ApiUser,
} from './fixtures.js';

interface Pair {
  alice: ApiUser;
  bob: ApiUser;
  conversationId: string;
}

async function pair(serverUrl: string, title?: string): Promise<Pair> {
  const alice = await registerViaApi(serverUrl, 'Alice');
  const bob = await registerViaApi(serverUrl, 'Bob');
  const conversation = await createConversation(serverUrl, alice.accessToken, [bob.id], title);
  return { alice, bob, conversationId: conversation.id };
}

/** Signs in on a new device and opens the conversation. */
async function openAs(page: Page, user: ApiUser, chat: string | ApiUser): Promise<void> {
  await signIn(page, user);
  if (typeof chat !== 'string') {
    // The direct chat with this person, from New chat: an empty direct chat someone else
    // started is not in the list yet.
    await markAllRead(page);
    await startDirectChat(page, chat);
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
    return;
  }
  // These tests are about the newest messages: open at the bottom, not at "New messages".
  await expect(conversationRow(page, chat)).toBeVisible();
  await markAllRead(page);
  await expect(conversationRow(page, chat)).not.toHaveAccessibleName(/unread$/);
  await conversationRow(page, chat).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
}

function message(page: Page, text: string): Locator {
  return messages(page).filter({ has: page.locator('.msg-body', { hasText: text }) });
}

/** Hovers a message so its toolbar shows, then clicks one of its buttons. */
async function toolbar(page: Page, text: string, button: string): Promise<void> {
  const m = message(page, text);
  const bar = m.getByRole('toolbar', { name: 'Message actions' });
  // A tooltip left over from the last step can sit over the bubble and take the hover: retry.
  await expect(async () => {
    await m.locator('.bubble').hover();
    await expect(bar).toBeVisible({ timeout: 1000 });
  }).toPass();
  await bar.getByRole('button', { name: button }).click();
}

async function sendReply(socket: ClientSocket, conversationId: string, body: string, replyToId: string) {
  return socket.emitWithAck('message:send', {
    conversationId,
    clientId: crypto.randomUUID(),
    body,
    replyToId,
  });
}

test('reactions: quick row, full picker, toggling, counts, who reacted, live on the other device', async ({
  parley,
  openClient,
}) => {
  const { alice, bob } = await pair(parley.url);
  const a = await openClient();
  const b = await openClient();
  await openAs(a, alice, 'Bob');
  await openAs(b, bob, alice);
  await sendMessage(a, 'Lunch at noon?');
  await expect(message(b, 'Lunch at noon?')).toHaveCount(1);

  // Bob reacts from the quick row.
  await toolbar(b, 'Lunch at noon?', 'React');
  await b.getByRole('button', { name: 'React with 👍' }).click();
  const bobChip = message(b, 'Lunch at noon?').getByRole('button', { name: /^👍 1/ });
  await expect(bobChip).toHaveAttribute('aria-pressed', 'true');
  // Alice sees it live, not highlighted (not hers), and who reacted.
  const aliceChip = message(a, 'Lunch at noon?').getByRole('button', { name: /^👍 1: Bob/ });
  await expect(aliceChip).toHaveAttribute('aria-pressed', 'false');
  await aliceChip.hover();
  await expect(a.getByTestId('reaction-tooltip')).toHaveText('Bob reacted with 👍');

  // Alice adds hers by clicking the chip: 2, highlighted for her.
  await aliceChip.click();
  await expect(
    message(a, 'Lunch at noon?').getByRole('button', { name: /^👍 2: You and Bob/ }),
  ).toHaveAttribute('aria-pressed', 'true');
  await expect(message(b, 'Lunch at noon?').getByRole('button', { name: /^👍 2/ })).toBeVisible();

  // The full picker: search, keyboard pick.
  await toolbar(a, 'Lunch at noon?', 'React');
  await a.getByRole('button', { name: 'More reactions' }).click();
  const search = a.getByRole('textbox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await search.fill('pizza');
  await search.press('Enter');
  await expect(message(b, 'Lunch at noon?').getByRole('button', { name: /^🍕 1: Alice/ })).toBeVisible();

  // Bob takes his 👍 back: the count drops on both sides.
  await message(b, 'Lunch at noon?').getByRole('button', { name: /^👍 2/ }).click();
  await expect(message(a, 'Lunch at noon?').getByRole('button', { name: /^👍 1: You/ })).toBeVisible();
  await expect(message(b, 'Lunch at noon?').getByRole('button', { name: /^👍 1: Alice/ })).toHaveAttribute(
    'aria-pressed',
    'false',
  );

  // The context menu (keyboard: Shift+F10 on a focused message) reacts too.
  await message(b, 'Lunch at noon?').locator('.bubble').focus();
  await b.keyboard.press('Shift+F10');
  await b.getByRole('menuitem', { name: 'React with ❤️' }).click();
  await expect(message(a, 'Lunch at noon?').getByRole('button', { name: /^❤️ 1: Bob/ })).toBeVisible();
});

test('reply: the quote shows above the composer and in the bubble, and jumps to the original, loading it', async ({
  parley,
  openClient,
}) => {
  const { alice, bob, conversationId } = await pair(parley.url);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  try {
    const original = await socketSend(bobSocket, conversationId, 'The very first plan');
    if (!original.ok) throw new Error('seed failed');
    // Push the original out of the newest page (50), so jumping has to load history.
    for (let i = 1; i <= 80; i++) await socketSend(bobSocket, conversationId, `filler ${i}`);
    await sendReply(bobSocket, conversationId, 'Back to this one', original.message.id);

    const a = await openClient();
    await openAs(a, alice, 'Bob');
    const reply = message(a, 'Back to this one');
    await expect(reply.getByTestId('reply-quote')).toBeVisible();
    await expect(message(a, 'The very first plan')).toHaveCount(0);
    await reply.getByTestId('reply-quote').click();
    const target = message(a, 'The very first plan');
    await expect(target).toBeInViewport();
    await expect(a.locator('.msg-row.highlighted')).toContainText('The very first plan');

    // Replying in the UI: the quote above the composer, Esc cancels, ✕ too, then a real reply.
    await toolbar(a, 'filler 3', 'Reply');
    const banner = a.getByTestId('composer-reply');
    await expect(banner).toContainText('Replying to Bob');
    await expect(banner).toContainText('filler 3');
    await a.keyboard.press('Escape');
    await expect(banner).toBeHidden();
    await toolbar(a, 'The very first plan', 'Reply');
    await expect(banner).toContainText('The very first plan');
    await sendMessage(a, 'Yes, that plan');
    await expect(banner).toBeHidden();
    const sent = message(a, 'Yes, that plan');
    await expect(sent.getByTestId('reply-quote')).toContainText('The very first plan');
    await expect(sent.getByTestId('reply-quote')).toContainText('Bob');

    // Bob sees the reply live with its quote.
    const b = await openClient();
    await openAs(b, bob, alice);
    // Bob's device holds only the newest page: the quote offers the original, and shows it once loaded.
    const quote = message(b, 'Yes, that plan').getByTestId('reply-quote');
    await expect(quote).toContainText('Show the original message');
    await quote.click();
    await expect(message(b, 'The very first plan')).toBeInViewport();
    await expect(b.locator('.msg-row.highlighted')).toContainText('The very first plan');
    // Back at the bottom, the quote now shows the original it loaded.
    await b.getByRole('button', { name: /^Jump to latest/ }).click();
    await expect(quote).toContainText('The very first plan');
  } finally {
    bobSocket.close();
  }
});

test('edit in place (menu and ↑), delete after confirming (own, and any as group admin), copy text', async ({
  parley,
  openClient,
}) => {
  const { alice, bob } = await pair(parley.url, 'Planning');
  const a = await openClient();
  const b = await openClient();
  await openAs(a, alice, 'Planning');
  await openAs(b, bob, 'Planning');
  await sendMessage(a, 'Meet at 5');
  await sendMessage(a, 'Bring snacks');
  await sendMessage(b, 'Sounds good');
  await expect(message(a, 'Sounds good')).toHaveCount(1);

  // ↑ in the empty composer edits Alice's last message; Esc cancels, Enter saves.
  const composer = a.getByRole('textbox', { name: 'Message' });
  await composer.press('ArrowUp');
  const editor = a.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue('Bring snacks');
  await editor.press('Escape');
  await expect(editor).toBeHidden();
  await expect(composer).toBeFocused();
  await composer.press('ArrowUp');
  await editor.fill('Bring snacks and drinks');
  await editor.press('Enter');
  await expect(message(b, 'Bring snacks and drinks').locator('.msg-edited')).toHaveText('edited');
  await expect(message(a, 'Bring snacks and drinks').locator('.msg-edited')).toHaveText('edited');

  // From the "more" menu.
  await toolbar(a, 'Meet at 5', 'More actions');
  await a.getByRole('menuitem', { name: 'Edit' }).click();
  await editor.fill('Meet at 6');
  await editor.press('Enter');
  await expect(messageBodies(b).filter({ hasText: 'Meet at 6' })).toHaveCount(1);

  // Others' messages cannot be edited; Bob is no admin, so he cannot delete Alice's either.
  await toolbar(b, 'Meet at 6', 'More actions');
  await expect(b.getByRole('menuitem', { name: 'Edit' })).toHaveCount(0);
  await expect(b.getByRole('menuitem', { name: /Delete/ })).toHaveCount(0);
  await b.keyboard.press('Escape');

  // Copy text.
  await a.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await toolbar(a, 'Sounds good', 'More actions');
  await a.getByRole('menuitem', { name: 'Copy text' }).click();
  await expect.poll(() => a.evaluate(() => navigator.clipboard.readText())).toBe('Sounds good');

  // Delete: a confirmation first; Cancel keeps it.
  await toolbar(a, 'Meet at 6', 'More actions');
  await a.getByRole('menuitem', { name: 'Delete…' }).click();
  const dialog = a.getByRole('alertdialog', { name: 'Delete message?' });
  await expect(dialog).toContainText('Meet at 6');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(message(b, 'Meet at 6')).toHaveCount(1);
  // Right-click → Delete → confirm: "Message deleted" on both devices.
  await message(a, 'Meet at 6').locator('.bubble').click({ button: 'right' });
  await a.getByRole('menuitem', { name: 'Delete…' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(message(a, 'Meet at 6')).toHaveCount(0);
  await expect(message(b, 'Meet at 6')).toHaveCount(0);
  await expect(b.locator('.msg-body.deleted')).toHaveText(['Message deleted']);

  // Alice created the group, so she is its admin: she may delete Bob's message.
  await toolbar(a, 'Sounds good', 'More actions');
  await a.getByRole('menuitem', { name: 'Delete…' }).click();
  await expect(dialog).toContainText('As a group admin');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(b.locator('.msg-body.deleted')).toHaveCount(2);
});

test('formatting renders, hostile input stays inert text', async ({ parley, openClient }) => {
  const { alice, bob } = await pair(parley.url);
  const a = await openClient();
  const b = await openClient();
  await openAs(a, alice, 'Bob');
  await openAs(b, bob, alice);
  const dialogs: string[] = [];
  b.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await sendMessage(a, '**bold** _italic_ ~~gone~~ `code` https://example.org');
  const formatted = message(b, 'bold');
  await expect(formatted.locator('strong')).toHaveText('bold');
  await expect(formatted.locator('em')).toHaveText('italic');
  await expect(formatted.locator('s')).toHaveText('gone');
  await expect(formatted.locator('code')).toHaveText('code');
  await expect(formatted.getByRole('link', { name: 'https://example.org' })).toHaveAttribute(
    'target',
    '_blank',
  );

  const composer = a.getByRole('textbox', { name: 'Message' });
  await composer.fill('```\nconst x = 1;\n```');
  await composer.press('Enter');
  await expect(message(b, 'const x = 1;').locator('pre code')).toHaveText('const x = 1;');
  await composer.fill('> quoted line');
  await composer.press('Enter');
  await expect(message(b, 'quoted line').locator('blockquote')).toHaveText('quoted line');

  // The composer's emoji picker inserts at the cursor.
  await composer.fill('Good night ');
  await a.getByRole('button', { name: 'Emoji' }).click();
  await a.getByRole('textbox', { name: 'Search emoji' }).fill('crescent moon');
  await a.getByRole('button', { name: 'Crescent Moon', exact: true }).click();
  await expect(composer).toHaveValue('Good night 🌙');
  await expect(composer).toBeFocused();
  await composer.press('Enter');
  await expect(message(b, 'Good night').locator('.emoji')).toHaveText('🌙');

  const hostile = '<img src=x onerror="alert(1)"> <script>alert(2)</script> [x](javascript:alert(3))';
  await sendMessage(a, hostile);
  const inert = message(b, '<img src=x');
  await expect(inert.locator('.msg-body')).toHaveText(hostile);
  await expect(inert.locator('img, script, a')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`screenshots of message actions (${colorScheme})`, async ({ parley, openClient }) => {
    const { alice, bob, conversationId } = await pair(parley.url);
    const bobSocket = await connectSocket(parley.url, bob.accessToken);
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: `e2e/screenshots/actions-${name}-${colorScheme}.png`, animations: 'disabled' });
    try {
      const first = await socketSend(bobSocket, conversationId, 'Draft of the **release notes** is up 🎉');
      if (!first.ok) throw new Error('seed failed');
      await socketSend(
        bobSocket,
        conversationId,
        'Use `npm run build` first, then:\n```\nnpx parley-server --port 8080\n```',
      );
      await socketSend(
        bobSocket,
        conversationId,
        '> Ship it on Friday?\n\nI would rather wait until Monday.',
      );
      await sendReply(bobSocket, conversationId, 'Can you take a look today?', first.message.id);
      await bobSocket.emitWithAck('message:react', { messageId: first.message.id, emoji: '❤️', on: true });

      const a = await openClient({ colorScheme, viewport: { width: 1100, height: 760 } });
      await openAs(a, alice, 'Bob');
      await sendMessage(a, 'Looks great 👍 ~~tomorrow~~ today');
      await toolbar(a, 'Can you take a look', 'Reply');
      await sendMessage(a, 'On it!');
      await message(a, 'release notes').getByRole('button', { name: /^❤️ 1/ }).click();
      await a.getByRole('textbox', { name: 'Message' }).press('ArrowUp');
      await a.getByRole('textbox', { name: 'Edit message' }).fill('On it, reading now!');
      await a.keyboard.press('Enter');
      await sendMessage(a, 'oops, wrong chat');
      await toolbar(a, 'oops, wrong chat', 'More actions');
      await a.getByRole('menuitem', { name: 'Delete…' }).click();
      await a.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
      await sendMessage(a, '🎉');
      await expect(a.locator('.msg-body.deleted')).toHaveCount(1);
      await a.mouse.move(0, 0);
      await shot(a, 'chat');

      await toolbar(a, 'I would rather wait', 'React');
      await expect(a.getByRole('button', { name: 'React with 👍' })).toBeVisible();
      await shot(a, 'quick-reactions');
      await a.getByRole('button', { name: 'More reactions' }).click();
      await expect(a.getByRole('button', { name: 'Grinning Face', exact: true })).toBeVisible();
      await shot(a, 'emoji-picker');
      await a.keyboard.press('Escape');

      await message(a, 'Can you take a look').locator('.bubble').click({ button: 'right' });
      await shot(a, 'context-menu');
      await a.keyboard.press('Escape');

      await toolbar(a, 'release notes', 'Reply');
      await a.getByRole('textbox', { name: 'Message' }).fill('Typing a reply…');
      await shot(a, 'composer-reply');
      await a.keyboard.press('Escape');

      await toolbar(a, 'Looks great', 'More actions');
      await a.getByRole('menuitem', { name: 'Delete…' }).click();
      await expect(a.getByRole('alertdialog')).toBeVisible();
      await shot(a, 'delete-dialog');
      await a.keyboard.press('Escape');

      await toolbar(a, 'Looks great', 'More actions');
      await a.getByRole('menuitem', { name: 'Edit' }).click();
      // Visible is what the picture needs; focus after Edit is the edit spec's to check.
      await expect(a.getByRole('textbox', { name: 'Edit message' })).toBeVisible();
      await shot(a, 'editing');
    } finally {
      bobSocket.close();
    }
  });
}
