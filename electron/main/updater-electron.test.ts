// The real electron-updater (AppImage flavour, as on this Linux machine) against a generic
// feed served here: a newer version is found and downloaded byte for byte, an equal one is
// "not available". Electron's `net` is node:http's `request` (same ClientRequest shape).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type RequestOptions, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElectronUpdater, devUpdateConfig, type NetRequest } from './updater-electron.js';

const artifact = Buffer.from('#!/bin/sh\necho "Parley 0.2.0"\n');
const sha512 = createHash('sha512').update(artifact).digest('base64');

let dir: string;
let server: Server;
let feedUrl: string;
let requests: string[];
let feedVersion: string;
const savedAppImage = process.env.APPIMAGE;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-updater-'));
  requests = [];
  feedVersion = '0.2.0';
  server = createServer((req, res) => {
    // electron-updater adds ?noCache=… to the channel file's URL.
    const path = new URL(req.url ?? '/', 'http://feed').pathname;
    requests.push(path);
    if (path === '/latest-linux.yml') {
      res.setHeader('content-type', 'text/yaml');
      res.end(
        `version: ${feedVersion}\nfiles:\n  - url: Parley-${feedVersion}.AppImage\n    sha512: ${sha512}\n    size: ${artifact.length}\npath: Parley-${feedVersion}.AppImage\nsha512: ${sha512}\nreleaseDate: '2026-11-30T12:00:00.000Z'\n`,
      );
    } else if (path === `/Parley-${feedVersion}.AppImage`) {
      res.setHeader('content-length', String(artifact.length));
      res.end(artifact);
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  process.env.APPIMAGE = join(dir, 'Parley.AppImage');
  await writeFile(process.env.APPIMAGE, 'old');
});

afterEach(async () => {
  server.close();
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
  await rm(dir, { recursive: true, force: true });
});

async function updater(version: string) {
  const config = devUpdateConfig(feedUrl, dir);
  await writeFile(config.path, config.yaml);
  const app = {
    isPackaged: false,
    getVersion: () => version,
    getName: () => 'Parley',
    getPath: () => dir,
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    once: () => app,
  };
  const result = createElectronUpdater({
    app,
    request: ((options: RequestOptions) => request(options)) as unknown as NetRequest,
    platform: 'linux',
    configPath: config.path,
    cacheDir: join(dir, 'cache'),
    forceDevUpdateConfig: true,
  });
  result.logger = null;
  result.disableDifferentialDownload = true;
  return result;
}

describe('electron-updater against a local generic feed', () => {
  it('finds a newer version and downloads it', async () => {
    const u = await updater('0.1.0');
    const downloaded = new Promise<{ version: string; downloadedFile: string }>((resolve) =>
      u.once('update-downloaded', resolve),
    );
    const result = await u.checkForUpdates();
    expect(result?.isUpdateAvailable).toBe(true);
    const info = await downloaded;
    expect(info.version).toBe('0.2.0');
    expect(await readFile(info.downloadedFile)).toEqual(artifact);
    expect(requests).toContain('/latest-linux.yml');
    expect(requests).toContain('/Parley-0.2.0.AppImage');
  });

  it('says not available for the same version, and downloads nothing', async () => {
    feedVersion = '0.1.0';
    const u = await updater('0.1.0');
    const notAvailable = new Promise((resolve) => u.once('update-not-available', resolve));
    const result = await u.checkForUpdates();
    expect(result?.isUpdateAvailable).toBe(false);
    await notAvailable;
    expect(requests).toEqual(['/latest-linux.yml']);
  });

  it('checks the sha512: a tampered artifact is an error, not a downloaded update', async () => {
    const u = await updater('0.1.0');
    let downloaded = false;
    u.on('update-downloaded', () => (downloaded = true));
    const failed = new Promise<Error>((resolve) => u.once('error', resolve));
    artifact.write('X', 0);
    try {
      const result = await u.checkForUpdates();
      await expect(result?.downloadPromise).rejects.toThrow(/sha512 checksum mismatch/);
      await expect(failed).resolves.toBeInstanceOf(Error);
    } finally {
      artifact.write('#', 0);
    }
    expect(downloaded).toBe(false);
  });
});
