/**
 * The Electron stand-in's entry point for tests: `launchDesktopApp()` runs the real built main
 * process (out/main/index.js) in this Node process against a fake `electron` module, with its
 * windows as Playwright pages. See README.md in this folder for what is emulated and what not.
 *
 *   const app = await launchDesktopApp({ browser, outDir, env: { PARLEY_SERVER_URL, PARLEY_USER_DATA_DIR } });
 *   const page = (await app.firstWindow()).page;
 *   app.notifications[0].click();
 *   await app.quit();
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { Module, createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions } from '@playwright/test';
import { createElectronModule, defaultPaths, type ElectronModule } from './electron-module.js';
import { Launch } from './launch.js';
import { KeyringCipher } from './recorders.js';

const REGISTRY = Symbol.for('parley.electron-stand-in');
const repoRoot = new URL('../../../', import.meta.url);

interface Registry {
  modules: Map<string, ElectronModule>;
  moduleFor(id: string | null): ElectronModule | undefined;
  /** The "OS keyring": one per test process, so it outlives app restarts. */
  cipher: KeyringCipher;
  /** userData directory → the launch holding its single-instance lock. */
  locks: Map<string, Launch>;
  nextId: number;
}

function registry(): Registry {
  const global = globalThis as unknown as Record<symbol, Registry | undefined>;
  let existing = global[REGISTRY];
  if (!existing) {
    const modules = new Map<string, ElectronModule>();
    existing = {
      modules,
      moduleFor: (id) => (id === null ? undefined : modules.get(id)),
      cipher: new KeyringCipher(),
      locks: new Map(),
      nextId: 1,
    };
    global[REGISTRY] = existing;
    requireElectronFromCommonJs(modules);
    register(new URL('./loader-hooks.mjs', import.meta.url), {
      data: {
        shimUrl: new URL('./electron-shim.mjs', import.meta.url).href,
        rootUrl: new URL('package.json', repoRoot).href,
      },
    });
  }
  return existing;
}

/**
 * CommonJS dependencies (electron-updater) `require('electron')` lazily, out of reach of the
 * ESM resolve hook and without the launch's URL parameter: they get the newest launch's module,
 * through a module put in place of the npm `electron` package (which only knows the binary's
 * path). One app at a time is what the specs that need it run.
 */
function requireElectronFromCommonJs(modules: Map<string, ElectronModule>): void {
  const require = createRequire(import.meta.url);
  const path = require.resolve('electron');
  const newest = () => [...modules.values()].at(-1) ?? {};
  const stub = new Module(path);
  stub.filename = path;
  stub.loaded = true;
  stub.exports = new Proxy({}, { get: (_target, key: string) => newest()[key] });
  require.cache[path] = stub;
}

export interface LaunchOptions {
  browser: Browser;
  /** A directory with the built main/index.js, preload/index.cjs and renderer/. */
  outDir: string;
  /** Environment for this launch (PARLEY_SERVER_URL, PARLEY_USER_DATA_DIR, …). */
  env?: Record<string, string>;
  contextOptions?: BrowserContextOptions;
  /** Scripts for every page before the renderer's own (test hooks). */
  initScripts?: string[];
  /** The command line after the executable (a `parley://` link, say); passed on to a running instance. */
  argv?: string[];
  /** `app.isPackaged`; true by default, as users run it. */
  isPackaged?: boolean;
  /** No OS keyring (Linux `basic_text`), or no encryption at all. */
  storageBackend?: string;
  encryptionAvailable?: boolean;
}

/** A running app, as tests see it: its recorders and controls (launch.ts). */
export type DesktopApp = Launch;

/** The keyring cipher, for tests that decrypt what the app stored. */
export function standInKeyring(): KeyringCipher {
  return registry().cipher;
}

export async function launchDesktopApp(options: LaunchOptions): Promise<DesktopApp> {
  const reg = registry();
  const id = String(reg.nextId++);
  const context = await options.browser.newContext(options.contextOptions);
  let lockPath: string | null = null;
  const launch: Launch = new Launch(id, context, reg.cipher, () => {
    if (lockPath && reg.locks.get(lockPath) === launch) reg.locks.delete(lockPath);
  });
  for (const [name, path] of defaultPaths(await mkdtemp(join(tmpdir(), 'parley-stand-in-'))))
    launch.paths.set(name, path);
  const electronPackage = JSON.parse(await readFile(new URL('package.json', repoRoot), 'utf8')) as {
    version: string;
  };
  reg.modules.set(
    id,
    createElectronModule(launch, {
      isPackaged: options.isPackaged ?? true,
      version: electronPackage.version,
      storageBackend: options.storageBackend ?? 'gnome_libsecret',
      encryptionAvailable: options.encryptionAvailable ?? true,
      acquireLock(userData) {
        const holder = reg.locks.get(userData);
        if (holder && holder.exitCode === null) {
          const argv = ['parley', ...(options.argv ?? [])];
          holder.app.emit('second-instance', { preventDefault() {} }, argv, process.cwd(), {});
          return false;
        }
        lockPath = userData;
        reg.locks.set(userData, launch);
        return true;
      },
    }),
  );
  await launch.attach();
  for (const script of options.initScripts ?? []) await context.addInitScript(script);

  // main reads its environment at import and on ready; a dev server URL must not leak in.
  const env: Record<string, string | undefined> = { ELECTRON_RENDERER_URL: undefined, ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  // main reads its command line at import, like the environment.
  const savedArgv = process.argv;
  process.argv = ['parley', ...(options.argv ?? [])];
  try {
    const main = pathToFileURL(join(options.outDir, 'main', 'index.js'));
    main.searchParams.set('launch', id);
    await import(main.href);
    // run() starts on the next turn (whenReady) and reads the environment then.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    apply(saved);
    process.argv = savedArgv;
  }
  return launch;
}
