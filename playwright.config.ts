import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the real web client (built by `npm run build:web` into out/renderer),
 * served by a real Parley server per worker (e2e/fixtures.ts), driven in Debian's Chromium.
 * Playwright's own browser download does not work on these machines, hence executablePath.
 */
export default defineConfig({
  testDir: './e2e',
  // The desktop specs have their own config (playwright.desktop.config.ts, npm run test:desktop).
  testIgnore: 'desktop/**',
  outputDir: './test-results',
  fullyParallel: true,
  workers: 2,
  // One retry in CI: the call specs drive several Chromium pages with fake media on 2 cores, and
  // a page that misses a click under load is not a product bug. A retried pass is reported as
  // "flaky" in the list, so it stays visible.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--allow-loopback-in-peer-connection',
      ],
    },
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
