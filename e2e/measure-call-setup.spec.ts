/**
 * A measurement, not a test: call setup time from "callee presses Accept" to the first remote
 * video frame on screen, over real WebRTC in Chromium (fake camera, loopback network).
 * Skipped unless MEASURE_CALL_SETUP is set:
 *
 *   npm run build:web && MEASURE_CALL_SETUP=1 npx playwright test e2e/measure-call-setup.spec.ts
 *
 * MEASURE_CALL_SETUP=<n> sets the number of calls (default 12). Times come from the pages'
 * own clocks (Date.now(), one machine): the callee marks Accept, each side marks the first
 * frame its remote <video> presents (requestVideoFrameCallback).
 */
import type { Page } from '@playwright/test';
import { chatTitle, expect, signUpNewUser, startDirectChat, test } from './fixtures.js';

const runs = Number(process.env.MEASURE_CALL_SETUP ?? 0);

type Marks = {
  acceptRequestedAt: number | null;
  acceptedAt: number | null;
  localMediaAt: number | null;
  firstSignalAt: number | null;
  connectedAt: number | null;
  firstRemoteFrameAt: number | null;
};
type CallDebugWindow = Window & { __parleyCall?: { readonly marks: Marks | null } };

const marksOf = (page: Page) => page.evaluate(() => (window as CallDebugWindow).__parleyCall?.marks ?? null);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
});

test('measure: accept → first remote video frame', async ({ openClient }) => {
  test.skip(!runs, 'set MEASURE_CALL_SETUP=1 (or a number of calls) to run this measurement');
  const count = runs > 1 ? runs : 12;
  test.setTimeout(60_000 + count * 20_000);

  const alicePage = await openClient();
  const bobPage = await openClient();
  const alice = await signUpNewUser(alicePage, 'Alice Measure');
  const bob = await signUpNewUser(bobPage, 'Bob Measure');
  await startDirectChat(alicePage, bob);
  await startDirectChat(bobPage, alice);
  await expect(chatTitle(bobPage)).toHaveText(alice.displayName);

  const rows: Array<{ media: number; offer: number; connect: number; callee: number; caller: number }> = [];
  for (let i = 0; i < count; i++) {
    await alicePage.locator('.chat-header').getByRole('button', { name: 'Video call', exact: true }).click();
    await bobPage.getByRole('button', { name: 'Accept with video' }).click();
    await expect.poll(async () => (await marksOf(alicePage))?.firstRemoteFrameAt ?? null).not.toBeNull();
    await expect.poll(async () => (await marksOf(bobPage))?.firstRemoteFrameAt ?? null).not.toBeNull();
    const a = await marksOf(alicePage);
    const b = await marksOf(bobPage);
    if (
      !a?.firstRemoteFrameAt ||
      !b?.firstRemoteFrameAt ||
      !b.acceptRequestedAt ||
      !b.connectedAt ||
      !b.localMediaAt ||
      !b.firstSignalAt
    ) {
      throw new Error('missing marks');
    }
    rows.push({
      media: b.localMediaAt - b.acceptRequestedAt,
      offer: b.firstSignalAt - b.acceptRequestedAt,
      callee: b.firstRemoteFrameAt - b.acceptRequestedAt,
      caller: a.firstRemoteFrameAt - b.acceptRequestedAt,
      connect: b.connectedAt - b.acceptRequestedAt,
    });
    await alicePage.getByRole('button', { name: 'Hang up' }).click();
    for (const page of [alicePage, bobPage]) {
      // It also closes by itself after a few seconds.
      const close = page.getByRole('button', { name: 'Close call screen' });
      if (await close.isVisible()) await close.click().catch(() => undefined);
      await expect(page.getByTestId('call-ended')).toBeHidden();
    }
  }

  const both = rows.map((r) => Math.max(r.callee, r.caller));
  const columns = [
    ['callee media', (r: (typeof rows)[number]) => r.media],
    ['offer arrives', (r: (typeof rows)[number]) => r.offer],
    ['connected', (r: (typeof rows)[number]) => r.connect],
    ['callee frame', (r: (typeof rows)[number]) => r.callee],
    ['caller frame', (r: (typeof rows)[number]) => r.caller],
    ['both showing', (r: (typeof rows)[number]) => Math.max(r.callee, r.caller)],
  ] as const;
  const cell = (v: string | number) => String(v).padStart(14);
  const lines = [
    `call setup over ${rows.length} calls, ms after the callee pressed Accept:`,
    ' #' + columns.map(([name]) => cell(name)).join(''),
    ...rows.map((r, i) => String(i + 1).padStart(2) + columns.map(([, f]) => cell(f(r))).join('')),
    'median' +
      columns
        .map(([, f]) => cell(median(rows.map(f))))
        .join('')
        .slice(4),
    `accept → first remote frame on both sides: median ${median(both)} ms (min ${Math.min(...both)}, max ${Math.max(
      ...both,
    )})`,
  ];
  console.log(lines.join('\n'));
});
