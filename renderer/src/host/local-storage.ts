import type { ClientStorage } from '@parley/shared/client';

/**
 * ClientStorage over localStorage, namespaced by a prefix. The web host keeps the session
 * (server URL, refresh token) and the outbox here, so a reload neither signs out nor loses
 * unsent messages. localStorage is readable by any script on the origin; the strict CSP is
 * what keeps foreign scripts out.
 */
export function createLocalStorage(prefix = 'parley:'): ClientStorage {
  return {
    async get(key) {
      try {
        return localStorage.getItem(prefix + key);
      } catch {
        return null;
      }
    },
    async set(key, value) {
      localStorage.setItem(prefix + key, value);
    },
    async delete(key) {
      localStorage.removeItem(prefix + key);
    },
  };
}
