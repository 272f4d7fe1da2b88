/**
 * A call between the desktop app and the web client with real (fake-device) media, the
 * incoming-call notification, and screen sharing through the app's picker (desktopCapturer
 * sources with thumbnails and titles, in a dialog of the renderer).
 */
import {
  chatTitle,
  conversationRow,
  registerViaApi,
  sendMessage,
  signIn,
  startDirectChat,
} from '../fixtures.js';
import { expect, test } from './fixtures.js';
import { framesKeepComing, mediaStats } from './media.js';

test.describe.configure({ timeout: 150_000 });

test('desktop and web call each other; screen sharing goes through the picker', async ({
  launchDesktop,
  openClient,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Call');
  const bob = await registerViaApi(parley.url, 'Bob Call');
  const { app, page: desktop } = await launchDesktop();
  await signIn(desktop, alice);
  const web = await openClient();
  await signIn(web, bob);
  await startDirectChat(web, alice);
  await sendMessage(web, 'call me');
  await conversationRow(desktop, 'Bob Call').click();
  await expect(chatTitle(desktop)).toHaveText('Bob Call');

  // Bob calls while Alice is in another app: a notification, and the call UI in the window.
  app.windows[0]!.blur();
  await web.locator('.chat-header').getByRole('button', { name: 'Video call', exact: true }).click();
  await expect
    .poll(() => app.notifications.filter((n) => n.shown).map((n) => [n.title, n.body]))
    .toContainEqual(['Bob Call', 'Incoming video call']);
  await desktop.getByRole('button', { name: 'Accept with video' }).click();
  await expect(desktop.getByTestId('in-call')).toBeVisible();
  await expect(web.getByTestId('in-call')).toBeVisible();
  for (const page of [desktop, web])
    await expect
      .poll(async () => (await mediaStats(page)).framesDecoded, { timeout: 30_000 })
      .toBeGreaterThan(0);

  // Share screen: main asks desktopCapturer for sources with thumbnails and the renderer shows
  // them in its picker, with titles. Keyboard: the arrow keys move, Enter shares the window.
  const camera = (await mediaStats(desktop)).sentVideoLabel;
  expect(camera).toBeTruthy();
  await desktop.getByRole('button', { name: 'Share screen' }).click();
  const picker = desktop.getByRole('dialog', { name: 'Share your screen' });
  await expect(picker).toBeVisible();
  expect(app.desktopCapturerCalls.at(-1)).toEqual({
    types: ['screen', 'window'],
    thumbnailSize: { width: 320, height: 180 },
  });
  await expect(picker.getByRole('region', { name: 'Screens' }).getByRole('button')).toHaveText([
    'Entire screen',
  ]);
  const editorChoice = picker
    .getByRole('region', { name: 'Windows' })
    .getByRole('button', { name: 'Editor' });
  await expect(editorChoice).toBeVisible();
  // Every thumbnail is the PNG desktopCapturer rendered, at its size.
  const thumbnails = picker.locator('img.share-thumbnail');
  await expect(thumbnails).toHaveCount(2);
  expect(
    await thumbnails.evaluateAll((images) =>
      (images as HTMLImageElement[]).map((image) => [
        image.src.slice(0, 22),
        image.naturalWidth,
        image.naturalHeight,
      ]),
    ),
  ).toEqual([
    ['data:image/png;base64,', 320, 180],
    ['data:image/png;base64,', 320, 180],
  ]);
  await picker.getByRole('button', { name: 'Entire screen' }).focus();
  await desktop.keyboard.press('ArrowRight');
  await expect(editorChoice).toBeFocused();
  await desktop.keyboard.press('Enter');
  await expect(picker).toBeHidden();
  await expect(desktop.getByRole('button', { name: 'Stop sharing screen' })).toBeVisible();
  expect(app.displayMediaRequests.at(-1)).toEqual({
    frameUrl: 'app://parley/index.html',
    result: 'window:42:0',
  });
  await expect.poll(async () => (await mediaStats(desktop)).sentVideoLabel).not.toBe(camera);
  await framesKeepComing(web, expect);

  // Back to the camera; then a second share that the user cancels in the picker.
  await desktop.getByRole('button', { name: 'Stop sharing screen' }).click();
  await expect.poll(async () => (await mediaStats(desktop)).sentVideoLabel).toBe(camera);
  await desktop.getByRole('button', { name: 'Share screen' }).click();
  await expect(picker).toBeVisible();
  await desktop.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  await expect.poll(() => app.displayMediaRequests[1]?.result).toBe('denied');
  await expect(desktop.getByRole('button', { name: 'Share screen' })).toBeVisible();
  expect((await mediaStats(desktop)).sentVideoLabel).toBe(camera);
  await framesKeepComing(web, expect);
  await framesKeepComing(desktop, expect);

  await desktop.getByRole('button', { name: 'Hang up' }).click();
  await expect(web.getByTestId('call-ended-reason')).toContainText('Call ended');
});
