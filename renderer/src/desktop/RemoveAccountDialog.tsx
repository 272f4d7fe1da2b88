import { useState } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import type { AccountSummary } from '@parley/shared';
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
    <Dialog.Root open={account !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-small" role="alertdialog">
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('accounts.removeTitle')}</Dialog.Title>
          </div>
          <div className="dialog-body">
            <Dialog.Description className="dialog-text">
              {t('accounts.removeText', {
                name: account?.displayName ?? t('accounts.newAccount'),
                server: account?.serverLabel ?? '',
              })}
            </Dialog.Description>
            <div className="dialog-footer dialog-footer-end">
              <Dialog.Close className="button">{t('common.cancel')}</Dialog.Close>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  if (account) onConfirm(account);
                  onClose();
                }}
              >
                {t('accounts.removeConfirm')}
              </button>
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
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
