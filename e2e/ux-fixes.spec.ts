/**
 * Small things a new user hit (issue 12), each checked the way they hit it.
 */
import type { ParleyHost } from '@parley/shared';
import { connectSocket, createConversation, sendMessage } from '../server/test/harness.js';
import {
  conversationRow,
  escapeRegExp,
  expect,
  registerViaApi,
  sendMessage as sendUiMessage,
  signIn,
  startDirectChat,
  test,
  uniqueUser,
} from './fixtures.js';

test('a wrong password error does not follow the user to the Create account tab', async ({ openClient }) => {
  const page = await openClient();
  await page.getByLabel('Username').fill('nobody_here');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(/wrong username or password/i);

  await page.getByRole('tab', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Submitting the other form does not bring it back either (its own answer shows instead).
  const user = uniqueUser('Stale Error');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByText(/wrong username or password/i)).toHaveCount(0);
});

test('New chat and New group open with the cursor where typing belongs', async ({ parley, openClient }) => {
  const me = await registerViaApi(parley.url, 'Focus Me');
  const carl = await registerViaApi(parley.url, 'Carl Focus');
  const page = await openClient();
  await signIn(page, me);

  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('menuitem', { name: 'New chat' }).click();
  const chat = page.getByRole('dialog', { name: 'New chat' });
  await expect(chat.getByLabel('Search people')).toBeFocused();
  await page.keyboard.type(carl.username.slice(0, 6));
  await expect(chat.getByLabel('Search people')).toHaveValue(carl.username.slice(0, 6));
  await expect(chat.getByRole('option', { name: new RegExp(escapeRegExp(carl.displayName)) })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('menuitem', { name: 'New group' }).click();
  const group = page.getByRole('dialog', { name: 'New group' });
  await expect(group.getByLabel('Group name')).toBeFocused();
});

test('user search finds a later word of a name: "Bui" finds "Bob Builder"', async ({
  parley,
  openClient,
}) => {
  const me = await registerViaApi(parley.url, 'Searcher Word');
  const tag = uniqueUser('x')
    .username.replace(/[^a-z]/g, '')
    .slice(-6);
  const bob = await registerViaApi(parley.url, `Bob ${tag}builder`);
  const page = await openClient();
  await signIn(page, me);
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('menuitem', { name: 'New chat' }).click();
  const chat = page.getByRole('dialog', { name: 'New chat' });
  await chat.getByLabel('Search people').fill(`${tag}bui`);
  await expect(chat.getByRole('option', { name: new RegExp(escapeRegExp(bob.displayName)) })).toBeVisible();
});

test('a chat with more unread than one page opens at "New messages", and stays unread until read', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Many');
  const bob = await registerViaApi(parley.url, 'Bob Many');
  const conversation = await createConversation(parley.url, alice.accessToken, [bob.id]);
  const socket = await connectSocket(parley.url, alice.accessToken);
  try {
    // Five pages' worth, so the first unread is far from the newest page.
    for (let i = 1; i <= 260; i++) {
      const ack = await sendMessage(socket, conversation.id, `unread number ${i}`);
      expect(ack.ok).toBe(true);
    }
  } finally {
    socket.close();
  }

  const page = await openClient();
  await signIn(page, bob);
  const row = conversationRow(page, alice.displayName);
  await expect(row).toHaveAccessibleName(/, 260 unread$/);
  await row.click();
  await expect(page.getByRole('separator', { name: 'New messages' })).toBeVisible();
  await expect(page.getByText('unread number 1', { exact: true })).toBeVisible();
  // Opening it read only what is on screen, not the 200-odd messages below.
  await expect(row).toHaveAccessibleName(/, \d+ unread$/);
});

test('a long chat name does not break the composer at 400 px', async ({ parley, openClient }) => {
  const me = await registerViaApi(parley.url, 'Narrow Nora');
  const other = await registerViaApi(parley.url, 'Narrow Ned');
  const title = 'The extraordinarily long name of our weekend hiking and climbing club';
  await createConversation(parley.url, me.accessToken, [other.id], title);
  const page = await openClient({ viewport: { width: 400, height: 800 } });
  await signIn(page, me);
  await conversationRow(page, title).click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toHaveAttribute('placeholder', /^Message The extraordinar.*…$/);
  // One line: as tall as the composer is with a short name.
  const height = (await composer.boundingBox())?.height ?? 0;
  await composer.evaluate((el: HTMLTextAreaElement) => (el.placeholder = 'Message Ned'));
  await composer.fill('x');
  await composer.fill('');
  expect(height).toBeLessThanOrEqual(((await composer.boundingBox())?.height ?? 0) + 1);
});

test('picking someone in New chat does not put an empty chat in their list; the first message does', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Picker');
  const bob = await registerViaApi(parley.url, 'Bob Picked');
  const alicePage = await openClient();
  await signIn(alicePage, alice);
  const bobPage = await openClient();
  await signIn(bobPage, bob);

  await startDirectChat(alicePage, bob);
  // The picked chat opens ready to type in.
  await expect(alicePage.getByRole('textbox', { name: 'Message' })).toBeFocused();
  // Alice's own list has the chat she opened; Bob's stays empty while nothing is said.
  await expect(conversationRow(alicePage, bob.displayName)).toBeVisible();
  // Bob's client knows the conversation (conversation:new), yet lists nothing: the welcome
  // state shows instead.
  await expect
    .poll(() =>
      bobPage.evaluate(async () => {
        const host = (window as unknown as { parley: ParleyHost }).parley;
        return (await host.getState()).conversations.length;
      }),
    )
    .toBe(1);
  await expect(bobPage.getByRole('button', { name: 'Start a chat' })).toBeVisible();
  await expect(conversationRow(bobPage, alice.displayName)).toHaveCount(0);

  await sendUiMessage(alicePage, 'Hi Bob');
  await expect(conversationRow(bobPage, alice.displayName)).toContainText('Hi Bob');
});

test('an emoji in a conversation preview is drawn by the bundled colour font, not as a box', async ({
  parley,
  openClient,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Emoji');
  const bob = await registerViaApi(parley.url, 'Bob Emoji');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  try {
    expect((await sendMessage(bobSocket, direct.id, 'Done 👍')).ok).toBe(true);
  } finally {
    bobSocket.close();
  }
  const page = await openClient();
  await signIn(page, alice);
  const preview = conversationRow(page, 'Bob Emoji').locator('.conv-row-preview');
  await expect(preview).toHaveText('Done 👍');
  await page.evaluate(() => document.fonts.ready);
  // The fonts Chromium actually drew the text with. DejaVu Sans (the system font here) claims
  // 👍 and draws a box; the bundled font must be asked first for the emoji planes.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', {
    nodeId: root.nodeId,
    selector: '.conv-row-preview',
  });
  await expect
    .poll(async () => {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      // The bundled font is Twemoji ("Twemoji Mozilla" inside), the page's only custom font.
      return fonts.filter((f) => f.isCustomFont).map((f) => `${f.familyName}: ${f.glyphCount} glyph`);
    })
    .toEqual(['Twemoji Mozilla: 1 glyph']);
});
