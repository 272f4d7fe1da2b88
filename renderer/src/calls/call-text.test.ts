import { describe, expect, it } from 'vitest';
import type { CallState } from '@parley/shared';
import { endedText } from './call-text';

const base: CallState = {
  callId: 'c1',
  conversationId: 'conv',
  media: 'video',
  phase: 'ended',
  direction: 'outgoing',
  peer: { id: 'u2', username: 'bob', displayName: 'Bob' },
  initiator: true,
  startedAt: null,
  endReason: null,
  error: null,
};

describe('endedText', () => {
  it('says why the call ended from this side’s point of view', () => {
    expect(endedText({ ...base, endReason: 'rejected' })).toBe('Bob declined');
    expect(endedText({ ...base, endReason: 'no_answer' })).toBe('No answer');
    expect(endedText({ ...base, direction: 'incoming', endReason: 'no_answer' })).toBe(
      'Missed call from Bob',
    );
    expect(endedText({ ...base, direction: 'incoming', endReason: 'cancelled' })).toBe(
      'Missed call from Bob',
    );
    expect(endedText({ ...base, endReason: 'connection_lost' })).toBe('Connection lost');
    expect(endedText({ ...base, endReason: 'answered_elsewhere' })).toBe('Answered on another device');
    expect(endedText({ ...base, endReason: 'hangup' })).toBe('Call ended');
  });

  it('explains calls that could not start', () => {
    expect(endedText({ ...base, error: 'busy', endReason: 'busy' })).toBe('Bob is busy');
    expect(endedText({ ...base, error: 'unavailable' })).toBe('Bob is unavailable');
  });
});
