/**
 * Coming back to a chat that moved on without you (issue 14, target 5): the app reopens the
 * chat that was open, catch-up brings what arrived, and the newest message is on screen.
 */
import type { Socket } from 'socket.io-client';
import { connectSocket, createConversation } from '../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  expect,
  markAllRead,
  messageBodies,
  registerViaApi,
  signIn,
  test,
} from './fixtures.js';

async function sendMany(socket: Socket, conversationId: string, bodies: string[]): Promise<void> {
  // One at a time, as a client's outbox sends: the seqs follow the bodies' order.
  for (const [i, body] of bodies.entries()) {
    const ack = (await socket.emitWithAck('message:send', {
      conversationId,
      clientId: `bulk-${i}-${body}`,
      body,
    })) as {
      ok: boolean;
    };
    expect(ack.ok).toBe(true);
  }
}

test('a reopened chat far behind shows its newest message, not a place ~30 rows short of it', async ({
  parley,
  openClient,
}) => {
  test.setTimeout(120_000);
  const alice = await registerViaApi(parley.url, 'Alice Returns');
  const bob = await registerViaApi(parley.url, 'Bob Chatty');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  try {
    // A chat with more than a page of history, open and read to the end.
    await sendMany(
      bobSocket,
      direct.id,
      Array.from({ length: 60 }, (_, i) => `earlier ${i + 1}`),
    );
    const page = await openClient();
    await signIn(page, alice);
    // Read on another device: the chat opens at its newest message.
    await expect(conversationRow(page, 'Bob Chatty')).toBeVisible();
    await markAllRead(page);
    await expect(conversationRow(page, 'Bob Chatty')).not.toHaveAccessibleName(/unread$/);
    await conversationRow(page, 'Bob Chatty').click();
    await expect(chatTitle(page)).toHaveText('Bob Chatty');
    await expect(messageBodies(page).last()).toHaveText('earlier 60');
    // The offline cache holds it read (the client core writes it within a second).
    await page.waitForFunction((id) => {
      const cache = JSON.parse(localStorage.getItem('parley:stateCache') ?? 'null') as {
        conversations?: { id: string; lastSeq: number; unreadCount: number }[];
      } | null;
      const c = cache?.conversations?.find((x) => x.id === id);
      return c !== undefined && c.lastSeq >= 60 && c.unreadCount === 0;
    }, direct.id);

    // Away while more than a change page (500) arrives; then back.
    await page.goto('about:blank');
    await sendMany(
      bobSocket,
      direct.id,
      Array.from({ length: 600 }, (_, i) => `later ${i + 1}`),
    );
    await page.goto('/');
    await expect(chatTitle(page)).toHaveText('Bob Chatty');
    const newest = page.locator('.message-scroller .msg-body', { hasText: /^later 600$/ });
    await expect(newest).toBeInViewport({ ratio: 1 });
    await expect(page.getByRole('button', { name: /^Jump to latest/ })).toBeHidden();
    // Older history is still there by scrolling up.
    await expect(page.locator('.message-scroller .msg-body', { hasText: /^later 599$/ })).toBeVisible();
  } finally {
    bobSocket.close();
  }
});
