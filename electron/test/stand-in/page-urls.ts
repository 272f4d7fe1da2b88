/**
 * Chromium outside Electron cannot load a custom scheme (no request is ever made for
 * `app://…`, so nothing can answer it). The stand-in therefore shows each scheme that main
 * handles (`protocol.handle`) under an https origin of its own, and translates at the border:
 * main only ever sees `app://parley/…` (loadURL, sender frames, navigation events, protocol
 * requests), the page only ever sees `https://parley.app-scheme.invalid/…`. `.invalid` never
 * resolves, so nothing leaves the machine; https makes it a secure context, as `app://` is
 * once registered as privileged.
 */
const SUFFIX = '-scheme.invalid';

/** `app://parley/x` → `https://parley.app-scheme.invalid/x`; other URLs unchanged. */
export function toPageUrl(url: string, schemes: ReadonlySet<string>): string {
  const parsed = safeUrl(url);
  const scheme = parsed?.protocol.slice(0, -1);
  if (!parsed || !scheme || !schemes.has(scheme)) return url;
  return `https://${parsed.host}.${scheme}${SUFFIX}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** The inverse of toPageUrl; other URLs unchanged. */
export function toAppUrl(url: string): string {
  const parsed = safeUrl(url);
  if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname.endsWith(SUFFIX)) return url;
  const labels = parsed.hostname.slice(0, -SUFFIX.length).split('.');
  const scheme = labels.pop();
  return `${scheme}://${labels.join('.')}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** The page-side origin of a scheme's host, for routing: `https://parley.app-scheme.invalid`. */
export function pageOrigin(scheme: string, host: string): string {
  return `https://${host}.${scheme}${SUFFIX}`;
}

export function isStandInOrigin(url: string): boolean {
  return safeUrl(url)?.hostname.endsWith(SUFFIX) ?? false;
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
