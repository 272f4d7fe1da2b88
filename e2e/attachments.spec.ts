/**
 * Files and images end to end (issue 10), two users on the real server and web client:
 * upload with progress, a pasted image, thumbnails on the other side, the viewer with its
 * keys, downloads (bytes compared), a file card, and refusals (too large, not what it claims).
 * Also writes screenshots of a chat with files and of the viewer, light and dark, to
 * e2e/screenshots/ (git-ignored).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { createConversation } from '../server/test/harness.js';
import {
  conversationRow,
  expect,
  messages,
  registerViaApi,
  signIn,
  startDirectChat,
  test,
  type ApiUser,
} from './fixtures.js';

async function pair(serverUrl: string) {
  const alice = await registerViaApi(serverUrl, 'Alice');
  const bob = await registerViaApi(serverUrl, 'Bob');
  await createConversation(serverUrl, alice.accessToken, [bob.id]);
  return { alice, bob };
}

/** Signs in and opens a chat: a row of the list by title, or the direct chat with a person. */
async function openAs(page: Page, user: ApiUser, chat: string | ApiUser): Promise<void> {
  await signIn(page, user);
  // An empty direct chat someone else started is not in the list: open it from New chat.
  if (typeof chat === 'string') await conversationRow(page, chat).click();
  else await startDirectChat(page, chat);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
}

/** A PNG with a gradient and a label, so two images are told apart at a glance. */
function picture(label: string, width: number, height: number, from: string, to: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width * 0.75}" cy="${height * 0.3}" r="${height * 0.12}" fill="#fff" fill-opacity="0.55"/>
    <text x="50%" y="62%" font-family="sans-serif" font-size="${height / 6}" font-weight="700"
      fill="#fff" text-anchor="middle">${label}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Pastes files into the composer as the browser does for a copied image (a ClipboardEvent). */
async function paste(page: Page, files: { name: string; type: string; data: Buffer }[]): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).evaluate(
    (el, items) => {
      const transfer = new DataTransfer();
      for (const item of items) {
        const bytes = Uint8Array.from(atob(item.b64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], item.name, { type: item.type }));
      }
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    },
    files.map((f) => ({ name: f.name, type: f.type, b64: f.data.toString('base64') })),
  );
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; data: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), data: await readFile(path) };
}

