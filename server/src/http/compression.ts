import { constants } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Compresses HTTP answers (JSON, the web client's HTML) for clients that accept it: the
 * conversation list of a user with 1,000 conversations is about 800 KB of JSON and a tenth
 * of that compressed. Brotli at a low quality, because it runs per request on the event loop
 * (quality 11, the default, costs ~100× more CPU for a few % smaller); gzip for the rest.
 * The web client's own files are compressed once at build time instead (web.ts serves the
 * `.br`/`.gz` copies); an answer that already has a Content-Encoding is left alone.
 * Registered before the routes, so its hook applies to all of them.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    // Below this, compressing costs more than it saves.
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
}
