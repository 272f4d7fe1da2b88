/**
 * Issue 12, bug 6: after hang-up, the new call record must be scrolled fully into view, not
 * left half under the composer. Both sides are real web clients with fake media.
 */
import type { Page } from '@playwright/test';
import { connectSocket, createConversation, sendMessage } from '../server/test/harness.js';
import { chatTitle, conversationRow, expect, registerViaApi, signIn, test } from './fixtures.js';

// Two Chromium contexts with real WebRTC: room to breathe on a busy machine, as calls.spec.ts.
test.describe.configure({ timeout: 120_000 });

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  },
});

/** The record's row lies wholly inside the message list, above the composer. */
async function expectFullyVisible(page: Page) {
  const record = page.getByRole('log', { name: 'Messages' }).getByTestId('call-record').last();
  await expect(record).toBeVisible();
  await expect(async () => {
    const box = await record.boundingBox();
    const list = await page.locator('.message-scroller').boundingBox();
    const composer = await page.locator('.chat-footer').boundingBox();
    expect(box && list && composer).toBeTruthy();
    expect(box!.y).toBeGreaterThanOrEqual(list!.y - 1);
    expect(box!.y + box!.height).toBeLessThanOrEqual(list!.y + list!.height + 1);
    expect(box!.y + box!.height).toBeLessThanOrEqual(composer!.y + 1);
  }).toPass({ timeout: 5_000 });
}

test('the call record after hang-up is scrolled into view above the composer', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Record');
  const bob = await registerViaApi(parley.url, 'Bob Record');
  const conversation = await createConversation(parley.url, alice.accessToken, [bob.id]);
  // A chat longer than the window, so the list scrolls; Bob has read it (on another device),
  // so both sides open at the newest message.
  const socket = await connectSocket(parley.url, alice.accessToken);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  try {
    let seq = 0;
    for (let i = 1; i <= 40; i++) {
      const ack = await sendMessage(socket, conversation.id, `before the call ${i}`);
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      seq = ack.message.seq;
    }
    expect((await bobSocket.emitWithAck('messages:read', { conversationId: conversation.id, seq })).ok).toBe(
      true,
    );
  } finally {
    socket.close();
    bobSocket.close();
  }

  const alicePage = await openClient();
  const bobPage = await openClient();
  await signIn(alicePage, alice);
  await signIn(bobPage, bob);
  for (const [page, other] of [
    [alicePage, bob],
    [bobPage, alice],
  ] as const) {
    await conversationRow(page, other.displayName).click();
    await expect(chatTitle(page)).toHaveText(other.displayName);
    await expect(
      page.getByRole('log', { name: 'Messages' }).getByText('before the call 40', { exact: true }),
    ).toBeInViewport();
  }

  await alicePage.locator('.chat-header').getByRole('button', { name: 'Voice call', exact: true }).click();
  await bobPage.getByRole('button', { name: 'Accept call' }).click();
  await expect(alicePage.getByTestId('in-call')).toBeVisible();
  await expect(bobPage.getByTestId('in-call')).toBeVisible();
  await alicePage.getByRole('button', { name: 'Hang up' }).click();

  await expect(alicePage.getByTestId('in-call')).toBeHidden();
  await expect(bobPage.getByTestId('in-call')).toBeHidden();
  for (const page of [alicePage, bobPage]) {
    // The ended screen also goes away by itself after a few seconds; on a busy machine that may win.
    const close = page.getByRole('button', { name: 'Close call screen' });
    if (await close.isVisible()) await close.click().catch(() => undefined);
    await expect(page.getByTestId('call-ended')).toBeHidden();
    await expectFullyVisible(page);
  }
});
