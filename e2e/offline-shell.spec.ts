/**
 * Bug 15: reloading while offline showed the browser's error page. The web client's service
 * worker (renderer/offline-shell.ts) caches the app, so an offline reload opens it with its
 * cached state (localStorage) and outbox; a message written offline is sent once back online.
 */
import {
  conversationRow,
  expect,
  messageBodies,
  registerViaApi,
  sendMessage,
  signUpNewUser,
  startDirectChat,
  test,
  waitUntilOnline,
} from './fixtures.js';

test('an offline reload opens the cached app with its conversations and outbox', async ({
  openClient,
  parley,
}) => {
  const page = await openClient();
  const bob = await registerViaApi(parley.url, 'Bob Offline');
  await signUpNewUser(page, 'Alice Offline');
  await startDirectChat(page, bob);
  await sendMessage(page, 'Sent before the outage');
  await expect(page.locator('[data-status="sent"]').last()).toBeVisible();

  // The offline shell is installed and active (precache done) before the network goes away.
  const state = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
  expect(state).toBe('activated');

  // The client core writes its offline cache (conversations, newest messages) within a second.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('parley:stateCache') ?? ''))
    .toContain('Sent before the outage');

  await page.context().setOffline(true);
  await page.reload();
  // The app shell, not the browser's error page: the cached conversation and its message.
  const row = conversationRow(page, bob.displayName);
  await expect(row).toBeVisible();
  await row.click();
  await expect(messageBodies(page).filter({ hasText: 'Sent before the outage' })).toBeVisible();

  // Written offline: it waits in the outbox…
  await sendMessage(page, 'Written while offline');
  await expect(page.locator('[data-status="pending"]')).toHaveCount(1);

  // …and goes out when the network is back.
  await page.context().setOffline(false);
  await waitUntilOnline(page);
  await expect(page.locator('[data-status="pending"]')).toHaveCount(0);
  await expect(messageBodies(page).filter({ hasText: 'Written while offline' })).toBeVisible();
  await expect(page.locator('[data-status="sent"]').last()).toBeVisible();
});
