import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { offlineShell } from './offline-shell';
import { precompress } from './precompress';

const here = fileURLToPath(new URL('.', import.meta.url));

// One build serves both hosts: Electron loads it from file:// and the Parley server serves it
// at `/`. Relative asset URLs (`base: './'`) keep both working without knowing the mount point.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), offlineShell(), precompress()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // The desktop shell and the browsers we support are all evergreen Chromium-class engines.
    target: 'es2022',
    sourcemap: true,
  },
  server: { port: 5173, strictPort: false },
});
