import { describe, expect, it } from 'vitest';
import { initialClientState, type ClientState, type Conversation, type MessageView } from './index.js';
import { StatePatchError, applyStatePatch, diffState, stateUpdateSchema } from './state-patch.js';

const conversation = (id: string, lastSeq = 1) =>
  ({
    id,
    type: 'group',
    title: id,
    members: [],
    lastSeq,
    readSeq: lastSeq,
    unreadCount: 0,
  }) as unknown as Conversation;
const message = (seq: number) =>
  ({ id: `m${seq}`, seq, body: `hi ${seq}`, status: 'sent' }) as unknown as MessageView;

function base(): ClientState {
  return {
    ...initialClientState,
    conversations: Array.from({ length: 50 }, (_, i) => conversation(`c${i}`)),
    messages: { c0: { items: [message(1), message(2)], hasOlder: false, loadingOlder: false } },
    presence: { u1: { online: true, lastSeenAt: null } },
    reads: { c0: { u1: 1 } },
  };
}

/** What crosses IPC: a structured clone, so nothing is shared with the sender's objects. */
const overIpc = <T>(value: T): T => structuredClone(value);

function roundTrip(prev: ClientState, next: ClientState) {
  const ops = diffState(prev, next);
  const receiverPrev = overIpc(prev);
  const applied = applyStatePatch(receiverPrev, overIpc(ops));
  return { ops, applied, receiverPrev };
}

