/**
 * The shell's security promises, checked in the running app: the CSP header on app://, no
 * navigation away and no new windows (http(s) goes to the browser), IPC only from the app's
 * own top frame.
 */
import { connectSocket, createConversation, registerUser, sendMessage } from '../../server/test/harness.js';
import { conversationRow, messageBodies, registerViaApi, signIn } from '../fixtures.js';
import { expect, test } from './fixtures.js';

test('app:// is served with the CSP header, and the page lives by it', async ({ launchDesktop }) => {
  const { app, page, expectCspViolations } = await launchDesktop();
  const entry = app.protocolResponses.find((r) => r.url === 'app://parley/index.html');
  expect(entry?.status).toBe(200);
  const csp = entry?.headers['content-security-policy'] ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
  ])
    expect(csp).toContain(directive);
  const scripts = app.protocolResponses.filter((r) => r.url.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script.headers['content-security-policy']).toBe(csp);

  // The header is enforced, not only the renderer's meta tag: the meta allows connecting to
  // any https server, the header only to the app itself. And injected inline script never runs.
  expectCspViolations(
    /^(Executing inline script violates|Connecting to 'https:\/\/example\.com|Fetch API cannot load https:\/\/example\.com)/,
  );
  const probes = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const fetched = await fetch('https://example.com/beacon').then(
      () => 'fetched',
      () => 'blocked',
    );
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { fetched, ran: '__injected' in window, violations: [...new Set(violations)].sort() };
  });
  expect(probes).toEqual({ fetched: 'blocked', ran: false, violations: ['connect-src', 'script-src-elem'] });

  // The scheme serves the renderer's folder and nothing outside it.
  const escape = await page.evaluate(async () => (await fetch('/..%2f..%2fpackage.json')).status);
  expect(escape).toBe(404);
});

test('no navigation away and no new windows: http(s) links open in the browser', async ({
  launchDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Links');
  const bob = await registerUser(parley.url, undefined, 'Bob Links');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  await sendMessage(bobSocket, direct.id, 'look at https://example.com/page');
  bobSocket.disconnect();
  const { app, page } = await launchDesktop();
  await signIn(page, alice);
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  // A link in a message (target=_blank): the window-open handler sends it to the browser.
  await conversationRow(page, 'Bob Links').click();
  await expect(messageBodies(page)).toHaveText(['look at https://example.com/page']);
  await page.getByRole('link', { name: 'https://example.com/page' }).click();
  await expect.poll(() => app.openedExternally).toEqual(['https://example.com/page']);
  expect(app.windowOpens).toEqual([{ url: 'https://example.com/page', action: 'deny' }]);

  // window.open: nothing opens; only http(s) reaches the browser.
  const opened = await page.evaluate(() => [
    window.open('https://example.org/x'),
    window.open('file:///etc/passwd'),
  ]);
  expect(opened).toEqual([null, null]);
  await expect.poll(() => app.windowOpens.length).toBe(3);
  expect(app.windowOpens.every((w) => w.action === 'deny')).toBe(true);
  expect(app.openedExternally).toEqual(['https://example.com/page', 'https://example.org/x']);

  // Navigating the window away is cancelled; the address goes to the browser.
  await page.evaluate(() => {
    location.href = 'https://example.net/elsewhere';
  });
  await expect
    .poll(() => app.navigations)
    .toContainEqual({ url: 'https://example.net/elsewhere', allowed: false });
  await expect.poll(() => app.openedExternally).toContain('https://example.net/elsewhere');
  expect(app.windows[0]!.webContents.getURL()).toBe('app://parley/index.html');
  expect(await page.evaluate(() => '__sameDocument' in window)).toBe(true);
  await expect(messageBodies(page)).toHaveText(['look at https://example.com/page']);
});

test('an injected frame gets no window.parley and its IPC calls are refused', async ({ launchDesktop }) => {
  const { app, page } = await launchDesktop();
  const channel = 'parley:getState';
  const result = await page.evaluate(
    async ({ binding, channel }) => {
      type Ipc = (channel: string, args: unknown[]) => Promise<{ session: { status: string } }>;
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const child = frame.contentWindow as unknown as Record<string, unknown>;
      const top = window as unknown as Record<string, unknown>;
      const attempt = async (ipc: Ipc) => {
        try {
          return `answered: ${(await ipc(channel, [])).session.status}`;
        } catch (error) {
          return `refused: ${(error as Error).message}`;
        }
      };
      return {
        parleyInFrame: 'parley' in child,
        fromFrame: await attempt(child[binding] as Ipc),
        fromTop: await attempt(top[binding] as Ipc),
      };
    },
    { binding: app.bindingNames.invoke, channel },
  );
  expect(result.parleyInFrame).toBe(false);
  expect(result.fromFrame).toMatch(/^refused: .*the sender is not the Parley app/);
  // Control: the same call from the app's own top frame is answered.
  expect(result.fromTop).toBe('answered: signed-out');
});
