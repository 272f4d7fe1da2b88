import * as Dialog from '@radix-ui/react-dialog';
import type { MessageView } from '@parley/shared';
import { quoteText } from './actions';
import { t } from '../i18n';

interface DeleteMessageDialogProps {
  message: MessageView | null;
  /** Someone else's message, deleted as a group admin. */
  asAdmin: boolean;
  onConfirm: (message: MessageView) => void;
  onClose: () => void;
}

/** Confirms deleting a message for everyone; Radix traps focus and gives it back on close. */
export function DeleteMessageDialog({ message, asAdmin, onConfirm, onClose }: DeleteMessageDialogProps) {
  return (
    <Dialog.Root open={message !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-small" role="alertdialog">
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('messages.deleteTitle')}</Dialog.Title>
          </div>
          <div className="dialog-body">
            <Dialog.Description className="dialog-text">
              {asAdmin ? t('messages.deleteAsAdmin') : t('messages.deleteForEveryone')}
            </Dialog.Description>
            {message && <blockquote className="dialog-quote">{quoteText(message.body, 160)}</blockquote>}
            <div className="dialog-footer dialog-footer-end">
              <Dialog.Close className="button">{t('common.cancel')}</Dialog.Close>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  if (message) onConfirm(message);
                  onClose();
                }}
              >
                {t('common.delete')}
              </button>
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
