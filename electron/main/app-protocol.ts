/**
 * Serves the built renderer (out/renderer) under `app://parley/`, with the CSP as a real
 * response header. See security.ts for why a custom scheme instead of file://.
 */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, resolveAppFile } from './security.js';

/** Must run before `app` is ready: a standard, secure scheme gets an origin, storage and getUserMedia. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** The response for one `app://` request: a file from `rootDir`, or a bare error status. */
export async function appProtocolResponse(
  method: string,
  requestUrl: string,
  rootDir: string,
): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405 });
  const resolved = resolveAppFile(requestUrl, rootDir);
  if (!resolved.ok) return new Response(null, { status: resolved.status });
  let body: Buffer;
  try {
    body = await readFile(resolved.path);
  } catch {
    return new Response(null, { status: 404 });
  }
  return new Response(method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': resolved.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  });
}

export function handleAppProtocol(session: Session, rootDir: string): void {
  session.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.method, request.url, rootDir));
}
