import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// electron-vite builds only the main process and the preload. The renderer has one build of
// its own (`npm run build:web` → out/renderer, base './'), shared by the web host and the
// desktop app, which serves it on app://parley.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Runtime dependencies (electron-store) stay in node_modules; @parley/shared is
      // TypeScript source, so it is bundled (with the socket.io-client and zod it imports).
      externalizeDeps: { exclude: ['@parley/shared'] },
      lib: { entry: resolve('electron/main/index.ts'), formats: ['es'] },
      rolldownOptions: { output: { entryFileNames: 'index.js' } },
      sourcemap: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot `require` anything but a few Electron modules: one
      // self-contained CommonJS file, nothing externalised, no chunks.
      externalizeDeps: false,
      lib: { entry: resolve('electron/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: 'index.cjs', codeSplitting: false } },
      sourcemap: true,
    },
  },
});
