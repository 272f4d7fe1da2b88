/** The `accounts` group of `window.parley`: the rail's list, add, remove and switch. */
import type { HostResult, AccountsState } from '@parley/shared';
import type { HostImpl } from '../ipc.js';
import type { AccountManager } from './manager.js';

type AccountsHost = Pick<HostImpl, 'accounts.list' | 'accounts.add' | 'accounts.remove' | 'accounts.switch'>;

export function createAccountsHost(manager: AccountManager): AccountsHost {
  return {
    'accounts.list': async (): Promise<HostResult<AccountsState>> => ({ ok: true, value: manager.summary() }),
    'accounts.add': () => manager.add(),
    'accounts.remove': (accountId) => manager.remove(accountId),
    'accounts.switch': (accountId) => manager.switchTo(accountId),
  };
}
