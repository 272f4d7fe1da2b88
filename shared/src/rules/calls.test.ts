import { describe, expect, it } from 'vitest';
import { callDurationSeconds, callRecordBody, describeCall } from './calls.js';
import { message } from './test-fixtures.js';

describe('call records', () => {
  const record = (outcome: 'completed' | 'missed' | 'rejected' | 'cancelled', senderId = 'a') =>
    message({
      kind: 'call',
      senderId,
      call: { callId: 'k', media: 'video', outcome, durationSeconds: outcome === 'completed' ? 222 : null },
    });

  it('reads from the viewer side: the callee missed what the caller cancelled', () => {
    expect(describeCall(record('completed'), 'me')).toEqual({ text: 'Video call · 3:42', missed: false });
    expect(describeCall(record('missed'), 'me')).toEqual({ text: 'Missed video call', missed: true });
    expect(describeCall(record('missed', 'me'), 'me')).toEqual({
      text: 'Video call · No answer',
      missed: false,
    });
    const neverRang = record('missed', 'me');
    neverRang.call = { ...neverRang.call!, unavailable: true };
    expect(describeCall(neverRang, 'me').text).toBe('Video call · Unavailable');
    expect(describeCall({ ...neverRang, senderId: 'a' }, 'me').text).toBe('Missed video call');
    expect(describeCall(record('cancelled'), 'me')).toEqual({ text: 'Missed video call', missed: true });
    expect(describeCall(record('cancelled', 'me'), 'me').text).toBe('Cancelled video call');
    expect(describeCall(record('rejected'), 'me').text).toBe('Declined video call');
    expect(describeCall(record('rejected', 'me'), 'me').text).toBe('Video call · Declined');
    expect(describeCall(message({ body: '' }), 'me').text).toBe('Call');
  });

  it('has one neutral body and one duration rule', () => {
    expect(callRecordBody({ media: 'audio', outcome: 'completed', durationSeconds: 3723 })).toBe(
      'Voice call · 1:02:03',
    );
    expect(callRecordBody({ media: 'video', outcome: 'cancelled', durationSeconds: null })).toBe(
      'Cancelled video call',
    );
    expect(callDurationSeconds(1_000, 43_600)).toBe(43);
    expect(callDurationSeconds(1_000, 2_500)).toBe(2);
    expect(callDurationSeconds(5_000, 1_000)).toBe(0);
  });
});
