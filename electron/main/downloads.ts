/**
 * Saving attachments. The renderer downloads a file it already read (an object URL of its own
 * page, `blob:app://parley/…`); main lets exactly those through, never a page's download of
 * anything else, and saves them in the download folder of the desktop settings without
 * overwriting what is there.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isAppUrl, type RendererSource } from './security.js';

/** True for an object URL made by the app's own page, the only downloads the app makes. */
export function isAppDownload(url: string, source: RendererSource): boolean {
  return url.startsWith('blob:') && isAppUrl(url.slice('blob:'.length), source);
}

/** A file name fit for any OS: no folders, no reserved characters, never empty. */
export function safeFileName(name: string): string {
  const cleaned = basename(name.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex -- control characters are what is removed here
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(/^[. ]+|[. ]+$/g, '')
    .slice(0, 200);
  return cleaned === '' ? 'download' : cleaned;
}

/** Where to save `name` in `folder`: `name`, else `name (2)`, `name (3)`… before the extension. */
export function downloadPath(
  folder: string,
  name: string,
  exists: (path: string) => boolean = existsSync,
): string {
  const safe = safeFileName(name);
  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  let candidate = join(folder, safe);
  for (let n = 2; exists(candidate) && n < 10_000; n++) candidate = join(folder, `${stem} (${n})${ext}`);
  return candidate;
}
