import { useEffect, useSyncExternalStore } from 'react';
import type { AccountInfo, ParleyHost } from '@parley/shared';
import { useClientState } from '../store/hooks';

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

/** Who the info was asked for: the user and their `accountRevision` (see the client state). */
interface AccountKey {
  userId: string;
  revision: number;
}
const sameKey = (a: AccountKey | null, b: AccountKey) => a?.userId === b.userId && a.revision === b.revision;

let info: { key: AccountKey; value: AccountInfo } | null = null;
let loadingFor: AccountKey | null = null;
const infoListeners = new Set<() => void>();

/** Asks the host again (after a role change, or to retry). */
function refreshAccountInfo(host: ParleyHost, key: AccountKey): void {
  loadingFor = key;
  void host.account.get().then((r) => {
    if (loadingFor === key) loadingFor = null;
    if (!r.ok) return;
    info = { key, value: r.value };
    for (const l of infoListeners) l();
  });
}

/**
 * The signed-in account's info; null until known (or for another user). Asked again when the
 * server says the account changed (`accountRevision`: a promotion shows without a reload).
 */
export function useAccountInfo(host: ParleyHost): AccountInfo | null {
  const userId = useClientState((s) => (s.session.status === 'signed-in' ? s.session.user.id : null));
  const revision = useClientState((s) =>
    s.session.status === 'signed-in' ? (s.session.accountRevision ?? 0) : 0,
  );
  const current = useSyncExternalStore(
    (l) => {
      infoListeners.add(l);
      return () => infoListeners.delete(l);
    },
    () => info,
  );
  useEffect(() => {
    if (userId === null) return;
    const key = { userId, revision };
    if (!sameKey(current?.key ?? null, key) && !sameKey(loadingFor, key)) refreshAccountInfo(host, key);
  }, [host, userId, revision, current]);
  // While the account is asked about again, the previous answer for the same user still shows.
  return current && current.key.userId === userId ? current.value : null;
}

/** Whether this account may make invite links on this server. */
export function canInvite(account: AccountInfo | null): boolean {
  return account !== null && (account.serverRole === 'admin' || account.invitesBy === 'members');
}
