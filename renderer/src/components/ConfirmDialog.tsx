import type { ReactNode } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { t } from '../i18n';

interface ConfirmDialogProps<T> {
  /** What is being confirmed; null keeps the dialog closed. */
  subject: T | null;
  title: string;
  text: string;
  /** Shown under the text (a quote of the message, say). */
  children?: ReactNode;
  confirmLabel: string;
  onConfirm: (subject: T) => void;
  onClose: () => void;
}

/**
 * A destructive action's confirmation: Cancel, or the red button. Radix traps focus and gives
 * it back on close.
 */
export function ConfirmDialog<T>({
  subject,
  title,
  text,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: ConfirmDialogProps<T>) {
  return (
    <Dialog.Root open={subject !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-small" role="alertdialog">
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          </div>
          <div className="dialog-body">
            <Dialog.Description className="dialog-text">{text}</Dialog.Description>
            {children}
            <div className="dialog-footer dialog-footer-end">
              <Dialog.Close className="button">{t('common.cancel')}</Dialog.Close>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  if (subject !== null) onConfirm(subject);
                  onClose();
                }}
              >
                {confirmLabel}
              </button>
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
