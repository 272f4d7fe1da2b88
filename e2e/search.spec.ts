/**
 * Message search end to end (issue 10): Ctrl+Shift+F everywhere, Ctrl+F in the open chat,
 * highlighted results, opening a hit that is not loaded yet, edits and deletes reflected, and
 * screenshots of the results in both themes (e2e/screenshots/, git-ignored).
 */
import type { Locator, Page } from '@playwright/test';
import type { ClientSocket } from '../server/test/harness.js';
import { connectSocket, createConversation, sendMessage as socketSend } from '../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  expect,
  markAllRead,
  messages,
  registerViaApi,
  signIn,
  test,
  type ApiUser,
} from './fixtures.js';

interface World {
  alice: ApiUser;
  bob: ApiUser;
  direct: string;
  group: string;
  bobSocket: ClientSocket;
}

/** Alice and Bob in a direct chat and in the group "Planning"; Bob's socket sends for both. */
async function world(serverUrl: string): Promise<World> {
  const alice = await registerViaApi(serverUrl, 'Alice');
  const bob = await registerViaApi(serverUrl, 'Bob');
  const direct = (await createConversation(serverUrl, alice.accessToken, [bob.id])).id;
  const group = (await createConversation(serverUrl, alice.accessToken, [bob.id], 'Planning')).id;
  const bobSocket = await connectSocket(serverUrl, bob.accessToken);
  return { alice, bob, direct, group, bobSocket };
}

async function send(socket: ClientSocket, conversationId: string, body: string) {
  const ack = await socketSend(socket, conversationId, body);
  if (!ack.ok) throw new Error(`seed failed: ${ack.error.message}`);
  return ack.message;
}

