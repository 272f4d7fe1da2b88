/**
 * Message search in the desktop app (stand-in): the renderer's `window.parley.search` goes
 * over IPC to the client core in main, options included, and a hit opens in its chat.
 */
import type { Message, ParleyHost } from '@parley/shared';
import {
  connectSocket,
  createConversation,
  sendMessage as sendOverSocket,
} from '../../server/test/harness.js';
import { chatTitle, conversationRow, messages, registerViaApi, signIn } from '../fixtures.js';
import { expect, test } from './fixtures.js';

test('search runs over IPC with its options, and a hit opens highlighted in its chat', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Desk');
  const bob = await registerViaApi(parley.url, 'Bob Web');
  const direct = (await createConversation(parley.url, alice.accessToken, [bob.id])).id;
  const group = (await createConversation(parley.url, alice.accessToken, [bob.id], 'Planning')).id;
  const socket = await connectSocket(parley.url, bob.accessToken);
  try {
    const send = async (conversationId: string, body: string) => {
      const ack = await sendOverSocket(socket, conversationId, body);
      if (!ack.ok) throw new Error(ack.error.message);
    };
    await send(direct, 'The quarterly budget spreadsheet is ready');
    // Out of the newest page (50): opening it has to load history first.
    for (let i = 1; i <= 60; i++) await send(direct, `filler ${i}`);
    await send(group, 'Budget meeting moved to 3 pm');

    const { app, page } = await launchDesktop();
    await signIn(page, alice);
    await expect(conversationRow(page, 'Planning')).toBeVisible();

    // The API itself, as the renderer calls it: the options object crosses IPC, and bad input
    // is refused in main.
    const answers = await page.evaluate(async (conversationId) => {
      const parley = (window as unknown as { parley: ParleyHost }).parley;
      const summary = (r: Awaited<ReturnType<ParleyHost['search']['messages']>>) =>
        r.ok ? { ok: true, bodies: r.value.map((m: Message) => m.body) } : { ok: false, code: r.code };
      return {
        all: summary(await parley.search.messages('budget')),
        scoped: summary(await parley.search.messages('budget', { conversationId })),
        limited: summary(await parley.search.messages('budget', { limit: 1 })),
        tooShort: summary(await parley.search.messages('b')),
        badOption: summary(await parley.search.messages('budget', { limit: 0 })),
      };
    }, direct);
    expect(answers).toEqual({
      all: {
        ok: true,
        bodies: ['Budget meeting moved to 3 pm', 'The quarterly budget spreadsheet is ready'],
      },
      scoped: { ok: true, bodies: ['The quarterly budget spreadsheet is ready'] },
      limited: { ok: true, bodies: ['Budget meeting moved to 3 pm'] },
      tooShort: { ok: false, code: 'invalid_input' },
      badOption: { ok: false, code: 'invalid_input' },
    });

    // The UI: Ctrl+Shift+F, type, open the older hit.
    await page.keyboard.press('Control+Shift+F');
    const field = page.getByRole('combobox', { name: 'Search messages' });
    await expect(field).toBeFocused();
    await field.fill('budg');
    const hits = page.getByTestId('search-hit');
    await expect(hits).toHaveCount(2);
    await expect(hits.locator('mark')).toHaveText(['Budget', 'budget']);
    await hits.filter({ hasText: 'quarterly' }).click();
    await expect(chatTitle(page)).toHaveText('Bob Web');
    const target = messages(page).filter({ hasText: 'The quarterly budget spreadsheet is ready' });
    await expect(target).toBeInViewport();
    await expect(page.locator('.msg-row.highlighted')).toContainText('The quarterly budget spreadsheet');
    expect(app.invocations.filter((channel) => channel === 'parley:search.messages').length).toBeGreaterThan(
      5,
    );
  } finally {
    socket.close();
  }
});
