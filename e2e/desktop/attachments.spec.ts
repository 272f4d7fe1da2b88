/**
 * Replies and files sent from the desktop app reach a web user: the reply keeps its quote
 * (the preload once dropped `messages.send`'s options), and a file uploaded through main
 * (bytes over IPC, progress events back) arrives with its thumbnail and the same bytes.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import {
  connectSocket,
  createConversation,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import { conversationRow, messages, registerViaApi, sendMessage, signIn } from '../fixtures.js';
import { expect, test } from './fixtures.js';

async function open(page: Page, title: string): Promise<void> {
  await conversationRow(page, title).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
}

test('a reply and a file sent from the desktop arrive on the web with the quote and the file', async ({
  launchDesktop,
  openClient,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Desk');
  const bob = await registerViaApi(parley.url, 'Bob Web');
  const conversation = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const socket = await connectSocket(parley.url, bob.accessToken);
  try {
    const asked = await sendOverSocket(socket, conversation.id, 'Which port does staging use?');
    if (!asked.ok) throw new Error('seed failed');
  } finally {
    socket.close();
  }

  const { page: desktop } = await launchDesktop();
  await signIn(desktop, alice);
  await open(desktop, 'Bob Web');
  const web = await openClient();
  await signIn(web, bob);
  await open(web, 'Alice Desk');

  // Reply from the desktop's message toolbar.
  const asked = messages(desktop).filter({ hasText: 'Which port' });
  const bar = asked.getByRole('toolbar', { name: 'Message actions' });
  await expect(async () => {
    await asked.locator('.bubble').hover();
    await expect(bar).toBeVisible({ timeout: 1000 });
  }).toPass();
  await bar.getByRole('button', { name: 'Reply' }).click();
  await sendMessage(desktop, 'Port 8443');
  const reply = messages(web).filter({ hasText: 'Port 8443' });
  await expect(reply.getByTestId('reply-quote')).toContainText('Which port does staging use?');

  // A file and an image from the desktop: bytes cross IPC to main, which uploads them.
  const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#14b8a6' } })
    .png()
    .toBuffer();
  const notes = Buffer.from('staging: 8443\nproduction: 443\n');
  await desktop.getByTestId('attach-input').setInputFiles([
    { name: 'ports.png', mimeType: 'image/png', buffer: png },
    { name: 'ports.txt', mimeType: 'text/plain', buffer: notes },
  ]);
  await expect(desktop.locator('[data-testid="pending-file"][data-status="done"]')).toHaveCount(2);
  await sendMessage(desktop, 'Details attached');

  const sent = messages(web).filter({ hasText: 'Details attached' });
  await expect(sent.getByTestId('attachment-file')).toContainText('ports.txt');
  const thumb = sent.getByTestId('attachment-image').locator('img');
  await expect.poll(() => thumb.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(320);
  const [download] = await Promise.all([
    web.waitForEvent('download'),
    sent.getByRole('button', { name: 'Download ports.txt' }).click(),
  ]);
  expect((await readFile(await download.path())).equals(notes)).toBe(true);

  // The desktop shows its own message's thumbnail too (bytes back over IPC).
  const own = messages(desktop)
    .filter({ hasText: 'Details attached' })
    .getByTestId('attachment-image')
    .locator('img');
  await expect.poll(() => own.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(320);
});
