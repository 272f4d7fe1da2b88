import type { CallEndReason, CallState } from '@parley/shared';

/** What the ended screen says, from this device's point of view. */
export function endedText(call: CallState): string {
  const name = call.peer.displayName;
  if (call.error) {
    if (call.error === 'busy' || /busy/i.test(call.error)) return `${name} is busy`;
    if (call.error === 'unavailable' || /unavailable|online/i.test(call.error))
      return `${name} is unavailable`;
    return call.error;
  }
  const reason: CallEndReason | null = call.endReason;
  const outgoing = call.direction === 'outgoing';
  switch (reason) {
    case 'hangup':
    case null:
      return 'Call ended';
    case 'rejected':
      return outgoing ? `${name} declined` : 'Declined';
    case 'cancelled':
      return outgoing ? 'Call cancelled' : `Missed call from ${name}`;
    case 'no_answer':
      return outgoing ? 'No answer' : `Missed call from ${name}`;
    case 'answered_elsewhere':
      return 'Answered on another device';
    case 'connection_lost':
      return 'Connection lost';
    case 'busy':
      return `${name} is busy`;
  }
}

export function mediaLabel(media: 'audio' | 'video'): string {
  return media === 'video' ? 'Video call' : 'Voice call';
}
