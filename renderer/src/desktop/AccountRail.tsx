import { useCallback, useEffect, type CSSProperties } from 'react';
import * as Tooltip from '@radix-ui/react-tooltip';
import { Plus, UserRound } from 'lucide-react';
import type { AccountSummary } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import { avatarColor } from '../lib/colors';
import { isMac, modKey } from '../lib/platform';
import { unreadBadge } from '@parley/shared';
import { useHost } from '../store/hooks';
import { errorText } from '../i18n';
import { showToast } from '../lib/toast';
import { accountInitials, useAccounts } from './accounts-store';
import './account-rail.css';

/**
 * The account rail (desktop, several accounts): a narrow column left of the sidebar with one
 * button per account (its initials, its unread count) and one to add an account. Ctrl+1…9
 * (⌘ on macOS) switches. Hidden while there is only one account: the account menu adds one.
 */
export function AccountRail() {
  const { t } = useTranslation();
  const host = useHost();
  const state = useAccounts(host);
  const api = host.accounts;
  const accounts = state?.accounts;
  const shown = api !== undefined && (accounts?.length ?? 0) > 1;

  // Main refuses a switch during a call (its media live in this window): say so.
  const switchTo = useCallback(
    (id: string) =>
      void api?.switch(id).then((result) => {
        if (!result.ok)
          showToast(result.code === 'busy' ? t('accounts.busyInCall') : errorText(result), 'info');
      }),
    [api, t],
  );

  useEffect(() => {
    if (!api || !shown || !accounts) return;
    const onKey = (e: KeyboardEvent) => {
      const mod = isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
      if (!mod || e.altKey || e.shiftKey || !/^[1-9]$/.test(e.key)) return;
      const target = accounts[Number(e.key) - 1];
      if (!target) return;
      e.preventDefault();
      switchTo(target.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, shown, accounts, switchTo]);

  if (!api || !state || !accounts || !shown) return null;

  const label = (account: AccountSummary) => {
    const name = account.displayName ?? t('accounts.newAccount');
    const who = account.serverLabel ? t('accounts.itemLabel', { name, server: account.serverLabel }) : name;
    const parts = [who];
    if (!account.signedIn && account.serverLabel) parts.push(t('accounts.signedOut'));
    if (account.unread > 0) parts.push(t('accounts.unread', { count: account.unread }));
    return parts.join(', ');
  };

  return (
    <nav className="account-rail" aria-label={t('accounts.railLabel')}>
      <ul className="account-rail-list">
        {accounts.map((account, index) => {
          const active = account.id === state.activeId;
          return (
            <li key={account.id} className={active ? 'account-rail-item active' : 'account-rail-item'}>
              <Tooltip.Root>
                <Tooltip.Trigger asChild>
                  <button
                    type="button"
                    className={account.displayName ? 'account-rail-button' : 'account-rail-button unnamed'}
                    aria-label={label(account)}
                    aria-current={active ? 'page' : undefined}
                    data-testid="account-rail-item"
                    onClick={() => switchTo(account.id)}
                    style={{ '--account-bg': avatarColor(account.userId ?? account.id) } as CSSProperties}
                  >
                    {account.displayName ? (
                      <span className="account-rail-initials" aria-hidden="true">
                        {accountInitials(account)}
                      </span>
                    ) : (
                      <UserRound size={20} aria-hidden="true" />
                    )}
                    {account.unread > 0 && (
                      <span className="account-rail-unread" aria-hidden="true">
                        {unreadBadge(account.unread)}
                      </span>
                    )}
                  </button>
                </Tooltip.Trigger>
                <Tooltip.Portal>
                  <Tooltip.Content className="tooltip" side="right" sideOffset={8}>
                    {label(account)}
                    {index < 9 && <span className="tooltip-shortcut">{`${modKey}+${index + 1}`}</span>}
                  </Tooltip.Content>
                </Tooltip.Portal>
              </Tooltip.Root>
            </li>
          );
        })}
      </ul>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <button
            type="button"
            className="account-rail-button account-rail-add"
            aria-label={t('accounts.add')}
            onClick={() => void api.add()}
          >
            <Plus size={20} aria-hidden="true" />
          </button>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content className="tooltip" side="right" sideOffset={8}>
            {t('accounts.add')}
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </nav>
  );
}
