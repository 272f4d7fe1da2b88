/**
 * Server addresses as the user types them: "chat.example.org", "localhost:8080",
 * "https://chat.example.org/parley/". One rule for the sign-in form and the client core.
 */

const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(:\d+)?(\/|$)/i;

/**
 * The normal form `scheme://host[:port][/path]` without a trailing slash, or null when it
 * is not an http(s) address. A typed address without a scheme gets https, except local
 * hosts (localhost, 127.x, [::1], 0.0.0.0), which get http: a server on this machine
 * rarely has a certificate.
 */
export function normalizeServerUrl(input: string): string | null {
  let url = input.trim().replace(/\/+$/, '');
  if (url === '') return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `${LOCAL_HOST.test(url) ? 'http' : 'https'}://${url}`;
  if (!/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/i.test(url)) return null;
  return url.replace(/^https?:/i, (scheme) => scheme.toLowerCase());
}
