import { Check, CheckCheck, CircleAlert, Clock } from 'lucide-react';
import type { MessageStatus } from '@parley/shared';
import { t } from '../i18n';

export type ReadState = 'pending' | 'sent' | 'read' | 'failed';

export function readStateOf(status: MessageStatus, read: boolean): ReadState {
  if (status === 'failed') return 'failed';
  if (status === 'pending') return 'pending';
  return read ? 'read' : 'sent';
}

/** The tick (or clock, or alert) after the time of one of our messages. */
export function StatusIcon({ state, seenBy }: { state: ReadState; seenBy: string | null }) {
  const label =
    state === 'read' && seenBy ? t('messages.seenBy', { names: seenBy }) : t(`messages.status.${state}`);
  const icon =
    state === 'pending' ? (
      <Clock size={13} strokeWidth={2.25} />
    ) : state === 'sent' ? (
      <Check size={15} strokeWidth={2.25} />
    ) : state === 'read' ? (
      <CheckCheck size={15} strokeWidth={2.25} />
    ) : (
      <CircleAlert size={14} strokeWidth={2.25} />
    );
  return (
    <span className={`msg-status ${state}`} role="img" aria-label={label} title={label} data-status={state}>
      {icon}
    </span>
  );
}
