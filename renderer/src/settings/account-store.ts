import { useEffect, useSyncExternalStore } from 'react';
import type { AccountInfo, ParleyHost } from '@parley/shared';

/**
 * Small renderer-side stores for the account pages: which page is open (settings or server
 * administration; opened from the account menu or Ctrl+,) and the account's server role and
 * the server's invite rules (`account.get`), asked once per signed-in user.
 */

export type AccountPage = 'settings' | 'admin';

let page: AccountPage | null = null;
const pageListeners = new Set<() => void>();

export function openAccountPage(next: AccountPage | null): void {
  page = next;
  for (const l of pageListeners) l();
}

export function useAccountPage(): AccountPage | null {
  return useSyncExternalStore(
    (l) => {
      pageListeners.add(l);
      return () => pageListeners.delete(l);
    },
    () => page,
  );
}

let info: { userId: string; value: AccountInfo } | null = null;
let loading: string | null = null;
const infoListeners = new Set<() => void>();

/** Asks the host again (after a role change, or to retry). */
export function refreshAccountInfo(host: ParleyHost, userId: string): void {
  loading = userId;
  void host.account.get().then((r) => {
    loading = null;
    if (!r.ok) return;
    info = { userId, value: r.value };
    for (const l of infoListeners) l();
  });
}

/** The signed-in account's info; null until known (or for another user). */
export function useAccountInfo(host: ParleyHost, userId: string | null): AccountInfo | null {
  const current = useSyncExternalStore(
    (l) => {
      infoListeners.add(l);
      return () => infoListeners.delete(l);
    },
    () => info,
  );
  useEffect(() => {
    if (userId && current?.userId !== userId && loading !== userId) refreshAccountInfo(host, userId);
  }, [host, userId, current]);
  return current && current.userId === userId ? current.value : null;
}

/** Whether this account may make invite links on this server. */
export function canInvite(account: AccountInfo | null): boolean {
  return account !== null && (account.serverRole === 'admin' || account.invitesBy === 'members');
}
