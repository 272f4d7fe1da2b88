// Bundles src/bin.ts into dist/bin.js (one ESM file for Node with a shebang) and the SQLite
// writer thread into dist/sqlite-writer-worker.js. npm dependencies stay external (installed
// next to it); @parley/shared is TypeScript source in this repository, not a published
// package, so it is bundled in.
import { chmodSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {})
  .filter((name) => name !== '@parley/shared')
  .flatMap((name) => [name, `${name}/*`]);

await build({
  // The SQLite writer thread's code (storage/sqlite-writer.ts) is a file of its own, next to
  // bin.js: run a copy of the build as a directory (dist/), not bin.js alone.
  entryPoints: {
    bin: new URL('./src/bin.ts', import.meta.url).pathname,
    'sqlite-writer-worker': new URL('./src/storage/sqlite-writer-worker.ts', import.meta.url).pathname,
  },
  outdir: new URL('./dist', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external,
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  logLevel: 'warning',
});

// npm sets the executable bit on install; this is for running it straight from the repository.
chmodSync(new URL('./dist/bin.js', import.meta.url), 0o755);
