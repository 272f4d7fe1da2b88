/** Call records and durations: one wording and one way to count seconds, for every side. */
import type { CallRecord, Message } from '../protocol/models.js';
import { formatDuration } from './text.js';

/**
 * A call's duration in whole seconds, rounded: what the server stores in the record, what the
 * ended screen shows, and what the in-call timer ticks (so the three never disagree).
 */
export function callDurationSeconds(startedAt: number, endedAt: number): number {
  return Math.max(0, Math.round((endedAt - startedAt) / 1000));
}

const kindOf = (media: CallRecord['media']): { kind: string; Kind: string } =>
  media === 'video' ? { kind: 'video call', Kind: 'Video call' } : { kind: 'voice call', Kind: 'Voice call' };

/**
 * The neutral text of a call record (the message `body` the server stores, for clients that
 * show only text): "Video call · 3:42", "Missed voice call", "Declined video call",
 * "Cancelled voice call".
 */
export function callRecordBody(record: Pick<CallRecord, 'media' | 'outcome' | 'durationSeconds'>): string {
  const { kind, Kind } = kindOf(record.media);
  switch (record.outcome) {
    case 'completed':
      return `${Kind} · ${formatDuration(record.durationSeconds ?? 0)}`;
    case 'missed':
      return `Missed ${kind}`;
    case 'rejected':
      return `Declined ${kind}`;
    case 'cancelled':
      return `Cancelled ${kind}`;
  }
}

/**
 * A call record as one line from the viewer's side (the record's sender is the caller):
 * "Voice call · 3:42"; the callee sees "Missed video call" for a missed or cancelled call
 * (`missed: true`, shown in red), the caller "Video call · No answer" ("· Unavailable" when it
 * never rang because the callee had no device online) and "Cancelled video
 * call"; a declined call is "Declined video call" for the callee and "Video call · Declined"
 * for the caller. Used in the message list, the conversation preview and notifications.
 */
export function describeCall(
  message: Message,
  meId: string | null | undefined,
): { text: string; missed: boolean } {
  const call = message.call;
  if (!call) return { text: message.body || 'Call', missed: false };
  const { kind, Kind } = kindOf(call.media);
  const outgoing = message.senderId === meId;
  switch (call.outcome) {
    case 'completed':
      return {
        text: call.durationSeconds != null ? `${Kind} · ${formatDuration(call.durationSeconds)}` : Kind,
        missed: false,
      };
    case 'missed':
      return outgoing
        ? { text: `${Kind} · ${call.unavailable ? 'Unavailable' : 'No answer'}`, missed: false }
        : { text: `Missed ${kind}`, missed: true };
    case 'rejected':
      return { text: outgoing ? `${Kind} · Declined` : `Declined ${kind}`, missed: false };
    case 'cancelled':
      return outgoing
        ? { text: `Cancelled ${kind}`, missed: false }
        : { text: `Missed ${kind}`, missed: true };
  }
}
