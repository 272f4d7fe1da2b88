/**
 * Updates against a generic feed served here (latest-linux.yml and an "AppImage" that is a
 * shell script), with the real electron-updater in main: a newer version is downloaded at
 * start and "Restart to update" installs it (the AppImage is replaced and started, the app
 * quits); the same version is "up to date"; with updates off nothing reaches the feed. The
 * unpackaged app takes the feed from PARLEY_UPDATE_FEED_URL (a packaged one from
 * app-update.yml, which the stand-in has no way to have).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountChip, registerViaApi, signIn } from '../fixtures.js';
import { expect, test } from './fixtures.js';

const APP_VERSION = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

interface Feed {
  url: string;
  requests: string[];
  version: string;
  artifact: Buffer;
  close(): void;
}

async function serveFeed(version: string, artifact: Buffer): Promise<Feed> {
  const feed: Feed = { url: '', requests: [], version, artifact, close: () => server.close() };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://feed').pathname;
    feed.requests.push(path);
    const sha512 = createHash('sha512').update(feed.artifact).digest('base64');
    const file = `Parley-${feed.version}.AppImage`;
    if (path === '/latest-linux.yml')
      res.end(
        `version: ${feed.version}\nfiles:\n  - url: ${file}\n    sha512: ${sha512}\n    size: ${feed.artifact.length}\npath: ${file}\nsha512: ${sha512}\nreleaseDate: '2026-11-30T12:00:00.000Z'\n`,
      );
    else if (path === `/${file}`) res.end(feed.artifact);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  feed.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return feed;
}

let dir: string;
let feed: Feed | null = null;
const savedAppImage = process.env.APPIMAGE;

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-updates-'));
  // The installed "AppImage" (electron-updater reads APPIMAGE when it installs, in this process).
  process.env.APPIMAGE = join(dir, 'Parley.AppImage');
  await writeFile(process.env.APPIMAGE, 'version 0.1.0');
  await chmod(process.env.APPIMAGE, 0o755);
});

test.afterEach(async () => {
  feed?.close();
  feed = null;
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
  await rm(dir, { recursive: true, force: true });
});

test('a newer version is downloaded at start; "Restart to update" installs it and quits', async ({
  launchDesktop,
}) => {
  const marker = join(dir, 'new-version-ran');
  const artifact = Buffer.from(`#!/bin/sh\necho "silent=$APPIMAGE_SILENT_INSTALL" > '${marker}'\n`);
  feed = await serveFeed('99.0.0', artifact);
  const { app, page } = await launchDesktop({
    isPackaged: false,
    env: { PARLEY_UPDATE_FEED_URL: feed.url },
  });
  await page.waitForLoadState('networkidle');

  const prompt = await app.nextDialog();
  expect(prompt.options.message).toBe('Parley 99.0.0 is ready');
  expect(prompt.options.buttons).toEqual(['Restart to update', 'Later']);
  // Not attached to the window: the app stays usable while the box is up.
  expect(prompt.parent).toBeNull();
  expect(feed.requests).toEqual(['/latest-linux.yml', '/Parley-99.0.0.AppImage']);
  expect(app.netRequests.every((url) => url.startsWith(feed!.url))).toBe(true);
  expect(app.exitCode).toBeNull();

  prompt.respond('Restart to update');
  // The app quits (its browser context closed) by itself.
  expect(await app.exited).toBe(0);
  expect(app.autoUpdaterEvents).toEqual(['before-quit-for-update']);
  // quitAndInstall put the new AppImage in place of the old and started it.
  expect(await readFile(process.env.APPIMAGE!)).toEqual(artifact);
  await expect.poll(() => existsSync(marker)).toBe(true);
  expect(await readFile(marker, 'utf8')).toBe('silent=true\n');
});

test('Check for updates… with the newest version says "up to date"', async ({ launchDesktop }) => {
  feed = await serveFeed(APP_VERSION, Buffer.from('unused'));
  const { app } = await launchDesktop({ isPackaged: false, env: { PARLEY_UPDATE_FEED_URL: feed.url } });
  // The quiet check at start shows nothing.
  await expect.poll(() => feed!.requests).toEqual(['/latest-linux.yml']);
  app.applicationMenu!.click('Help', 'Check for updates…');
  const answer = await app.nextDialog();
  expect(answer.options.message).toBe("You're up to date");
  expect(answer.options.detail).toBe(`Parley ${APP_VERSION} is the newest version.`);
  answer.respond(0);
  expect(feed.requests).toEqual(['/latest-linux.yml', '/latest-linux.yml']);
  expect(app.dialogs).toHaveLength(1);
});

test('with updates turned off nothing reaches the feed, and the menu says they are managed', async ({
  launchDesktop,
  parley,
}) => {
  feed = await serveFeed('99.0.0', Buffer.from('#!/bin/sh\n'));
  const userDataDir = join(dir, 'profile');
  // Off in the settings of an installed profile: the start does not check.
  const first = await launchDesktop({
    isPackaged: false,
    userDataDir,
    env: { PARLEY_UPDATE_FEED_URL: feed.url },
  });
  await first.app.nextDialog().then((d) => d.respond('Later'));
  const alice = await registerViaApi(parley.url, 'Alice Updates');
  await signIn(first.page, alice);
  await accountChip(first.page).click();
  await first.page.getByRole('menuitem', { name: 'Desktop settings…' }).click();
  const settings = first.page.getByRole('dialog', { name: 'Desktop settings' });
  const toggle = settings.getByLabel('Download updates automatically');
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  // The dialog with the switch, both themes (e2e/screenshots/ is git-ignored).
  for (const colorScheme of ['light', 'dark'] as const) {
    await first.page.emulateMedia({ colorScheme });
    await settings.screenshot({
      path: `e2e/screenshots/desktop-updates-setting-${colorScheme}.png`,
      animations: 'disabled',
    });
  }
  expect(await first.app.quit()).toBe(true);

  feed.requests.length = 0;
  const { app } = await launchDesktop({
    isPackaged: false,
    userDataDir,
    env: { PARLEY_UPDATE_FEED_URL: feed.url },
  });
  app.applicationMenu!.click('Help', 'Check for updates…');
  const answer = await app.nextDialog();
  expect(answer.options.message).toBe('Updates are managed');
  answer.respond(0);
  expect(feed.requests).toEqual([]);
  expect(app.netRequests).toEqual([]);
});