test('files: upload with progress, paste images, thumbnails, viewer, downloads and refusals', async ({
  parley,
  openClient,
}) => {
  // The longest spec here: two users, a dozen uploads, the viewer and refusals.
  test.setTimeout(120_000);
  const { alice, bob } = await pair(parley.url);
  const a = await openClient();
  await openAs(a, alice, 'Bob');
  const b = await openClient();
  await openAs(b, bob, alice);

  // A few MB over a throttled uplink, so the progress bar is seen moving.
  const report = randomBytes(4_000_000);
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1_500_000,
  });
  await a.getByTestId('attach-input').setInputFiles({
    name: 'report.bin',
    mimeType: 'application/octet-stream',
    buffer: report,
  });
  const pending = a.getByTestId('pending-file');
  const progress = pending.getByTestId('upload-progress');
  await expect(progress).toBeVisible();
  await expect
    .poll(async () => Number(await progress.getAttribute('value').catch(() => '100')), { timeout: 20_000 })
    .toBeGreaterThan(0);
  // Send waits for the upload.
  await expect(a.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(pending).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await a.getByRole('textbox', { name: 'Message' }).fill('Here is the report');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(a.getByTestId('pending-files')).toHaveCount(0);

  const card = messages(b).filter({ hasText: 'Here is the report' }).getByTestId('attachment-file');
  await expect(card).toContainText('report.bin');
  await expect(card).toContainText('4 MB');
  const file = await downloaded(b, () => card.getByRole('button', { name: 'Download report.bin' }).click());
  expect(file.name).toBe('report.bin');
  expect(file.data.equals(report)).toBe(true);

  // Two images pasted from the clipboard, sent without text.
  const first = await picture('One', 1200, 800, '#4653d6', '#a855f7');
  const second = await picture('Two', 600, 900, '#0ea5e9', '#14b8a6');
  await paste(a, [
    { name: 'paste-1.png', type: 'image/png', data: first },
    { name: 'paste-2.png', type: 'image/png', data: second },
  ]);
  await expect(a.getByTestId('pending-file')).toHaveCount(2);
  await expect(a.getByTestId('pending-file').locator('img')).toHaveCount(2);
  await expect(a.locator('[data-testid="pending-file"][data-status="done"]')).toHaveCount(2);
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');

  const thumbs = b.getByTestId('attachment-image');
  await expect(thumbs).toHaveCount(2);
  // A third image in a message of its own: the viewer's arrows go across messages.
  await a.getByTestId('attach-input').setInputFiles({
    name: 'third.png',
    mimeType: 'image/png',
    buffer: await picture('Three', 800, 800, '#f97316', '#ef4444'),
  });
  await expect(a.locator('[data-testid="pending-file"][data-status="done"]')).toHaveCount(1);
  await a.getByRole('textbox', { name: 'Message' }).fill('and one more');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(thumbs).toHaveCount(3);
  // Width and height are reserved from the image's size (3:2 and 2:3), before and after loading.
  const box = await thumbs.first().boundingBox();
  expect(Math.round((box!.width / box!.height) * 10) / 10).toBe(1.5);
  await expect
    .poll(() =>
      thumbs.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)),
    )
    .toEqual([320, 213, 320]);

  await thumbs.first().click();
  const viewer = b.getByTestId('image-viewer');
  await expect(viewer.getByRole('heading', { name: 'paste-1.png' })).toBeVisible();
  await expect(viewer).toContainText('1 of 3');
  await expect
    .poll(() => viewer.getByTestId('viewer-image').evaluate((i) => (i as HTMLImageElement).naturalWidth))
    .toBe(1200);
  await b.keyboard.press('ArrowRight');
  await expect(viewer.getByRole('heading', { name: 'paste-2.png' })).toBeVisible();
  await b.keyboard.press('ArrowRight');
  await expect(viewer.getByRole('heading', { name: 'third.png' })).toBeVisible();
  await expect(viewer).toContainText('3 of 3');
  await b.keyboard.press('ArrowRight');
  await expect(viewer.getByRole('heading', { name: 'paste-1.png' })).toBeVisible();
  await b.keyboard.press('ArrowLeft');
  await expect(viewer.getByRole('heading', { name: 'third.png' })).toBeVisible();
  await b.keyboard.press('ArrowLeft');
  await expect(viewer.getByRole('heading', { name: 'paste-2.png' })).toBeVisible();
  const image = await downloaded(b, () =>
    viewer.getByRole('button', { name: 'Download paste-2.png' }).click(),
  );
  expect(image.name).toBe('paste-2.png');
  expect(image.data.equals(second)).toBe(true);
  await b.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  // Focus goes back to the thumbnail of the image last shown.
  await expect(thumbs.nth(1)).toBeFocused();

  // Refusals: too large (checked before uploading) and an image that is not one (the server's 415).
  // The big one from disk: a buffer this size would take long to cross the protocol.
  const hugePath = join(test.info().outputDir, 'huge.bin');
  await mkdir(test.info().outputDir, { recursive: true });
  await writeFile(hugePath, Buffer.alloc(26 * 1024 * 1024 + 1));
  await a.getByTestId('attach-input').setInputFiles(hugePath);
  await a.getByTestId('attach-input').setInputFiles({
    name: 'fake.png',
    mimeType: 'image/png',
    buffer: Buffer.from('this is not a png'),
  });
  const huge = a.getByTestId('pending-file').filter({ hasText: 'huge.bin' });
  await expect(huge).toHaveAttribute('data-status', 'error');
  await expect(huge.getByRole('alert')).toHaveText(/Too large: this server takes files up to 26 MB/);
  const fake = a.getByTestId('pending-file').filter({ hasText: 'fake.png' });
  await expect(fake.getByRole('alert')).toHaveText(/Refused by the server/);
  await expect(a.getByRole('button', { name: 'Send' })).toBeDisabled();
  await huge.getByRole('button', { name: 'Remove huge.bin' }).click();
  await fake.getByRole('button', { name: 'Remove fake.png' }).click();
  await expect(a.getByTestId('pending-file')).toHaveCount(0);
  await expect(messages(b)).toHaveCount(3);
});

