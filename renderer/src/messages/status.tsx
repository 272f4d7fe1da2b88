import { Check, CheckCheck, CircleAlert, Clock } from 'lucide-react';
import type { MessageStatus } from '@parley/shared';

export type ReadState = 'pending' | 'sent' | 'read' | 'failed';

export function readStateOf(status: MessageStatus, read: boolean): ReadState {
  if (status === 'failed') return 'failed';
  if (status === 'pending') return 'pending';
  return read ? 'read' : 'sent';
}

const STATUS_LABEL: Record<ReadState, string> = {
  pending: 'Sending',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
};

/** The tick (or clock, or alert) after the time of one of our messages. */
export function StatusIcon({ state, seenBy }: { state: ReadState; seenBy: string | null }) {
  const label = state === 'read' && seenBy ? `Seen by ${seenBy}` : STATUS_LABEL[state];
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
