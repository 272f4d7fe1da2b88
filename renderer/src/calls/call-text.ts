import { t } from '../i18n';
import { callKind } from '../i18n/rules';
import type { CallEndReason, CallState } from '@parley/shared';

/** What the ended screen says, from this device's point of view. */
export function endedText(call: CallState): string {
  const name = call.peer.displayName;
  if (call.error) {
    if (call.error === 'busy' || /busy/i.test(call.error)) return t('calls.busy', { name });
    if (call.error === 'unavailable' || /unavailable|online/i.test(call.error))
      return t('calls.unavailable', { name });
    return call.error;
  }
  const reason: CallEndReason | null = call.endReason;
  const outgoing = call.direction === 'outgoing';
  switch (reason) {
    case 'hangup':
    case null:
      return t('calls.ended');
    case 'rejected':
      return outgoing ? t('calls.declined', { name }) : t('calls.record.declinedShort');
    case 'cancelled':
      return outgoing ? t('calls.cancelled') : t('calls.missedFrom', { name });
    case 'no_answer':
      return outgoing ? t('calls.record.noAnswer') : t('calls.missedFrom', { name });
    case 'answered_elsewhere':
      return t('calls.answeredElsewhere');
    case 'connection_lost':
      return t('calls.connectionLost');
    case 'busy':
      return t('calls.busy', { name });
  }
}

export function mediaLabel(media: 'audio' | 'video'): string {
  return callKind(media);
}
