import { defineConfig } from '@playwright/test';

/**
 * The desktop app's specs (e2e/desktop): the built main process, preload and renderer run
 * together on the Electron stand-in (electron/test/stand-in), against a real server, with
 * its windows in Debian's Chromium. `npm run test:desktop` builds what they need first.
 */
export default defineConfig({
  testDir: './e2e/desktop',
  outputDir: './test-results/desktop',
  fullyParallel: true,
  workers: 2,
  // One retry in CI: the call specs drive several Chromium pages with fake media on 2 cores, and
  // a page that misses a click under load is not a product bug. A retried pass is reported as
  // "flaky" in the list, so it stays visible.
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report/desktop' }]]
    : 'list',
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--allow-loopback-in-peer-connection',
        '--auto-select-desktop-capture-source=Entire screen',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
    viewport: { width: 1280, height: 800 },
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
