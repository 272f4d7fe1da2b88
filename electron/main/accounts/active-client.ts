/**
 * A `ParleyClient` that is always the active account's: every property is looked up on the
 * active client when it is used, so the IPC handlers (host-impl.ts), the deep-link router and
 * the rest of main keep talking to "the client" and reach whichever account the window shows.
 * IPC calls carry no account id; a switch is the one call that changes where they go.
 */
import type { ParleyClient } from '@parley/shared/client';

export function activeClient(active: () => ParleyClient): ParleyClient {
  return new Proxy({} as ParleyClient, {
    get(_target, key) {
      const client = active();
      const value: unknown = Reflect.get(client, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
    },
  });
}
