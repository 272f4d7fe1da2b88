// Fetches the Electron binary after `npm install`, without ever failing the install.
//
// package.json sets `allowScripts.electron = false`, so npm does not run electron's own
// postinstall (which fails the whole install when its download host is unreachable). This
// script runs that same installer itself: on a normal machine the desktop app gets its binary
// as usual; where the download is impossible it prints one line and the install succeeds.
// `npm start` then serves the web client instead (see scripts/start.mjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

let installer;
try {
  installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0); // electron is not installed (e.g. `npm ci --omit=dev` for a server host)
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);

const result = spawnSync(process.execPath, [installer], {
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 5 * 60_000,
  encoding: 'utf8',
});

if (result.status !== 0) {
  const reason = (result.stderr ?? '')
    .split('\n')
    .find((line) => /error/i.test(line))
    ?.trim();
  console.log(
    `parley: the Electron binary could not be downloaded (${reason ?? 'download failed'}); ` +
      'the desktop app is unavailable here, `npm start` will serve the web client instead.',
  );
}
