/**
 * axe-core on every main screen, in light and dark: no serious or critical violation (WCAG 2.1
 * A and AA rules, colour contrast included). Each screen is reached the way a user reaches it.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { connectSocket, createConversation, sendMessage } from '../server/test/harness.js';
import { chatTitle, conversationRow, expect, registerViaApi, signIn, test } from './fixtures.js';

/** The serious and critical violations on the page as it is now, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  // Each offending node with its HTML and axe's own explanation (contrast values and all).
  const describe = (n: (typeof result.violations)[number]['nodes'][number]) =>
    `${n.html.slice(0, 200)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)}`;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map(describe).join(' | ')})`);
}

async function expectAccessible(page: Page, screen: string) {
  // Transitions (fades, slides) would have axe measure colours half-way.
  await page.addStyleTag({
    content: '*, *::before, *::after { transition: none !important; animation: none !important; }',
  });
  expect(await seriousViolations(page), `${screen}: serious or critical axe violations`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`main screens have no serious accessibility violations (${colorScheme})`, async ({
    parley,
    openClient,
  }) => {
    const alice = await registerViaApi(parley.url, `Alice A11y ${colorScheme}`);
    const bob = await registerViaApi(parley.url, `Bob A11y ${colorScheme}`);
    const carol = await registerViaApi(parley.url, `Carol A11y ${colorScheme}`);
    const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
    const group = await createConversation(parley.url, bob.accessToken, [alice.id, carol.id], 'Design team');
    const bobSocket = await connectSocket(parley.url, bob.accessToken);
    try {
      for (const body of ['Morning! Did you see the **new mockups**?', 'Lunch at 12:30?']) {
        expect((await sendMessage(bobSocket, direct.id, body)).ok).toBe(true);
      }
      expect((await sendMessage(bobSocket, group.id, 'Welcome to the team')).ok).toBe(true);

      const page = await openClient({ colorScheme });
      await expectAccessible(page, 'sign-in');

      await signIn(page, alice);
      await conversationRow(page, bob.displayName).click();
      await expect(chatTitle(page)).toHaveText(bob.displayName);
      await page.getByRole('textbox', { name: 'Message' }).fill('On my way');
      await page.getByRole('textbox', { name: 'Message' }).press('Enter');
      await expect(page.getByRole('log', { name: 'Messages' }).locator('[data-status="sent"]')).toHaveCount(
        1,
      );
      await expectAccessible(page, 'conversation list and direct chat');

      await conversationRow(page, 'Design team').click();
      await expect(chatTitle(page)).toHaveText('Design team');
      await expectAccessible(page, 'group chat');

      await page.getByRole('button', { name: 'New conversation' }).click();
      await page.getByRole('menuitem', { name: 'New group' }).click();
      await expect(page.getByRole('dialog', { name: 'New group' })).toBeVisible();
      await expectAccessible(page, 'new group dialog');
      await page.keyboard.press('Escape');

      await page.keyboard.press('Control+Shift+F');
      await page.getByRole('combobox', { name: 'Search messages' }).fill('team');
      await expect(page.locator('mark').first()).toBeVisible();
      await expectAccessible(page, 'search panel with results');
      await page.keyboard.press('Escape');

      await page.keyboard.press('Control+,');
      await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
      await expectAccessible(page, 'settings');
      await page.keyboard.press('Escape');

      // Bob calls: the incoming-call dialog.
      const ack = await bobSocket.emitWithAck('call:initiate', { conversationId: direct.id, media: 'audio' });
      expect(ack.ok).toBe(true);
      await expect(page.getByTestId('incoming-call')).toBeVisible();
      await expectAccessible(page, 'incoming call');

      // Two more screens to check: time for them on top of the rest.
      test.setTimeout(test.info().timeout + 30_000);
      // Alice answers (Bob is a bare socket, so the media link stays "connecting"): the in-call
      // screen, then the call minimised to its tile above a usable chat.
      await page.getByRole('button', { name: 'Accept call' }).click();
      await expect(page.getByTestId('in-call')).toBeVisible();
      await expectAccessible(page, 'in call');
      await page.getByRole('button', { name: 'Minimise call' }).click();
      await expect(page.getByRole('region', { name: `Call with ${bob.displayName}` })).toBeVisible();
      await expectAccessible(page, 'call minimised');
      await page.getByTestId('pip-hang-up').click();
      await expect(page.getByTestId('call-minimised-ended')).toBeVisible();
    } finally {
      bobSocket.close();
    }
  });
}