/** Sends `count` filler messages, so what came before is out of the newest page (50). */
async function fill(socket: ClientSocket, conversationId: string, count: number) {
  for (let i = 1; i <= count; i++) await send(socket, conversationId, `filler ${i}`);
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Search messages' });
const field = (page: Page) => page.getByRole('combobox', { name: 'Search messages' });
const hits = (page: Page) => page.getByTestId('search-hit');
const hit = (page: Page, text: string) => hits(page).filter({ hasText: text });
const message = (page: Page, text: string): Locator =>
  messages(page).filter({ has: page.locator('.msg-body', { hasText: text }) });

test('Ctrl+Shift+F searches every conversation; a hit far back opens in its conversation, highlighted', async ({
  parley,
  openClient,
}) => {
  const { alice, direct, group, bobSocket } = await world(parley.url);
  try {
    await send(bobSocket, direct, 'The quarterly budget spreadsheet is ready');
    await fill(bobSocket, direct, 80);
    await send(bobSocket, group, 'Budgeting meeting moved to 3 pm');
    await send(bobSocket, group, 'Nothing to see here');

    const a = await openClient();
    await signIn(a, alice);
    await conversationRow(a, 'Planning').click();
    await expect(a.getByRole('textbox', { name: 'Message' })).toBeFocused();

    await a.keyboard.press('Control+Shift+F');
    await expect(panel(a)).toBeVisible();
    await expect(field(a)).toBeFocused();
    await expect(panel(a).getByRole('button', { name: 'All conversations' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await a.keyboard.type('b');
    await expect(panel(a)).toContainText('Type at least 2 characters');
    await a.keyboard.type('udg');
    // Newest first, grouped by conversation; the prefix is highlighted, whole words only.
    await expect(hits(a)).toHaveCount(2);
    await expect(hits(a).nth(0)).toContainText('Budgeting meeting moved to 3 pm');
    await expect(hits(a).nth(1)).toContainText('The quarterly budget spreadsheet is ready');
    await expect(panel(a).getByRole('group', { name: 'Planning' })).toContainText('Budgeting');
    await expect(panel(a).getByRole('group', { name: 'Bob' })).toContainText('quarterly');
    await expect(hits(a).locator('mark')).toHaveText(['Budgeting', 'budget']);
    await expect(hit(a, 'quarterly')).toContainText('Bob');

    // The old message is not loaded in Alice's client: opening it has to load it.
    await expect(hits(a).nth(0)).toHaveAttribute('aria-selected', 'true');
    await a.keyboard.press('ArrowDown');
    await expect(hits(a).nth(1)).toHaveAttribute('aria-selected', 'true');
    await a.keyboard.press('Enter');
    await expect(chatTitle(a)).toHaveText('Bob');
    const target = message(a, 'The quarterly budget spreadsheet is ready');
    await expect(target).toBeInViewport();
    await expect(a.locator('.msg-row.highlighted')).toContainText('The quarterly budget spreadsheet');
    // The results stay, with the keyboard in the field, for the next hit.
    await expect(field(a)).toBeFocused();
    await a.keyboard.press('ArrowUp');
    await a.keyboard.press('Enter');
    await expect(chatTitle(a)).toHaveText('Planning');
    await expect(a.locator('.msg-row.highlighted')).toContainText('Budgeting meeting moved');

    // Esc closes and gives the keyboard back to the chat.
    await a.keyboard.press('Escape');
    await expect(panel(a)).toBeHidden();
    await expect(a.getByRole('textbox', { name: 'Message' })).toBeFocused();
  } finally {
    bobSocket.close();
  }
});

test('Ctrl+F searches the open conversation; edits are found by their new text, deletes not at all', async ({
  parley,
  openClient,
}) => {
  const { alice, direct, group, bobSocket } = await world(parley.url);
  try {
    await send(bobSocket, direct, 'Lunch at the harbour on Friday?');
    await fill(bobSocket, direct, 60);
    await send(bobSocket, group, 'Team lunch is booked');
    const edited = await send(bobSocket, direct, 'Bring the old map');
    const deleted = await send(bobSocket, direct, 'The secret kayak plan');

    const a = await openClient();
    await signIn(a, alice);
    // Read elsewhere, so the chat opens at its newest message, not at "New messages".
    await expect(conversationRow(a, 'Bob')).toBeVisible();
    await markAllRead(a);
    await expect(conversationRow(a, 'Bob')).not.toHaveAccessibleName(/unread$/);
    await conversationRow(a, 'Bob').click();
    await expect(message(a, 'The secret kayak plan')).toBeVisible();

    await a.keyboard.press('Control+f');
    await expect(field(a)).toBeFocused();
    await expect(field(a)).toHaveAttribute('placeholder', 'Search in Bob');
    await expect(panel(a).getByRole('button', { name: 'This conversation' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await field(a).fill('lunch');
    await expect(hits(a)).toHaveCount(1);
    await expect(hits(a)).toContainText('Lunch at the harbour on Friday?');
    // Both scopes from the panel.
    await panel(a).getByRole('button', { name: 'All conversations' }).click();
    await expect(hits(a)).toHaveCount(2);
    await expect(field(a)).toBeFocused();
    await panel(a).getByRole('button', { name: 'This conversation' }).click();
    await expect(hits(a)).toHaveCount(1);

    // A click opens the hit in the chat already on screen, loading it first.
    await hit(a, 'harbour').click();
    await expect(message(a, 'Lunch at the harbour on Friday?')).toBeInViewport();
    await expect(a.locator('.msg-row.highlighted')).toContainText('Lunch at the harbour');

    // Found before Bob edits one and deletes the other.
    await field(a).fill('kayak');
    await expect(hits(a)).toHaveText([/The secret kayak plan/]);
    await field(a).fill('map');
    await expect(hits(a)).toHaveText([/Bring the old map/]);
    const edit = await bobSocket.emitWithAck('message:edit', {
      messageId: edited.id,
      body: 'Bring the new compass',
    });
    const removal = await bobSocket.emitWithAck('message:delete', { messageId: deleted.id });
    expect([edit.ok, removal.ok]).toEqual([true, true]);

    await field(a).fill('compass');
    await expect(hits(a)).toHaveCount(1);
    await expect(hits(a).locator('mark')).toHaveText(['compass']);
    await field(a).fill('map');
    await expect(panel(a)).toContainText('No messages match “map”');
    await expect(hits(a)).toHaveCount(0);
    await field(a).fill('kayak');
    await expect(panel(a)).toContainText('No messages match “kayak”');
    // From no results in one chat, to every chat: still nothing.
    await panel(a).getByRole('button', { name: 'Search all conversations' }).click();
    await expect(panel(a).getByRole('button', { name: 'All conversations' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(panel(a)).toContainText('No messages match “kayak”');

    // The header's button opens it too, and Esc closes it.
    await a.keyboard.press('Escape');
    await expect(panel(a)).toBeHidden();
    await a.getByRole('button', { name: 'Search in conversation' }).click();
    await expect(field(a)).toBeFocused();

    // An open dialog keeps the keyboard: the shortcut does nothing behind it.
    await a.keyboard.press('Escape');
    await a.keyboard.press('Control+k');
    const switcher = a.getByRole('dialog', { name: 'Switch conversation' });
    await expect(switcher).toBeVisible();
    await a.keyboard.press('Control+Shift+F');
    await expect(switcher.getByRole('combobox')).toBeFocused();
    await a.keyboard.press('Escape');
    await expect(switcher).toBeHidden();
    // (By CSS class: while the modal is open, Radix hides the rest from the accessibility tree.)
    await expect(a.locator('.search-panel')).toHaveCount(0);
  } finally {
    bobSocket.close();
  }
});

test('a hostile message and query stay inert text in the results', async ({ parley, openClient }) => {
  const { alice, direct, bobSocket } = await world(parley.url);
  try {
    const hostile = '<img src=x onerror="alert(1)"> (.*) [a-z]+ $^ injected';
    await send(bobSocket, direct, hostile);
    const a = await openClient();
    const dialogs: string[] = [];
    a.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(a, alice);
    await a.keyboard.press('Control+Shift+F');
    // Regular-expression and HTML characters in the query are only separators. (Words inside
    // `<…>` are not searched for here: PostgreSQL's parser drops what looks like a tag.)
    await field(a).fill('(.*) injec <b>[');
    await expect(hits(a)).toHaveCount(0);
    await field(a).fill('(.*) injec [');
    await expect(hits(a)).toHaveCount(1);
    await expect(hits(a).locator('.search-hit-text')).toHaveText(hostile);
    await expect(hits(a).locator('img, script')).toHaveCount(0);
    await expect(hits(a).locator('mark')).toHaveText(['injected']);
    expect(dialogs).toEqual([]);
  } finally {
    bobSocket.close();
  }
});

test('a search that fails says so and can be tried again', async ({ parley, openClient }) => {
  const { alice, direct, bobSocket } = await world(parley.url);
  await send(bobSocket, direct, 'Harbour lights tonight');
  bobSocket.close();
  // Playwright's routes do not see requests that pass through a service worker, and the
  // offline shell's worker installs within a second or two: without it the route is reliable.
  const a = await openClient({ serviceWorkers: 'block' });
  await signIn(a, alice);
  await a.keyboard.press('Control+Shift+F');
  // The search request cannot reach the server (the rest of the app is untouched).
  await a.route('**/api/search?**', (route) => route.abort('connectionrefused'));
  await field(a).fill('harbour');
  await expect(panel(a)).toContainText('Couldn’t search');
  await expect(panel(a)).toContainText('The server could not be reached');
  await a.unroute('**/api/search?**');
  await panel(a).getByRole('button', { name: 'Try again' }).click();
  await expect(hits(a)).toHaveText([/Harbour lights tonight/]);
  await expect(field(a)).toBeFocused();
});

test('on a narrow window the panel covers the app, and opening a hit shows its chat', async ({
  parley,
  openClient,
}) => {
  const { alice, direct, bobSocket } = await world(parley.url);
  try {
    await send(bobSocket, direct, 'Ferry tickets are booked');
    const a = await openClient({ viewport: { width: 420, height: 760 } });
    await signIn(a, alice);
    await a.keyboard.press('Control+Shift+F');
    await field(a).fill('ferry');
    await expect(hits(a)).toHaveCount(1);
    // Over the conversation list, not squeezed beside it.
    const box = await panel(a).boundingBox();
    expect(box?.width).toBe(420);
    await a.keyboard.press('Enter');
    await expect(panel(a)).toBeHidden();
    await expect(chatTitle(a)).toHaveText('Bob');
    await expect(a.locator('.msg-row.highlighted')).toContainText('Ferry tickets are booked');
  } finally {
    bobSocket.close();
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`screenshots of search results (${colorScheme})`, async ({ parley, openClient }) => {
    const { alice, direct, group, bobSocket } = await world(parley.url);
    try {
      await send(bobSocket, direct, 'Can you send me the release checklist before Friday?');
      await send(
        bobSocket,
        group,
        'Release plan: freeze on Wednesday, release candidate on Thursday, and the final release on Monday if nothing breaks in the candidate. Everyone please check the checklist and add what is missing.',
      );
      await send(bobSocket, group, 'Who owns the release notes this time?');
      await send(bobSocket, direct, 'Thanks, that helps');
      const a = await openClient({ colorScheme, viewport: { width: 1200, height: 720 } });
      await signIn(a, alice);
      await conversationRow(a, 'Bob').click();
      await a.getByRole('textbox', { name: 'Message' }).fill('Release checklist: done');
      await a.keyboard.press('Enter');
      await a.keyboard.press('Control+Shift+F');
      await field(a).fill('release');
      await expect(hits(a)).toHaveCount(4);
      // Bob's chat first (Alice's reply is the newest), then Planning: its older message is the 4th.
      for (let i = 0; i < 3; i++) await a.keyboard.press('ArrowDown');
      await a.keyboard.press('Enter');
      await expect(a.locator('.msg-row.highlighted')).toContainText('Release plan');
      await a.mouse.move(0, 0);
      // Taken while the jumped-to message still flashes.
      await a.screenshot({ path: `e2e/screenshots/search-results-${colorScheme}.png` });
      await field(a).fill('zebra');
      await expect(panel(a)).toContainText('No messages match');
      await panel(a).screenshot({ path: `e2e/screenshots/search-empty-${colorScheme}.png` });
    } finally {
      bobSocket.close();
    }
  });
}
