import { describe, expect, it, vi } from 'vitest';
import type { CallState } from '@parley/shared/client';
import { bob } from '../test/fixtures.js';
import { CallWatch } from './call-watch.js';

const call = (overrides: Partial<CallState> = {}): CallState => ({
  callId: 'k1',
  conversationId: 'c-direct',
  media: 'video',
  phase: 'incoming',
  direction: 'incoming',
  peer: bob,
  initiator: false,
  startedAt: null,
  endReason: null,
  error: null,
  ...overrides,
});

function watch() {
  const deps = { setActive: vi.fn(), stoppedRinging: vi.fn(), missed: vi.fn() };
  return { deps, watch: new CallWatch(deps) };
}

describe('CallWatch', () => {
  it('keeps the display awake only while a call is active', () => {
    const { deps, watch: w } = watch();
    w.update(call());
    expect(deps.setActive).not.toHaveBeenCalled();
    w.update(call({ phase: 'active', startedAt: 1 }));
    w.update(call({ phase: 'active', startedAt: 1 }));
    expect(deps.setActive.mock.calls).toEqual([[true]]);
    w.update(call({ phase: 'ended', startedAt: 1, endReason: 'hangup' }));
    w.update(null);
    expect(deps.setActive.mock.calls).toEqual([[true], [false]]);
    expect(deps.missed).not.toHaveBeenCalled();
  });

  it('notes a missed call when the caller gives up or nobody answers', () => {
    for (const endReason of ['cancelled', 'no_answer'] as const) {
      const { deps, watch: w } = watch();
      w.update(call());
      w.update(call({ phase: 'ended', endReason }));
      expect(deps.stoppedRinging).toHaveBeenCalledWith('k1');
      expect(deps.missed).toHaveBeenCalledWith({
        kind: 'summary',
        conversationId: 'c-direct',
        title: 'Missed call',
        body: 'Missed video call from Bob',
      });
    }
  });

  it('does not call declined, answered-elsewhere or answered calls missed', () => {
    for (const next of [
      call({ phase: 'ended', endReason: 'rejected' }),
      call({ phase: 'ended', endReason: 'answered_elsewhere' }),
      call({ phase: 'active', startedAt: 1 }),
      null,
    ]) {
      const { deps, watch: w } = watch();
      w.update(call());
      w.update(next);
      expect(deps.stoppedRinging).toHaveBeenCalledWith('k1');
      expect(deps.missed).not.toHaveBeenCalled();
    }
  });
});
