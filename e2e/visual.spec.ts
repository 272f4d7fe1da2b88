/**
 * Visual review kept as screenshot comparisons (issue 12): the main screens (sign-in, the
 * welcome of a new account, a chat, the settings) in light and dark at 400, 1280 and 1920 px.
 * A layout regression fails here; an intended change is accepted with
 * `npx playwright test e2e/visual.spec.ts --update-snapshots` after looking at the new images
 * (they are in e2e/visual.spec.ts-snapshots/).
 *
 * What differs from run to run is masked: avatars (their colour is hashed from a random id),
 * clock times, the server URL (a random port) and the username and sessions in the settings.
 */
import type { Locator, Page } from '@playwright/test';
import { connectSocket, createConversation, sendMessage } from '../server/test/harness.js';
import {
  accountChip,
  chatTitle,
  conversationRow,
  expect,
  messageBodies,
  registerViaApi,
  signIn,
  test,
} from './fixtures.js';

const WIDTHS = [400, 1280, 1920] as const;
const HEIGHT = 900;

const CONVERSATION = [
  ['bob', 'Morning! Are we still on for the harbour walk on Saturday?'],
  ['sam', 'Yes, 10 o’clock at the lighthouse. I’ll bring coffee ☕'],
  ['bob', 'Perfect. Should I ask Alice too? She wanted to see the boats.'],
  ['sam', 'Please do, the more the merrier.'],
  ['bob', 'Done 👍'],
] as const;

function masks(scope: Page | Locator): Locator[] {
  return [
    scope.getByLabel('Server', { exact: true }),
    scope.locator('.avatar'),
    scope.locator('time'),
    scope.locator('.conv-row-time'),
    scope.locator('.msg-time'),
    scope.getByTestId('chat-subtitle'),
    scope.getByTestId('session-row'),
    scope.locator('.settings-hint'),
  ];
}

/** Compares the page, or one dialog of it (masks are drawn on top, so a modal's is taken alone). */
async function expectScreen(page: Page, name: string, part?: Locator): Promise<void> {
  // Let fonts, lazy chunks and entry transitions settle before comparing.
  await page.evaluate(() => document.fonts.ready);
  await expect(part ?? page).toHaveScreenshot(`${name}.png`, {
    animations: 'disabled',
    caret: 'hide',
    // Masks are drawn over everything: a dialog's own only, or the page behind shows through.
    mask: masks(part ?? page),
    maxDiffPixelRatio: 0.005,
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const width of WIDTHS) {
    test(`main screens look as reviewed (${colorScheme}, ${width} px)`, async ({ parley, openClient }) => {
      const page = await openClient({ colorScheme, viewport: { width, height: HEIGHT } });

      await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
      await expectScreen(page, `sign-in-${colorScheme}-${width}`);

      // A new account: the welcome with its next steps (a narrow window shows the list alone).
      // Never the server's first account (its admin, whose welcome also offers invites): the
      // worker's server is shared, so whether Sam came first would depend on the test order.
      await registerViaApi(parley.url, 'Server Owner');
      const sam = await registerViaApi(parley.url, 'Sam Rivera');
      await signIn(page, sam);
      const welcome = width > 600 ? 'Welcome to Parley, Sam' : 'No conversations yet';
      await expect(page.getByRole('heading', { name: welcome })).toBeVisible();
      await expect(accountChip(page)).toContainText('Online');
      await expectScreen(page, `welcome-${colorScheme}-${width}`);

      // A chat, with both sides talking.
      const bob = await registerViaApi(parley.url, 'Bob Chen');
      const direct = await createConversation(parley.url, bob.accessToken, [sam.id]);
      const sockets = {
        bob: await connectSocket(parley.url, bob.accessToken),
        sam: await connectSocket(parley.url, sam.accessToken),
      };
      try {
        for (const [who, body] of CONVERSATION) {
          expect((await sendMessage(sockets[who], direct.id, body)).ok).toBe(true);
        }
      } finally {
        sockets.bob.close();
        sockets.sam.close();
      }
      await conversationRow(page, 'Bob Chen').click();
      await expect(chatTitle(page)).toHaveText('Bob Chen');
      await expect(messageBodies(page).last()).toHaveText(CONVERSATION.at(-1)![1]);
      // Opened, so read: the row's unread badge is gone (a narrow window hides the list).
      if (width > 600) {
        await expect(conversationRow(page, 'Bob Chen')).not.toHaveAccessibleName(/unread$/);
      }
      await expectScreen(page, `chat-${colorScheme}-${width}`);

      await page.keyboard.press('Control+Comma');
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await expect(settings.getByLabel('Display name')).toHaveValue('Sam Rivera');
      await expectScreen(page, `settings-${colorScheme}-${width}`, settings);
    });
  }
}
