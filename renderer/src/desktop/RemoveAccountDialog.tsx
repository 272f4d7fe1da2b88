import { useState } from 'react';
import type { AccountSummary } from '@parley/shared';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { t } from '../i18n';
import { useHost } from '../store/hooks';
import { useAccounts } from './accounts-store';

interface RemoveAccountDialogProps {
  account: AccountSummary | null;
  onConfirm: (account: AccountSummary) => void;
  onClose: () => void;
}

/** Confirms removing an account from this computer (sign-out and its stored data deleted). */
export function RemoveAccountDialog({ account, onConfirm, onClose }: RemoveAccountDialogProps) {
  return (
    <ConfirmDialog
      subject={account}
      title={t('accounts.removeTitle')}
      text={t('accounts.removeText', {
        name: account?.displayName ?? t('accounts.newAccount'),
        server: account?.serverLabel ?? '',
      })}
      confirmLabel={t('accounts.removeConfirm')}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );
}

/**
 * On the sign-in screen of a signed-out account among several: remove it instead of signing in
 * again. Nothing for an account that was never signed in (switching away drops it) or elsewhere.
 */
export function RemoveThisAccount() {
  const host = useHost();
  const state = useAccounts(host);
  const [confirming, setConfirming] = useState<AccountSummary | null>(null);
  const active = state?.accounts.find((a) => a.id === state.activeId);
  if (!host.accounts || !state || state.accounts.length < 2 || !active?.serverLabel) return null;
  const api = host.accounts;
  return (
    <>
      <button type="button" className="button-link auth-remove-account" onClick={() => setConfirming(active)}>
        {t('accounts.removeHere')}
      </button>
      <RemoveAccountDialog
        account={confirming}
        onConfirm={(account) => void api.remove(account.id)}
        onClose={() => setConfirming(null)}
      />
    </>
  );
}
