import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|webmanifest)$/;
/** Smaller than this, the headers of a compressed answer cost more than they save. */
const MIN_BYTES = 1024;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the web build,
 * at the highest quality, once: the server sends them as they are (`preCompressed` of its
 * static plugin, server/src/http/web.ts) instead of compressing per request. index.html and
 * sw.js are left out: they are small, and the server marks them no-cache by their names.
 * The desktop package leaves the copies out (electron-builder.yml): it reads files from disk.
 */
export function precompress(): Plugin {
  return {
    name: 'parley-precompress',
    apply: 'build',
    // After the offline shell's writeBundle, whatever order the plugins are listed in.
    enforce: 'post',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? '.';
      // In parallel on libuv's threads: Brotli's top quality is slow (seconds for the bundle),
      // but it is paid once per build and saves ~10 % over quality 5 for every user.
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => COMPRESSIBLE.test(name))
          .map(async (name) => {
            const path = join(dir, name);
            const written = await readFile(path).catch(() => null); // a CSS-only JS chunk is not written
            if (!written || written.length < MIN_BYTES) return;
            const [br, gz] = await Promise.all([
              brotliAsync(written, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                  [constants.BROTLI_PARAM_SIZE_HINT]: written.length,
                },
              }),
              gzipAsync(written, { level: 9 }),
            ]);
            await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
          }),
      );
    },
  };
}
