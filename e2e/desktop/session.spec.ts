/**
 * What the desktop app keeps on disk and what a restart brings back: tokens are written only
 * through safeStorage (nothing readable in the electron-store files), and a second run of
 * main on the same profile restores the session from the encrypted store. Sleep and wake
 * (powerMonitor) reconnect and notify once for what was missed. One instance per profile: a second
 * start hands over to the running app.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STORAGE_KEYS } from '@parley/shared/client';
import { standInKeyring } from '../../electron/test/stand-in/runtime.js';
import { connectSocket, createConversation, registerUser, sendMessage } from '../../server/test/harness.js';
import {
  accountChip,
  chatTitle,
  connectionStatus,
  conversationRow,
  messageBodies,
  registerViaApi,
  signIn,
  waitUntilOnline,
} from '../fixtures.js';
import { expect, test } from './fixtures.js';

async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { path, text: await readFile(path, 'latin1') };
      }),
  );
}

test('tokens go to disk only through safeStorage, and a restart restores the session', async ({
  launchDesktop,
  startDesktop,
  parley,
}) => {
  const alice = await registerViaApi(parley.url, 'Alice Restart');
  const bob = await registerUser(parley.url, undefined, 'Bob Restart');
  const direct = await createConversation(parley.url, bob.accessToken, [alice.id]);
  const first = await launchDesktop();
  await signIn(first.page, alice);
  await waitUntilOnline(first.page);

  // session.json holds only encrypted client values; the refresh token is among them.
  const session = JSON.parse(await readFile(join(first.userDataDir, 'session.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect(Object.keys(session).length).toBeGreaterThan(0);
  const keyring = standInKeyring();
  const decrypted = Object.fromEntries(
    Object.entries(session).map(([key, value]) => {
      expect(key).toMatch(/^client\./);
      expect(typeof value).toBe('string');
      return [key, keyring.decrypt(Buffer.from(value as string, 'base64'))];
    }),
  );
  const refreshToken = decrypted[`client.${STORAGE_KEYS.refreshToken}`];
  expect(refreshToken?.length ?? 0).toBeGreaterThan(16);
  expect(keyring.encrypted).toContain(refreshToken);

  // No file in the profile holds a secret in plain text: not the refresh token, not the
  // password, not an access token (a JWT starts with "eyJ").
  const files = await filesUnder(first.userDataDir);
  expect(files.map((f) => f.path.slice(first.userDataDir.length + 1)).sort()).toEqual(
    expect.arrayContaining(['session.json', 'settings.json']),
  );
  for (const { path, text } of files) {
    expect(text, path).not.toContain(refreshToken);
    expect(text, path).not.toContain(alice.password);
    expect(text, path).not.toContain(alice.accessToken);
    expect(text, path).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  }

  // Quit from the tray, then start main again on the same profile.
  first.app.trays.at(-1)!.clickMenuItem('Quit Parley');
  expect(await first.app.exited).toBe(0);
  const second = await launchDesktop({ userDataDir: first.userDataDir });
  await expect(accountChip(second.page)).toContainText(alice.displayName);
  await waitUntilOnline(second.page);
  expect(second.app.invocations).not.toContain('parley:auth.signIn');
  await expect(second.page.getByLabel('Password')).toHaveCount(0);

  // The machine sleeps (powerMonitor), Bob writes twice, it wakes: main reconnects, catches
  // up, and notifies once for the chat, not once per message; the click opens it.
  const status = connectionStatus(second.page);
  second.app.windows[0]!.blur();
  second.app.powerMonitor.emit('suspend');
  await expect(status).toHaveText('Offline');
  const bobSocket = await connectSocket(parley.url, bob.accessToken);
  await sendMessage(bobSocket, direct.id, 'while you slept');
  await sendMessage(bobSocket, direct.id, 'still asleep?');
  bobSocket.disconnect();
  second.app.powerMonitor.emit('resume');
  await expect(status).toHaveText('Online');
  const shown = () => second.app.notifications.filter((n) => n.shown);
  await expect.poll(() => shown().length).toBeGreaterThan(0);
  await expect(conversationRow(second.page, 'Bob Restart')).toContainText('still asleep?');
  expect(shown()).toHaveLength(1);
  shown()[0]!.click();
  await expect(chatTitle(second.page)).toHaveText('Bob Restart');
  await expect(messageBodies(second.page)).toHaveText(['while you slept', 'still asleep?']);

  // A second start on the same profile does not run; the running app comes to the front.
  const window = second.app.windows[0]!;
  window.hide();
  const third = await startDesktop({ userDataDir: first.userDataDir });
  expect(await third.exited).toBe(0);
  expect(third.windows).toHaveLength(0);
  expect(window.isVisible() && window.isFocused()).toBe(true);
});
