import { useEffect, useState } from 'react';
import type { ParleyHost } from '@parley/shared';

/**
 * Pictures of users and groups as object URLs. They come through the host as bytes (the
 * desktop renderer holds no token to fetch them itself) and are cached by their `avatarId`,
 * which the server changes with every new picture, so a cached one is never stale.
 */
const cache = new Map<string, Promise<string | null>>();

/** Cached pictures kept at most; the oldest object URLs are released beyond it. */
const MAX_CACHED = 300;

/** The picture's object URL (cached by `avatarId`), or null when there is none or it failed. */
export function loadAvatarUrl(
  host: Pick<ParleyHost, 'account'>,
  kind: 'user' | 'conversation',
  id: string,
  avatarId: string,
): Promise<string | null> {
  const key = `${kind}:${id}:${avatarId}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = host.account
      .avatar({ kind, id })
      .then((r) =>
        r.ok && r.value
          ? URL.createObjectURL(new Blob([r.value.bytes as Uint8Array<ArrayBuffer>], { type: r.value.type }))
          : null,
      )
      .catch(() => null);
    cache.set(key, entry);
    // A failed load is forgotten, so a later render asks again.
    void entry.then((url) => {
      if (url === null) cache.delete(key);
    });
    if (cache.size > MAX_CACHED) {
      const [oldestKey, oldest] = cache.entries().next().value as [string, Promise<string | null>];
      cache.delete(oldestKey);
      void oldest.then((url) => url && URL.revokeObjectURL(url));
    }
  }
  return entry;
}

/** The picture's object URL, or null (none, loading, or it failed: initials show). */
export function useAvatarImage(
  host: ParleyHost,
  kind: 'user' | 'conversation',
  id: string,
  avatarId: string | null | undefined,
): string | null {
  const [loaded, setLoaded] = useState<{ key: string; url: string | null } | null>(null);
  const key = avatarId ? `${kind}:${id}:${avatarId}` : null;
  useEffect(() => {
    if (!avatarId || !host.account) return;
    let live = true;
    void loadAvatarUrl(host, kind, id, avatarId).then((url) => {
      if (live) setLoaded({ key: `${kind}:${id}:${avatarId}`, url });
    });
    return () => {
      live = false;
    };
  }, [host, kind, id, avatarId]);
  return key !== null && loaded?.key === key ? loaded.url : null;
}
