import { defineConfig } from 'vitest/config';

// One runner for every Node-side test: unit tests beside the code (*.test.ts) and the
// server's integration tests (real server on port 0, real sockets, real SQLite file).
// Browser behaviour is tested by Playwright in e2e/, not here.
export default defineConfig({
  test: {
    include: ['{shared,server,electron,renderer,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
