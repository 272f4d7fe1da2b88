/**
 * Issue 9, item 6: the main process pushes the whole client state on every change, and the
 * copies arrive as new objects. The renderer's store shares unchanged parts with the previous
 * snapshot, so a typing or presence change re-renders no message row.
 */
import { connectSocket, createConversation, registerUser, sendMessage } from '../../server/test/harness.js';
import {
  chatTitle,
  conversationRow,
  markAllRead,
  messageBodies,
  registerViaApi,
  signIn,
} from '../fixtures.js';
import { expect, test } from './fixtures.js';
import { renderCounterScript, renderCounts } from './render-counter.js';

// The relative times ("5 min ago") refresh on 30 s and 60 s intervals, which re-render rows
// on purpose; they are switched off here so only state changes can render anything.
const noMinuteTicks = `(() => {
  const setInterval = window.setInterval.bind(window);
  window.setInterval = (handler, delay, ...args) => (delay >= 30000 ? 0 : setInterval(handler, delay, ...args));
})();`;

test('typing and presence changes re-render no message row', async ({ launchDesktop, parley }) => {
  const alice = await registerViaApi(parley.url, 'Alice Render');
  const bob = await registerUser(parley.url, undefined, 'Bob Render');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  let bobSocket = await connectSocket(parley.url, bob.accessToken);
  const history = Array.from({ length: 30 }, (_, i) => `history ${i + 1}`);
  for (const body of history) await sendMessage(bobSocket, direct.id, body);

  const { app, page } = await launchDesktop({ initScripts: [renderCounterScript, noMinuteTicks] });
  await signIn(page, alice);
  // Read elsewhere: the chat opens at its newest message (with unread ones, at the first).
  await expect(conversationRow(page, 'Bob Render')).toBeVisible();
  await markAllRead(page);
  await expect(conversationRow(page, 'Bob Render')).not.toHaveAccessibleName(/unread$/);
  await conversationRow(page, 'Bob Render').click();
  await expect(chatTitle(page)).toHaveText('Bob Render');
  await expect(messageBodies(page).last()).toHaveText('history 30');
  const subtitle = page.getByTestId('chat-subtitle');
  await expect(subtitle).toHaveText('online');

  const statePushes = () =>
    app.windows[0]!.webContents.sent.filter((s) => s.channel === 'parley-event:state');
  const before = { counts: await renderCounts(page), pushes: statePushes().length };
  const bytesBefore = statePushes().reduce((sum, s) => sum + s.bytes, 0);

  // Typing starts and stops, then Bob goes offline and comes back: four visible changes.
  // In the open chat, typing shows above the composer (one place, see lib/typing.ts).
  const footer = page.locator('.chat-footer');
  bobSocket.emit('typing:start', { conversationId: direct.id });
  await expect(footer).toContainText('typing…');
  bobSocket.emit('typing:stop', { conversationId: direct.id });
  await expect(footer).not.toContainText('typing…');
  bobSocket.disconnect();
  await expect(subtitle).not.toHaveText('online');
  bobSocket = await connectSocket(parley.url, bob.accessToken);
  await expect(subtitle).toHaveText('online');

  const after = { counts: await renderCounts(page), pushes: statePushes().length };
  const rowRenders = after.counts.rows - before.counts.rows;
  const pushes = after.pushes - before.pushes;
  const bytes = statePushes().reduce((sum, s) => sum + s.bytes, 0) - bytesBefore;
  const report =
    `typing start/stop + presence off/on: ${pushes} state pushes (${bytes} bytes), ` +
    `${after.counts.commits - before.counts.commits} React commits, ${rowRenders} message-row renders`;
  console.log(`[desktop rendering] ${report}`);
  test.info().annotations.push({ type: 'measurement', description: report });
  expect(pushes, 'the changes reached the renderer as state pushes').toBeGreaterThanOrEqual(4);
  expect(rowRenders, 'message rows rendered for typing and presence').toBe(0);

  // Control: a new message renders its row, so the counter does see rows.
  await sendMessage(bobSocket, direct.id, 'a new one');
  await expect(messageBodies(page).last()).toHaveText('a new one');
  expect((await renderCounts(page)).rows - after.counts.rows).toBeGreaterThan(0);
  bobSocket.disconnect();
});