test('files: cancelling an upload drops it from the tray, and nothing is left to send', async ({
  parley,
  openClient,
}) => {
  const { alice } = await pair(parley.url);
  const a = await openClient();
  await openAs(a, alice, 'Bob');
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 200_000,
  });
  await a.getByTestId('attach-input').setInputFiles({
    name: 'slow.bin',
    mimeType: 'application/octet-stream',
    buffer: randomBytes(3_000_000),
  });
  await expect(a.getByTestId('upload-progress')).toBeVisible();
  await a.getByRole('button', { name: 'Cancel uploading slow.bin' }).click();
  await expect(a.getByTestId('pending-file')).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'Send' })).toBeDisabled();
});

test('files: dropping files on the chat shows the drop zone and adds them to the message', async ({
  parley,
  openClient,
}) => {
  const { alice, bob } = await pair(parley.url);
  const a = await openClient();
  await openAs(a, alice, 'Bob');
  const b = await openClient();
  await openAs(b, bob, alice);
  const chat = a.getByRole('region', { name: 'Conversation with Bob' });
  const transfer = await a.evaluateHandle(() => {
    const t = new DataTransfer();
    t.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
    return t;
  });
  await chat.dispatchEvent('dragenter', { dataTransfer: transfer });
  await expect(a.getByTestId('drop-zone')).toBeVisible();
  await chat.dispatchEvent('dragleave', { dataTransfer: transfer });
  await expect(a.getByTestId('drop-zone')).toHaveCount(0);
  await chat.dispatchEvent('dragenter', { dataTransfer: transfer });
  await chat.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(a.getByTestId('drop-zone')).toHaveCount(0);
  await expect(a.locator('[data-testid="pending-file"][data-status="done"]')).toHaveText(/dropped\.txt/);
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(messages(b).getByTestId('attachment-file')).toContainText('dropped.txt');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`screenshots of files and the viewer (${colorScheme})`, async ({ parley, openClient }) => {
    const { alice, bob } = await pair(parley.url);
    const a = await openClient({ colorScheme, viewport: { width: 1100, height: 760 } });
    await openAs(a, alice, 'Bob');
    const b = await openClient({ colorScheme, viewport: { width: 1100, height: 760 } });
    await openAs(b, bob, alice);
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: `e2e/screenshots/files-${name}-${colorScheme}.png`, animations: 'disabled' });

    await a.getByTestId('attach-input').setInputFiles([
      {
        name: 'harbour.png',
        mimeType: 'image/png',
        buffer: await picture('Harbour', 1200, 800, '#4653d6', '#a855f7'),
      },
      {
        name: 'lighthouse.png',
        mimeType: 'image/png',
        buffer: await picture('Lighthouse', 700, 900, '#0ea5e9', '#14b8a6'),
      },
      {
        name: 'minutes-2026-11.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n% minutes\n'),
      },
    ]);
    await expect(a.locator('[data-testid="pending-file"][data-status="done"]')).toHaveCount(3);
    await a.getByRole('textbox', { name: 'Message' }).fill('Photos from Saturday, and the minutes');
    await shot(a, 'composer');
    await a.getByRole('textbox', { name: 'Message' }).press('Enter');
    await b.getByRole('textbox', { name: 'Message' }).fill('Lovely, thanks!');
    await b.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(b.getByTestId('attachment-image').locator('img')).toHaveCount(2);
    await expect(a.getByTestId('attachment-image').locator('img')).toHaveCount(2);
    await b.mouse.move(0, 0);
    await shot(b, 'chat');
    await b.getByTestId('attachment-image').first().click();
    await expect(b.getByTestId('viewer-image')).toBeVisible();
    await b.mouse.move(0, 0);
    await shot(b, 'viewer');

    // Refusals as the tray shows them: too large (checked first) and not what it claims.
    await a
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') },
      ]);
    await expect(a.getByTestId('pending-file').getByRole('alert')).toBeVisible();
    await shot(a, 'refused');
  });
}
