import { describe, expect, it } from 'vitest';
import { applyStatePatch, initialClientState, type ClientState, type StateUpdate } from '@parley/shared';
import { createStatePublisher } from './state-publisher.js';

function setup() {
  let state: ClientState = { ...initialClientState, typing: {} };
  const sent: StateUpdate[] = [];
  const publisher = createStatePublisher({ getSnapshot: () => state, send: (update) => sent.push(update) });
  return {
    publisher,
    sent,
    set: (next: ClientState) => (state = next),
    get state() {
      return state;
    },
  };
}

describe('createStatePublisher', () => {
  it('sends a snapshot first, then numbered patches, and nothing when nothing changed', () => {
    const t = setup();
    t.publisher.push();
    expect(t.sent).toEqual([{ kind: 'snapshot', seq: 1, state: t.state }]);
    t.publisher.push();
    expect(t.sent).toHaveLength(1);
    t.set({ ...t.state, typing: { c1: ['u1'] } });
    t.publisher.push();
    expect(t.sent[1]).toEqual({
      kind: 'patch',
      seq: 2,
      ops: [{ op: 'set', path: ['typing', 'c1'], value: ['u1'] }],
    });
    // A new object with the same contents: nothing to send.
    t.set({ ...t.state });
    t.publisher.push();
    expect(t.sent).toHaveLength(2);
    expect(t.publisher.seq).toBe(2);
  });

  it('sends a snapshot again after reset (a new renderer, a missed patch, another account)', () => {
    const t = setup();
    t.publisher.push();
    t.publisher.reset();
    t.publisher.push();
    expect(t.sent.map((u) => [u.kind, u.seq])).toEqual([
      ['snapshot', 1],
      ['snapshot', 2],
    ]);
  });

  it('a receiver that applies every update ends with the sender state', () => {
    const t = setup();
    let received: ClientState | null = null;
    const apply = (update: StateUpdate) => {
      const copy = structuredClone(update);
      received = copy.kind === 'snapshot' ? copy.state : applyStatePatch(received!, copy.ops);
    };
    t.publisher.push();
    for (let i = 0; i < 20; i++) {
      t.set({
        ...t.state,
        typing: i % 3 === 0 ? {} : { c1: [`u${i}`] },
        reads: { ...t.state.reads, [`c${i}`]: { u: i } },
      });
      t.publisher.push();
    }
    t.sent.forEach(apply);
    expect(received).toEqual(t.state);
  });
});
