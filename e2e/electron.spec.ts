/**
 * The desktop app end to end, through Playwright's Electron driver: Alice signs in in the
 * desktop app, Bob writes to her from the web client, Alice gets a native notification and
 * answers from the desktop. Runs wherever the Electron binary is installed; where it is not
 * (it cannot be downloaded on every machine) the test is skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication } from '@playwright/test';
import {
  conversationRow,
  expect,
  messageBodies,
  registerViaApi,
  sendMessage,
  signIn,
  signUpNewUser,
  startDirectChat,
  test,
} from './fixtures.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * The Electron binary, or why there is none. Read from the package's files: since Electron 45,
 * `require('electron')` tries to download a missing binary on the spot.
 */
function electronBinary(): { path: string } | { missing: string } {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile))
    return { missing: `the binary was never downloaded into ${join(packageDir, 'dist')}` };
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const path = join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { missing: `no binary at ${path}` };
}

const binary = electronBinary();
const skipReason =
  'missing' in binary
    ? `Electron binary not installed here: ${binary.missing}; this spec is skipped (the desktop specs on the Electron stand-in, npm run test:desktop, still run)`
    : '';
if (skipReason) console.log(`electron.spec.ts: ${skipReason}`);

interface ShownNotification {
  title: string;
  body: string;
}

test.describe('desktop app', () => {
  test.skip(!!skipReason, skipReason);

  let app: ElectronApplication | null = null;
  let userDataDir: string | null = null;

  test.beforeAll(() => {
    // The spec drives the built app (out/main, out/preload, out/renderer); build the shell if
    // this checkout has not yet (the renderer is built by `npm run test:e2e` itself).
    if (
      !existsSync(join(repoRoot, 'out', 'main', 'index.js')) ||
      !existsSync(join(repoRoot, 'out', 'preload', 'index.cjs'))
    ) {
      const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
      execFileSync(process.execPath, [cli, 'build'], { cwd: repoRoot, stdio: 'inherit' });
    }
  });

  test.afterEach(async () => {
    await app?.close();
    app = null;
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    userDataDir = null;
  });

  test('signs in, gets a native notification for a message and answers it', async ({
    parley,
    openClient,
  }) => {
    const alice = await registerViaApi(parley.url, 'Alice');
    const bobPage = await openClient();
    const bob = await signUpNewUser(bobPage, 'Bob');

    // A fresh profile per run: no stored session, no settings from earlier runs.
    userDataDir = mkdtempSync(join(tmpdir(), 'parley-electron-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      // ELECTRON_RUN_AS_NODE, inherited from some tool, would start Electron as plain Node.
      if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
    }
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      // Chromium refuses to run as root (CI containers) unless its OS sandbox is off.
      args: [...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : []), repoRoot],
      cwd: repoRoot,
      env: { ...env, PARLEY_SERVER_URL: parley.url, PARLEY_USER_DATA_DIR: userDataDir },
    });
    const desktop = await app.firstWindow();
    await expect(desktop).toHaveURL(/^app:\/\/parley\//);
    expect(await desktop.evaluate(() => (globalThis as { parley?: { kind: string } }).parley?.kind)).toBe(
      'desktop',
    );

    // Record native notifications in the main process (the OS shows them outside any page).
    await app.evaluate(({ Notification }) => {
      const shown: { title: string; body: string }[] = [];
      (globalThis as unknown as { parleyShown: typeof shown }).parleyShown = shown;
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: Electron.Notification) {
        shown.push({ title: this.title, body: this.body });
        return show.call(this);
      };
    });

    await signIn(desktop, alice);

    await startDirectChat(bobPage, alice);
    await sendMessage(bobPage, 'hello from the web');

    // Alice has no conversation open, so the message notifies whatever the window focus.
    await expect
      .poll(() =>
        app!.evaluate(() => (globalThis as unknown as { parleyShown: ShownNotification[] }).parleyShown),
      )
      .toContainEqual({ title: bob.displayName, body: 'hello from the web' });

    await conversationRow(desktop, bob.displayName).click();
    await expect(messageBodies(desktop)).toContainText(['hello from the web']);
    await sendMessage(desktop, 'hi from the desktop');
    await expect(messageBodies(bobPage)).toContainText(['hello from the web', 'hi from the desktop']);
  });
});
