import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One runner for every Node-side test: unit tests beside the code (*.test.ts) and the
// server's integration tests (real server on port 0, real sockets, real SQLite file).
// Renderer components are tested here too, in a DOM (jsdom, chosen per file with a
// `@vitest-environment jsdom` comment, *.test.tsx); whole-app behaviour in a real browser is
// tested by Playwright in e2e/.
export default defineConfig({
  test: {
    include: ['{shared,server,electron,renderer,scripts}/**/*.test.ts', 'renderer/**/*.test.tsx'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on these 2-core machines. The
    // server suites mostly wait (real servers, sockets, restarts), so one more worker than
    // cores keeps both busy: 256 s instead of 415 s for the whole run on a 2-core machine.
    maxWorkers: availableParallelism() + 1,
  },
});
