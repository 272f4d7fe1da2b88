/**
 * The message list at its newest message stays there: not only when a row is added, but when
 * the last row grows after it was drawn or the list's own height shrinks. Virtuoso re-pins
 * only when its at-bottom state flips, so a change smaller than the list's at-bottom threshold
 * (48 px) used to leave the newest row partly under the composer. That was the call-record
 * flake: at hang-up a loading placeholder above the chat shrank the list by 50 px for a moment,
 * just as the record arrived, and the record was sometimes not followed at all.
 */
import type { Page } from '@playwright/test';
import { connectSocket, createConversation, sendMessage as socketSend } from '../server/test/harness.js';
import { chatTitle, conversationRow, expect, markAllRead, registerViaApi, signIn, test } from './fixtures.js';

/**
 * The list is scrolled to its very end, the last row wholly above the composer. (Checking the
 * row's box alone would let the list's 36 px bottom padding hide a list that is short.)
 */
async function expectAtEnd(page: Page) {
  const list = page.locator('.message-scroller');
  const last = list.locator('.msg-row').last();
  await expect(async () => {
    const gap = await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    expect(gap).toBeLessThanOrEqual(1);
    const row = await last.boundingBox();
    const box = await list.boundingBox();
    expect(row!.y + row!.height).toBeLessThanOrEqual(box!.y + box!.height + 1);
  }).toPass({ timeout: 3_000 });
}

test('a chat at its newest message keeps the last row whole when it grows or the list shrinks', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Pinned');
  const bob = await registerViaApi(parley.url, 'Bob Pinned');
  const conversation = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  try {
    // Longer than the window, so the list scrolls.
    let lastId = '';
    for (let i = 1; i <= 40; i++) {
      const ack = await socketSend(bobSocket, conversation.id, `pinned ${i}`);
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      lastId = ack.message.id;
    }
    const page = await openClient();
    await signIn(page, alice);
    await expect(conversationRow(page, 'Bob Pinned')).toBeVisible();
    await markAllRead(page);
    await expect(conversationRow(page, 'Bob Pinned')).not.toHaveAccessibleName(/unread$/);
    await conversationRow(page, 'Bob Pinned').click();
    await expect(chatTitle(page)).toHaveText('Bob Pinned');
    const log = page.getByRole('log', { name: 'Messages' });
    await expect(log.getByText('pinned 40', { exact: true })).toBeVisible();
    await expectAtEnd(page);

    // The last message grows by two lines after it was drawn (edited by its sender): ~40 px,
    // less than the at-bottom threshold.
    const edit = (body: string) =>
      bobSocket.emitWithAck('message:edit', { messageId: lastId, body }) as Promise<{ ok: boolean }>;
    expect((await edit('pinned 40\nand a second line\nand a third')).ok).toBe(true);
    await expect(log.getByText(/and a second line/)).toBeVisible();
    await expectAtEnd(page);

    // The composer grows by two lines: the list gets shorter by ~40 px.
    const composer = page.getByRole('textbox', { name: 'Message' });
    const footer = page.locator('.chat-footer');
    const footerBefore = (await footer.boundingBox())!.height;
    await composer.fill('a draft\nof three\nlines');
    await expect.poll(async () => (await footer.boundingBox())!.height).toBeGreaterThan(footerBefore + 20);
    await expectAtEnd(page);

    // The window gets shorter by 40 px (resized; or a screen's placeholder above the chat, as
    // the call-ended screen's once did for a moment at hang-up).
    await page.setViewportSize({ width: 1280, height: 760 });
    await expectAtEnd(page);

    // Scrolled up by the user, a change at the bottom does not pull the view back down.
    await log.hover();
    await page.mouse.wheel(0, -600);
    const jump = page.getByRole('button', { name: /^Jump to latest/ });
    await expect(jump).toBeVisible();
    const top = await log.evaluate((el) => el.scrollTop);
    await composer.fill('one line again');
    expect((await edit('pinned 40, shorter')).ok).toBe(true);
    await page.waitForTimeout(1_000);
    await expect(jump).toBeVisible();
    expect(Math.abs((await log.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(50);
  } finally {
    bobSocket.close();
  }
});

test('a screen that loads over the app does not squeeze the app while its code arrives', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Steady');
  // The offline shell's service worker precaches every chunk once it installs (a second or two
  // after load), and Playwright's routes do not see what it serves: the held chunk below would
  // then arrive at once. Without the worker the route is reliable.
  const page = await openClient({ serviceWorkers: 'block' });
  await signIn(page, alice);
  // The panes (list and chat) fill the window below the connection bar.
  const panes = page.locator('.panes');
  await expect(panes).toBeVisible();
  // Once the connection bar ("Connecting…", "Catching up…") has gone after sign-in: it can stay
  // fully open for longer than one settling interval, so its own height is what says it is done.
  await expect(page.locator('.connection-bar')).toHaveCSS('height', '0px');
  let before = (await panes.boundingBox())!;
  await expect(async () => {
    const now = (await panes.boundingBox())!;
    const settled = now.y === before.y && now.height === before.height;
    before = now;
    expect(settled).toBe(true);
  }).toPass({ intervals: [300], timeout: 5_000 });
  // The settings' code arrives slowly, so its placeholder shows for a while.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/SettingsDialog-[^/]+\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.keyboard.press('Control+Comma');
  await expect(page.getByRole('status').filter({ hasText: 'Loading settings…' })).toBeAttached();
  const during = (await panes.boundingBox())!;
  expect(during.y).toBe(before.y);
  expect(during.height).toBe(before.height);
  release();
  await expect(page.getByRole('dialog', { name: /Settings/ })).toBeVisible();
});
