/**
 * The text of the Playwright init script that runs a built, sandboxed preload in a page:
 * page-runtime.js (contextBridge, ipcRenderer, window.open and getDisplayMedia routing)
 * wrapped around the preload's CommonJS source, as Electron's sandboxed preload wrapper does.
 */
import { readFileSync } from 'node:fs';

export interface PageRuntimeConfig {
  /** Names of the Playwright bindings the page reaches the fake main process through. */
  bindings: { invoke: string; windowOpen: string; displayMedia: string; contextMenu: string };
  nodeIntegrationInSubFrames: boolean;
}

const pageRuntimeSource = readFileSync(new URL('./page-runtime.js', import.meta.url), 'utf8').replace(
  /^export function pageRuntime/m,
  'function pageRuntime',
);

export function preloadInitScript(preloadSource: string | null, config: PageRuntimeConfig): string {
  // The page runtime's function is the file's only top-level statement after the comments.
  const body = preloadSource ?? '';
  return `(() => {
${pageRuntimeSource}
const standIn = pageRuntime(${JSON.stringify(config)});
if (!standIn) return;
(function (require, module, exports) {
${body}
})(standIn.require, standIn.module, standIn.module.exports);
})();`;
}
