import type { FinishedCall } from './call-registry.js';

/** "3:42" or "1:02:03". */
export function formatCallDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * The plain-text body of a call record. Clients render call messages from the structured
 * `call` field; the body is for clients (and notifications, exports) that only show text.
 */
export function callRecordBody(record: Pick<FinishedCall, 'media' | 'outcome' | 'durationSeconds'>): string {
  const kind = record.media === 'video' ? 'video call' : 'voice call';
  switch (record.outcome) {
    case 'completed':
      return `${kind === 'video call' ? 'Video call' : 'Voice call'} · ${formatCallDuration(record.durationSeconds ?? 0)}`;
    case 'missed':
      return `Missed ${kind}`;
    case 'rejected':
      return `Declined ${kind}`;
    case 'cancelled':
      return `Cancelled ${kind}`;
  }
}
