// `npm start`: build what is needed, start the bundled Parley server (SQLite in ./.data, port
// PORT or 8080) and open the desktop app pointed at it. Where the Electron binary is missing
// (it cannot be downloaded on every machine), say so in one line and keep serving the web
// client instead. Ctrl+C stops everything.
//
//   npm start                 build, serve, launch
//   npm start -- --skip-build reuse the previous build
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { humanLine, listeningUrl, portIsFree, reachabilityHint } from './start-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const skipBuild = process.argv.includes('--skip-build');
const port = process.env.PORT ?? '8080';
const host = process.env.HOST ?? '127.0.0.1';
// The address the app and the user use: a wildcard bind is still reached on loopback.
const localHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const serverUrl = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`;

/**
 * The Electron binary's path, or why there is none. Read from the package's files rather than
 * `require('electron')`: since Electron 45 that tries to download a missing binary on the spot.
 */
function findElectron() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile))
    return { reason: `the binary was never downloaded into ${join(packageDir, 'dist')}` };
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const path = join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { reason: `no binary at ${path}` };
}

const children = new Set();
let stopping = false;

function run(command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function step(label, command, args) {
  return new Promise((resolve, reject) => {
    console.log(`parley: ${label}`);
    // npm on Windows is a .cmd script, which only a shell runs.
    const child = run(command, args, { shell: command === 'npm' && process.platform === 'win32' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

/**
 * Waits until OUR server listens: its own "listening on" line, then /health at that URL. A
 * /health answer alone could come from another process on the same port.
 */
async function waitUntilListening(server) {
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      process.stdout.write(`${humanLine(line)}\n`);
      const found = listeningUrl(line);
      if (found) resolve(found);
    });
    server.once('exit', (code, signal) =>
      reject(new Error(`the server stopped while starting (${signal ?? `exit code ${code}`})`)),
    );
    setTimeout(() => reject(new Error('the server did not start listening within 60 s')), 60_000).unref();
  });
  const response = await fetch(`${url}/health`);
  if (!response.ok) throw new Error(`the server answers ${url}/health with ${response.status}`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        // A child that ignores SIGTERM for 5 s is killed.
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  );
  await Promise.all(exits);
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function main() {
  // Another process on the port (often an earlier `npm start`) would answer for our server.
  if (!(await portIsFree(host, port))) {
    throw new Error(
      `port ${port} on ${host} is already in use by another process (is Parley already running at ${serverUrl}?). ` +
        'Stop it, or start on another port: PORT=8081 npm start',
    );
  }

  const electron = findElectron();
  if (!skipBuild) {
    // Under `npm start`, npm names its own CLI; run directly, whatever `npm` is on PATH.
    const npmCli = process.env.npm_execpath;
    const npm = (script) =>
      npmCli && npmCli.endsWith('.js')
        ? [process.execPath, [npmCli, 'run', script]]
        : ['npm', ['run', script]];
    await step('building the server (npm run build:server)', ...npm('build:server'));
    await step('building the web client (npm run build:web)', ...npm('build:web'));
    if (electron.path) {
      await step('building the desktop shell (electron-vite build)', process.execPath, [
        join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'),
        'build',
      ]);
    }
  }

  const serverBin = `${root}server/dist/bin.js`;
  if (!existsSync(serverBin)) throw new Error(`${serverBin} is missing; run without --skip-build`);
  const server = run(process.execPath, [serverBin], {
    env: { DATA_DIR: '.data', ...process.env, PORT: port, HOST: host },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`parley: the server stopped (${signal ?? `exit code ${code}`})`);
    void stop(code || 1);
  });
  await waitUntilListening(server);

  if (!electron.path) {
    console.log(
      `Electron is not installed on this machine (${electron.reason}); serving the web client at ${serverUrl} instead`,
    );
    console.log(`parley: ${reachabilityHint(host, port)}`);
    return;
  }
  console.log(`parley: server at ${serverUrl}; opening the desktop app`);
  console.log(`parley: ${reachabilityHint(host, port)}`);
  const env = { ...process.env, PARLEY_SERVER_URL: serverUrl };
  // Inherited from some tool, this would make Electron a plain Node process.
  delete env.ELECTRON_RUN_AS_NODE;
  // Chromium refuses to start as root unless its OS sandbox is off (containers, CI). The
  // renderers stay sandboxed by Electron's own `sandbox: true`; only the OS layer is lost.
  const args = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
  if (args.length > 1) console.log('parley: running as root, so Chromium runs without its OS sandbox');
  const app = run(electron.path, args, { env });
  app.on('exit', (code) => {
    if (!stopping) void stop(code ?? 0);
  });
}

main().catch((error) => {
  console.error(`parley: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
