// `npm run dev`: the server in watch mode plus Vite's dev server for the renderer, with the
// API and the socket proxied, so http://localhost:5173 is a hot-reloading web client.
// (The desktop shell's dev mode, `electron-vite dev`, needs the Electron binary.)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '8080';
const target = `http://127.0.0.1:${port}`;

const server = spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/src/bin.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { DATA_DIR: '.data', LOG_LEVEL: 'info', ...process.env, PORT: port, HOST: '127.0.0.1' },
});

const vite = await createServer({
  configFile: `${root}renderer/vite.config.ts`,
  server: {
    port: 5173,
    proxy: {
      '/api': target,
      '/health': target,
      '/socket.io': { target, ws: true },
    },
  },
});
await vite.listen();
vite.printUrls();

const stop = async () => {
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
