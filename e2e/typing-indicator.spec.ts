/**
 * Where typing shows (issue 12: "typing shows in three places at once"): one home per context.
 * In the open chat, one line above the composer (not the header, not the chat's own row); in
 * the list, the row preview of chats that are not open. The typers are plain sockets (real
 * server, real Socket.IO), so only the reader needs a browser.
 */
import type { Locator, Page } from '@playwright/test';
import { connectSocket, createConversation } from '../server/test/harness.js';
import { chatTitle, conversationRow, expect, registerViaApi, signIn, test } from './fixtures.js';

/** Every visible element on the page that says someone is typing. */
const typingTexts = (page: Page): Locator => page.getByText(/typing…/).locator('visible=true');

test('someone typing shows once in the open chat, and in the rows of the chats that are not open', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Typing');
  const bob = await registerViaApi(parley.url, 'Bob Typing');
  const carol = await registerViaApi(parley.url, 'Carol Typing');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const group = await createConversation(parley.url, carol.accessToken, [alice.id, bob.id], 'Typing club');
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  const carolSocket = await connectSocket(parley.url, carol.accessToken);
  try {
    const page = await openClient();
    await signIn(page, alice);
    await conversationRow(page, bob.displayName).click();
    await expect(chatTitle(page)).toHaveText(bob.displayName);
    const chat = page.getByRole('region', { name: `Conversation with ${bob.displayName}` });

    // Bob types in the open chat: exactly one indicator on the whole page, above the composer.
    bobSocket.emit('typing:start', { conversationId: direct.id });
    await expect(chat.locator('.chat-footer')).toContainText('Bob is typing…');
    await expect(typingTexts(page)).toHaveCount(1);
    await expect(page.getByTestId('chat-subtitle')).not.toContainText('typing');
    await expect(conversationRow(page, bob.displayName)).not.toContainText('typing');

    // Carol types in the group, which is not open: its row says so; the open chat is unchanged.
    // (Bob's is repeated, as a typing client does: the server expires one after a few seconds.)
    bobSocket.emit('typing:start', { conversationId: direct.id });
    carolSocket.emit('typing:start', { conversationId: group.id });
    await expect(conversationRow(page, 'Typing club')).toContainText('Carol is typing…');
    await expect(typingTexts(page)).toHaveCount(2);
    await expect(chat.getByText(/typing…/)).toHaveCount(1);

    // Open the group: now its indicator is above the composer and its row is quiet, while
    // Bob's row (no longer open) takes over his "typing…".
    await conversationRow(page, 'Typing club').click();
    await expect(chatTitle(page)).toHaveText('Typing club');
    bobSocket.emit('typing:start', { conversationId: direct.id });
    carolSocket.emit('typing:start', { conversationId: group.id });
    const groupChat = page.getByRole('region', { name: 'Conversation with Typing club' });
    await expect(groupChat.locator('.chat-footer')).toContainText('Carol is typing…');
    await expect(conversationRow(page, bob.displayName)).toContainText('typing…');
    await expect(conversationRow(page, 'Typing club')).not.toContainText('typing');
    await expect(groupChat.getByText(/typing…/)).toHaveCount(1);
    await expect(typingTexts(page)).toHaveCount(2);

    // Stopping clears it everywhere.
    carolSocket.emit('typing:stop', { conversationId: group.id });
    bobSocket.emit('typing:stop', { conversationId: direct.id });
    await expect(typingTexts(page)).toHaveCount(0);
  } finally {
    bobSocket.close();
    carolSocket.close();
  }
});
