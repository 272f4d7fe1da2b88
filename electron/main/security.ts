/**
 * Security decisions of the shell, as pure functions so they are unit-tested without
 * Electron: which URLs are the app, which permissions it gets, where it may navigate, what CSP
 * it runs under, and how `app://` requests map to files.
 *
 * Production loads the renderer from a custom `app://parley/` scheme instead of `file://`:
 * every file:// page shares one origin, so "is this the app?" could not be answered by an
 * origin check; a privileged standard scheme gives the app an origin of its own (Electron's
 * security checklist, item "avoid file://").
 */
import { extname, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Where the renderer comes from: the app scheme, or the dev server in development. */
export interface RendererSource {
  /** The URL the window loads. */
  entryUrl: string;
  /** Scheme + host (+ port) that counts as "the app". */
  origin: { protocol: string; host: string };
}

export function rendererSource(devServerUrl: string | undefined): RendererSource {
  const entryUrl = devServerUrl && devServerUrl.length > 0 ? devServerUrl : APP_ENTRY_URL;
  const url = new URL(entryUrl);
  return { entryUrl, origin: { protocol: url.protocol, host: url.host } };
}

/**
 * True when `url` belongs to the app. Compares scheme and host explicitly: WHATWG `origin`
 * is the opaque "null" for custom schemes, and comparing two "null"s would say yes to anything.
 */
export function isAppUrl(url: string | null | undefined, source: RendererSource): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === source.origin.protocol && parsed.host === source.origin.host;
}

/** Only these permissions exist for the app, and only for the app's own pages. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'media', // microphone and camera for calls
  'display-capture', // screen share (the picker in screen-share.ts still asks the user)
  'notifications',
  'fullscreen', // full-screen video during a call
  'clipboard-sanitized-write', // "copy message"
]);

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | null | undefined,
  source: RendererSource,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, source);
}

export type NavigationDecision = { allow: true } | { allow: false; openExternally: string | null };

/**
 * The window never leaves the app: navigating within it is allowed (a reload), anything else
 * is cancelled; http(s) links open in the user's browser, every other scheme is dropped.
 */
export function decideNavigation(url: string, source: RendererSource): NavigationDecision {
  if (isAppUrl(url, source)) return { allow: true };
  return { allow: false, openExternally: externalLink(url) };
}

/** `window.open` / target=_blank: never a new Electron window; http(s) goes to the browser. */
export function decideWindowOpen(url: string): { openExternally: string | null } {
  return { openExternally: externalLink(url) };
}

function externalLink(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/**
 * The renderer's Content-Security-Policy, sent as a header for `app://` responses (the
 * renderer's own meta tag still applies; the stricter of both wins). The socket lives in main,
 * so the page needs no network access of its own: WebRTC is not governed by connect-src.
 * Inline styles stay allowed because React and Radix set them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self' data:",
  // Saving an attachment downloads the page's own object URL (blob:), nothing remote.
  "connect-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'self' blob:",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.map': 'application/json',
};

export type AppFileResolution =
  { ok: true; path: string; contentType: string } | { ok: false; status: 400 | 404 };

/**
 * Maps an `app://parley/...` request to a file under `rootDir` (out/renderer). Refuses other
 * hosts and anything resolving outside the root (`..`, encoded or not), so a page cannot read
 * arbitrary files through the scheme.
 */
export function resolveAppFile(requestUrl: string, rootDir: string): AppFileResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 404 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (pathname.includes('\0')) return { ok: false, status: 400 };
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const path = resolve(root, relative);
  if (path !== root && !path.startsWith(root + sep)) return { ok: false, status: 404 };
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  return { ok: true, path, contentType };
}
