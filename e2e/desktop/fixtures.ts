/**
 * Fixtures for the desktop specs: the e2e fixtures (a real server per worker serving the web
 * client, `openClient` for web users) plus `launchDesktop`, which starts the built desktop app
 * on the Electron stand-in (electron/test/stand-in) pointed at that server.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { launchDesktopApp, type DesktopApp } from '../../electron/test/stand-in/runtime.js';
import { expect, test as base } from '../fixtures.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface LaunchDesktopOptions {
  /** Reuse a profile (a restart); a fresh one otherwise. */
  userDataDir?: string;
  initScripts?: string[];
  /** Command-line arguments after the executable (e.g. a parley:// link). */
  argv?: string[];
  /** More environment for main (PARLEY_UPDATE_FEED_URL, say). */
  env?: Record<string, string>;
  /** `app.isPackaged` (true by default, as users run it). */
  isPackaged?: boolean;
}

export interface RunningDesktop {
  app: DesktopApp;
  /** The main window's page (the renderer on app://parley). */
  page: Page;
  userDataDir: string;
  /** CSP violations reported by the window; the fixture fails the test on any. */
  cspViolations: string[];
  /** Violations a test provokes on purpose (matching `pattern`) are not recorded. */
  expectCspViolations(pattern: RegExp): void;
}

interface DesktopWorkerFixtures {
  /** A private copy of out/main, out/preload and out/renderer (a rebuild must not pull them away). */
  desktopBuild: string;
}

interface DesktopTestFixtures {
  /** Starts the app and waits for its window. */
  launchDesktop: (options?: LaunchDesktopOptions) => Promise<RunningDesktop>;
  /** Starts the app without waiting for a window (a second instance may never open one). */
  startDesktop: (options?: LaunchDesktopOptions) => Promise<DesktopApp>;
}

// Spelled out so the declaration names only `base` (the e2e fixtures' own types are not exported).
type DesktopTest = ReturnType<typeof base.extend<DesktopTestFixtures, DesktopWorkerFixtures>>;

export const test: DesktopTest = base.extend<DesktopTestFixtures, DesktopWorkerFixtures>({
  desktopBuild: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern.
    async ({}, use) => {
      const dir = await mkdtemp(join(tmpdir(), 'parley-desktop-build-'));
      for (const part of ['main', 'preload', 'renderer']) {
        const source = join(repoRoot, 'out', part);
        if (!existsSync(source))
          throw new Error(`${source} is missing: run npm run test:desktop (it builds first)`);
        await mkdir(join(dir, part));
        await cp(source, join(dir, part), { recursive: true });
      }
      // out/main/index.js is an ES module; outside the repository nothing else says so.
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      await use(dir);
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  startDesktop: async ({ browser, parley, desktopBuild }, use) => {
    const apps: DesktopApp[] = [];
    const profiles = new Set<string>();
    await use(async (options = {}) => {
      const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'parley-desktop-profile-')));
      profiles.add(userDataDir);
      const app = await launchDesktopApp({
        browser,
        outDir: desktopBuild,
        env: { PARLEY_SERVER_URL: parley.url, PARLEY_USER_DATA_DIR: userDataDir, ...options.env },
        initScripts: options.initScripts,
        argv: options.argv,
        isPackaged: options.isPackaged,
      });
      apps.push(app);
      return app;
    });
    for (const app of apps) {
      if (!(await app.quit())) await app.terminate(0);
    }
    for (const dir of profiles) await rm(dir, { recursive: true, force: true });
    for (const app of apps) {
      expect(app.pageErrors, 'uncaught errors in the desktop renderer').toEqual([]);
      expect(app.strayPages, 'windows opened behind the app’s back').toEqual([]);
    }
  },

  launchDesktop: async ({ startDesktop }, use) => {
    const running: RunningDesktop[] = [];
    await use(async (options = {}) => {
      const app = await startDesktop(options);
      const page = (await app.firstWindow()).page!;
      const cspViolations: string[] = [];
      const expected: RegExp[] = [];
      page.on('console', (message) => {
        const text = message.text();
        if (message.type() !== 'error' || !/Content Security Policy/i.test(text)) return;
        if (!expected.some((pattern) => pattern.test(text))) cspViolations.push(text);
      });
      const desktop: RunningDesktop = {
        app,
        page,
        userDataDir: app.getUserDataDir(),
        cspViolations,
        expectCspViolations: (pattern) => void expected.push(pattern),
      };
      running.push(desktop);
      return desktop;
    });
    for (const { cspViolations } of running)
      expect(cspViolations, 'Content-Security-Policy violations in the desktop window').toEqual([]);
  },
});

export { expect };