describe('diffState and applyStatePatch', () => {
  it('round trip: the patched state equals the new one, for every kind of change', () => {
    const prev = base();
    const window = prev.messages.c0!;
    const moved = { ...prev.conversations[7]!, lastSeq: 2 };
    const next: ClientState = {
      ...prev,
      // A message moves its conversation to the top; a new one appears at the end.
      conversations: [moved, ...prev.conversations.filter((c) => c.id !== 'c7'), conversation('new')],
      // Appended, and an older page loaded in front of another window.
      messages: {
        ...prev.messages,
        c0: { ...window, items: [...window.items, message(3)] },
        c1: { items: [message(1)], hasOlder: true, loadingOlder: false },
      },
      presence: {},
      reads: { c0: { u1: 2, u2: 1 } },
      typing: { c0: ['u1'] },
      connection: { ...prev.connection, status: 'reconnecting', attempt: 1 },
      call: null,
    };
    const { applied } = roundTrip(prev, next);
    expect(applied).toEqual(next);
    expect(diffState(prev, prev)).toEqual([]);
  });

  it('describes a change by what changed: an appended message is one run and one item', () => {
    const prev = base();
    const window = prev.messages.c0!;
    const next = {
      ...prev,
      messages: { ...prev.messages, c0: { ...window, items: [...window.items, message(3)] } },
    };
    expect(diffState(prev, next)).toEqual([
      {
        op: 'list',
        path: ['messages', 'c0', 'items'],
        runs: [{ from: 0, count: 2 }, { items: [message(3)] }],
      },
    ]);
    const moved = { ...prev.conversations[30]!, lastSeq: 9 };
    const reordered = {
      ...prev,
      conversations: [moved, ...prev.conversations.filter((c) => c !== prev.conversations[30])],
    };
    expect(diffState(prev, reordered)).toEqual([
      {
        op: 'list',
        path: ['conversations'],
        runs: [{ items: [moved] }, { from: 0, count: 30 }, { from: 31, count: 19 }],
      },
    ]);
    const { typing: _typing, ...withoutTyping } = prev;
    expect(diffState(prev, withoutTyping as ClientState)).toEqual([{ op: 'delete', path: ['typing'] }]);
  });

  it('keeps the identity of every part a patch does not touch', () => {
    const prev = base();
    const window = prev.messages.c0!;
    const next = {
      ...prev,
      typing: { c0: ['u1'] },
      messages: { ...prev.messages, c0: { ...window, items: [...window.items, message(3)] } },
    };
    const { applied, receiverPrev } = roundTrip(prev, next);
    expect(applied.conversations).toBe(receiverPrev.conversations);
    expect(applied.presence).toBe(receiverPrev.presence);
    expect(applied.session).toBe(receiverPrev.session);
    expect(applied.messages.c0!.items[0]).toBe(receiverPrev.messages.c0!.items[0]);
    expect(applied.messages.c0!.items[1]).toBe(receiverPrev.messages.c0!.items[1]);
    // The state it was applied to is left as it was.
    expect(receiverPrev.messages.c0!.items).toHaveLength(2);
    expect(receiverPrev.typing).toEqual({});
  });

  it('hands set values to the share function with the value they replace', () => {
    const prev = base();
    const next = { ...prev, presence: { ...prev.presence, u1: { online: true, lastSeenAt: null } } };
    const receiverPrev = overIpc(prev);
    const applied = applyStatePatch(receiverPrev, overIpc(diffState(prev, next)), {
      share: (old, value) => (JSON.stringify(old) === JSON.stringify(value) ? old : value),
    });
    expect(applied.presence.u1).toBe(receiverPrev.presence.u1);
  });

  it('refuses a patch that does not fit the state', () => {
    const prev = base();
    expect(() => applyStatePatch(prev, [{ op: 'list', path: ['session'], runs: [] }])).toThrow(
      StatePatchError,
    );
    expect(() =>
      applyStatePatch(prev, [{ op: 'list', path: ['conversations'], runs: [{ from: 40, count: 20 }] }]),
    ).toThrow(StatePatchError);
    expect(() => applyStatePatch(prev, [{ op: 'set', path: ['nothing', 'here'], value: 1 }])).toThrow(
      StatePatchError,
    );
    expect(() =>
      applyStatePatch(prev, [{ op: 'set', path: ['__proto__'], value: { polluted: true } }]),
    ).toThrow(StatePatchError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('stateUpdateSchema', () => {
  it('takes snapshots and patches and nothing else', () => {
    expect(stateUpdateSchema.safeParse({ kind: 'snapshot', seq: 1, state: base() }).success).toBe(true);
    const ops = diffState(base(), { ...base(), typing: { c0: ['u1'] } });
    expect(stateUpdateSchema.safeParse({ kind: 'patch', seq: 2, ops }).success).toBe(true);
    for (const bad of [
      { kind: 'patch', seq: -1, ops },
      { kind: 'patch', seq: 2, ops: [{ op: 'set', path: [], value: 1 }] },
      { kind: 'patch', seq: 2, ops: [{ op: 'set', path: ['__proto__'], value: 1 }] },
      { kind: 'patch', seq: 2, ops: [{ op: 'list', path: ['a'], runs: [{ from: 0 }] }] },
      { kind: 'snapshot', seq: 1, state: 'everything' },
      { kind: 'other', seq: 1 },
    ])
      expect(stateUpdateSchema.safeParse(bad).success).toBe(false);
  });
});

describe('list diff', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `i${i}` }));
  const apply = (prev: unknown[], next: unknown[]) => {
    const state = { ...initialClientState, notices: prev } as unknown as ClientState;
    const ops = diffState(state, { ...state, notices: next } as unknown as ClientState);
    return { ops, out: applyStatePatch(state, ops).notices as unknown[] };
  };

  it('finds kept items anywhere, also after many new ones (a shuffle, a sort)', () => {
    const prev = items(100);
    const fresh = items(40).map((item) => ({ ...item, fresh: true }));
    const next = [...fresh, ...[...prev].reverse(), ...fresh.slice(0, 3)];
    const { out } = apply(prev, next);
    expect(out).toEqual(next);
    // Every old item keeps its identity.
    for (const item of prev) expect(out).toContain(item);
    expect(out.filter((item) => prev.includes(item as never))).toHaveLength(100);
  });

  it('handles primitives, removals and an emptied list', () => {
    expect(apply(['a', 'b', 'c'], ['c', 'a', 'd']).out).toEqual(['c', 'a', 'd']);
    expect(apply(['a', 'b', 'c'], ['a', 'c']).out).toEqual(['a', 'c']);
    expect(apply(['a'], []).out).toEqual([]);
    expect(apply([], ['a']).out).toEqual(['a']);
  });
});

describe('list diff ends', () => {
  it('keeps a common head and tail as runs and sends nothing for an equal copy', () => {
    const prev = Array.from({ length: 10 }, (_, i) => ({ id: `i${i}` }));
    const state = { ...initialClientState, notices: prev } as unknown as ClientState;
    const changed = { id: 'changed' };
    const next = [...prev.slice(0, 4), changed, ...prev.slice(5)];
    expect(diffState(state, { ...state, notices: next } as unknown as ClientState)).toEqual([
      {
        op: 'list',
        path: ['notices'],
        runs: [{ from: 0, count: 4 }, { items: [changed] }, { from: 5, count: 5 }],
      },
    ]);
    expect(diffState(state, { ...state, notices: [...prev] } as unknown as ClientState)).toEqual([]);
    // The same item at both ends of a short list is counted once.
    const one = [{ id: 'a' }];
    const twice = { ...initialClientState, notices: one } as unknown as ClientState;
    const out = applyStatePatch(
      twice,
      diffState(twice, { ...twice, notices: [...one, ...one] } as unknown as ClientState),
    );
    expect(out.notices).toEqual([one[0], one[0]]);
  });

  it('finds deleted keys in a map it walked before (key counts cached)', () => {
    const a = { ...initialClientState, reads: { c1: { u: 1 }, c2: { u: 2 } } };
    const b = { ...a, reads: { ...a.reads, c3: { u: 3 } } };
    const { c1: _gone, ...rest } = b.reads;
    const c = { ...b, reads: { ...rest, c4: { u: 4 } } };
    expect(applyStatePatch(a, diffState(a, b))).toEqual(b);
    expect(diffState(b, c)).toContainEqual({ op: 'delete', path: ['reads', 'c1'] });
    expect(applyStatePatch(b, diffState(b, c))).toEqual(c);
  });
});
