import { errorText } from '../i18n';
import { useEffect, useState } from 'react';
import type { ParleyHost } from '@parley/shared';

/**
 * Object URLs of attachments, made from `attachments.read()` bytes (there are no public URLs:
 * every read is authorised), cached so a row scrolled back into view shows at once, and
 * revoked when they fall out of the cache. Full-size images get a small cache of their own.
 */
type Variant = 'full' | 'thumbnail';
const LIMITS: Record<Variant, number> = { thumbnail: 200, full: 12 };
const caches: Record<Variant, Map<string, Promise<string>>> = { thumbnail: new Map(), full: new Map() };

export function attachmentUrl(host: ParleyHost, id: string, variant: Variant): Promise<string> {
  const cache = caches[variant];
  const hit = cache.get(id);
  if (hit) {
    // Most recently used last, so eviction takes the oldest.
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const url = host.attachments.read(id, variant).then((r) => {
    if (!r.ok) throw new Error(errorText(r));
    return URL.createObjectURL(new Blob([r.value.bytes], { type: r.value.contentType }));
  });
  // A failed read is not kept: the next view tries again.
  url.catch(() => cache.delete(id));
  cache.set(id, url);
  while (cache.size > LIMITS[variant]) {
    const [oldest, value] = cache.entries().next().value as [string, Promise<string>];
    cache.delete(oldest);
    void value.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
  }
  return url;
}

/** The object URL of an attachment once read (null meanwhile), or the error. */
export function useAttachmentUrl(
  host: ParleyHost,
  id: string | null,
  variant: Variant,
): { url: string | null; error: string | null } {
  const [state, setState] = useState<{ id: string | null; url: string | null; error: string | null }>({
    id: null,
    url: null,
    error: null,
  });
  useEffect(() => {
    if (!id) return;
    let live = true;
    attachmentUrl(host, id, variant).then(
      (url) => live && setState({ id, url, error: null }),
      (error: unknown) =>
        live && setState({ id, url: null, error: String((error as Error)?.message ?? error) }),
    );
    return () => {
      live = false;
    };
  }, [host, id, variant]);
  return state.id === id ? state : { url: null, error: null };
}

/** Saves an attachment: the browser's download (Electron's download handling on the desktop). */
export async function downloadAttachment(host: ParleyHost, id: string, name: string): Promise<string | null> {
  try {
    const url = await attachmentUrl(host, id, 'full');
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
