import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley server</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Parley server is running</h1>
<p>The web client isn't built, so there is nothing to show here yet. Run <code>npm run build:web</code>
in the Parley repository (or point <code>WEB_DIR</code> at a built web client) and reload.</p>
<p>The desktop app can connect to this server already.</p>
</body></html>
`;

/** Paths that belong to the API or the socket: never answered with the web client. */
const isApiPath = (url: string) =>
  url.startsWith('/api/') || url === '/api' || url.startsWith('/socket.io') || url === '/health';

/**
 * Serves the web client from `webDir` with an SPA fallback (unknown non-API GETs get
 * index.html), or a short page saying it isn't built. Unknown API paths answer a JSON 404.
 */
export async function registerWebClient(app: FastifyInstance, webDir: string): Promise<void> {
  const built = existsSync(join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      index: 'index.html',
      // The build writes a .br and a .gz next to every text file (renderer/vite.config.ts):
      // sent as they are to browsers that accept them, never compressed per request.
      preCompressed: true,
      // The offline shell's service worker (renderer/offline-shell.ts) and the page that lists
      // the hashed assets must be revalidated on every load, or a new build would not reach users.
      setHeaders: (reply, path) => {
        if (path.endsWith('sw.js') || path.endsWith('index.html')) reply.header('cache-control', 'no-cache');
      },
    });
  } else {
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !isApiPath(request.url) &&
      // `/` itself is always the page: with `preCompressed` the static plugin does not answer
      // it, and the offline shell's precache asks for it without an HTML Accept header.
      (request.url === '/' || (request.headers.accept ?? '').includes('text/html'));
    if (wantsPage && built) return reply.sendFile('index.html');
    const error = new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send({ error: error.toBody() });
  });
}
