/**
 * A measurement, not a test: how fast the web client becomes usable, in Chromium, against a
 * real server on this machine. Skipped unless MEASURE_STARTUP is set:
 *
 *   npm run build:web && MEASURE_STARTUP=10 npx playwright test e2e/measure-startup.spec.ts
 *
 * Two figures, each the median of MEASURE_STARTUP runs (default 10), from the page's
 * navigation start (performance.now() = 0) to the moment an observer installed before any
 * page script sees the condition:
 * - cold sign-in: a fresh browser context (empty cache) opens `/` until the sign-in form's
 *   username field is in the DOM and enabled;
 * - signed-in reload: a signed-in user with 20 conversations reloads until the conversation
 *   list shows conversation rows (`button[data-conversation-id]`: any other button in the
 *   list, such as an empty state's "New chat", used to end the wait too early) and the
 *   connection status says "Online" (session restored, token refreshed, socket connected,
 *   catch-up done). The open-chat bench (`npm run bench -- open-chat`) measures 1,000.
 */
import { expect, registerViaApi, signUpNewUser, test } from './fixtures.js';

const runs = Number(process.env.MEASURE_STARTUP ?? 0);

type ReadyWindow = Window & { __readyAt?: Promise<number> };

/** Resolves (in the page) with performance.now() when `check()` first holds. */
function observeReady(check: string) {
  return `
    window.__readyAt = new Promise((resolve) => {
      const ready = () => { try { return (${check})(); } catch { return false; } };
      const observer = new MutationObserver(() => {
        if (ready()) { observer.disconnect(); resolve(performance.now()); }
      });
      const start = () => observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      if (document.documentElement) start(); else document.addEventListener('readystatechange', start, { once: true });
    });`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

test('measure: web client startup', async ({ browser, parley, openClient }) => {
  test.skip(!runs, 'set MEASURE_STARTUP=1 (or a number of runs) to run this measurement');
  const count = runs > 1 ? runs : 10;
  test.setTimeout(60_000 + count * 15_000);

  const cold: number[] = [];
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext({ baseURL: parley.url });
    await context.addInitScript(
      observeReady(
        `() => { const el = document.querySelector('input[autocomplete="username"], #username'); return !!el && !el.disabled; }`,
      ),
    );
    const page = await context.newPage();
    await page.goto('/');
    cold.push(await page.evaluate(() => (window as ReadyWindow).__readyAt!));
    await context.close();
  }

  const page = await openClient();
  const me = await signUpNewUser(page, 'Startup Measure');
  // Twenty conversations with the measured user: direct chats the peers start with them.
  for (let i = 0; i < 20; i++) {
    const peer = await registerViaApi(parley.url, `Peer ${i}`);
    const auth = { authorization: `Bearer ${peer.accessToken}` };
    const found = (await (
      await fetch(`${parley.url}/api/users?q=${encodeURIComponent(me.username)}`, { headers: auth })
    ).json()) as { users: { id: string }[] };
    const res = await fetch(`${parley.url}/api/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ type: 'direct', userId: found.users[0]?.id }),
    });
    expect(res.ok).toBe(true);
  }
  const warm: number[] = [];
  await page.context().addInitScript(
    observeReady(
      `() => document.querySelector('[data-testid="connection-status"]')?.textContent === 'Online' &&
             document.querySelectorAll('nav[aria-label="Conversation list"] button[data-conversation-id]').length > 0`,
    ),
  );
  for (let i = 0; i < count; i++) {
    await page.reload();
    warm.push(await page.evaluate(() => (window as ReadyWindow).__readyAt!));
  }

  const fmt = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;
  console.log(`cold load → sign-in form ready: ${fmt(cold)}`);
  console.log(`signed-in reload → list shown and online: ${fmt(warm)}`);
  expect(cold.length).toBe(count);
});
