import type { MessageView } from '@parley/shared';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { quoteText } from './actions';
import { t } from '../i18n';

interface DeleteMessageDialogProps {
  message: MessageView | null;
  /** Someone else's message, deleted as a group admin. */
  asAdmin: boolean;
  onConfirm: (message: MessageView) => void;
  onClose: () => void;
}

/** Confirms deleting a message for everyone, quoting it. */
export function DeleteMessageDialog({ message, asAdmin, onConfirm, onClose }: DeleteMessageDialogProps) {
  return (
    <ConfirmDialog
      subject={message}
      title={t('messages.deleteTitle')}
      text={asAdmin ? t('messages.deleteAsAdmin') : t('messages.deleteForEveryone')}
      confirmLabel={t('common.delete')}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {message && <blockquote className="dialog-quote">{quoteText(message.body, 160)}</blockquote>}
    </ConfirmDialog>
  );
}
