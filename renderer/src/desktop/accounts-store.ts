/**
 * The desktop host's accounts (names, unread per account, the active one) for the rail and
 * the account menu. A small external store: one subscription to the host, however many
 * components read it. The web host has no `accounts` group, so this stays null there.
 */
import { useSyncExternalStore } from 'react';
import type { AccountSummary, AccountsState, ParleyHost } from '@parley/shared';
import { initials } from '../lib/format';

type AccountsApi = NonNullable<ParleyHost['accounts']>;

const stores = new WeakMap<
  AccountsApi,
  { get(): AccountsState | null; subscribe(fn: () => void): () => void }
>();

function storeFor(api: AccountsApi) {
  let store = stores.get(api);
  if (store) return store;
  let state: AccountsState | null = null;
  const listeners = new Set<() => void>();
  const set = (next: AccountsState) => {
    state = next;
    for (const listener of listeners) listener();
  };
  api.onChange(set);
  void api.list().then((result) => {
    // A pushed change may have come first; it is newer.
    if (result.ok && state === null) set(result.value);
  });
  store = {
    get: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  stores.set(api, store);
  return store;
}

const none = { get: () => null, subscribe: () => () => {} };

/** The accounts, or null where the host has none (web) or has not answered yet. */
export function useAccounts(host: ParleyHost): AccountsState | null {
  const store = host.accounts ? storeFor(host.accounts) : none;
  return useSyncExternalStore(store.subscribe, store.get);
}

/** What the rail writes on an account: the server's initials when it has a name, else the user's. */
export function accountInitials(account: AccountSummary): string {
  const label = account.serverLabel;
  // A host ("chat.example.org", "10.0.0.2:8080") makes poor initials; a server name makes good ones.
  if (label && !/[.:]/.test(label)) return initials(label);
  return initials(account.displayName ?? '');
}
