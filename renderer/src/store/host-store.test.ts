import { describe, expect, it, vi } from 'vitest';
import {
  diffState,
  initialClientState,
  type ClientState,
  type Conversation,
  type ParleyHost,
  type StateUpdate,
} from '@parley/shared';
import { createHostStore } from './host-store';
import { shareStructure } from './share-structure';

const member = (id: string) => ({ id, username: id, displayName: id.toUpperCase() });
const conversation = (id: string, unreadCount = 0) =>
  ({
    id,
    type: 'direct',
    title: null,
    members: [member('me'), member(id)],
    lastSeq: 3,
    readSeq: 3 - unreadCount,
    unreadCount,
  }) as unknown as Conversation;
const message = (seq: number) => ({ id: `m${seq}`, seq, body: `hello ${seq}`, status: 'sent' });

function signedIn(): ClientState {
  return {
    ...initialClientState,
    session: { status: 'signed-in', serverUrl: 'http://x', user: member('me') },
    conversations: [conversation('a'), conversation('b')],
    messages: { a: { items: [message(1), message(2)], hasOlder: false, loadingOlder: false } },
  } as unknown as ClientState;
}

/** What arrives over IPC: a deep copy, no object shared with the last one. */
const copy = <T>(value: T): T => structuredClone(value);

describe('shareStructure', () => {
  it('returns the previous object when the new one is deep-equal', () => {
    const prev = signedIn();
    expect(shareStructure(prev, copy(prev))).toBe(prev);
  });

  it('keeps unchanged branches and replaces only the changed path', () => {
    const prev = signedIn();
    const next = copy(prev);
    next.typing = { a: ['a'] };
    const shared = shareStructure(prev, next);
    expect(shared).not.toBe(prev);
    expect(shared).toEqual(next);
    expect(shared.messages).toBe(prev.messages);
    expect(shared.conversations).toBe(prev.conversations);
    expect(shared.session).toBe(prev.session);
    expect(shared.typing).toEqual({ a: ['a'] });
  });

  it('matches items with an id by id, so a reordered list keeps its objects', () => {
    const prev = signedIn();
    const next = copy(prev);
    next.conversations = [{ ...next.conversations[1]!, unreadCount: 1 }, next.conversations[0]!];
    const shared = shareStructure(prev, next);
    expect(shared.conversations[1]).toBe(prev.conversations[0]);
    expect(shared.conversations[0]).not.toBe(prev.conversations[1]);
    expect(shared.conversations[0]!.members).toBe(prev.conversations[1]!.members);
    expect(shared.conversations[0]!.unreadCount).toBe(1);
  });

  it('keeps old messages when one is appended', () => {
    const prev = signedIn();
    const next = copy(prev);
    next.messages.a!.items.push(message(3) as never);
    const shared = shareStructure(prev, next);
    expect(shared.messages.a!.items).toHaveLength(3);
    expect(shared.messages.a!.items[0]).toBe(prev.messages.a!.items[0]);
    expect(shared.messages.a!.items[2]).toEqual(message(3));
  });

  it('drops keys that went away and takes primitives and null from the new state', () => {
    expect(shareStructure({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(shareStructure({ call: { id: 'x' } }, { call: null })).toEqual({ call: null });
    expect(shareStructure([1, 2], [1, 2, 3])).toEqual([1, 2, 3]);
  });
});

describe('createHostStore', () => {
  /** A host like the desktop one: every update arrives as a copy (structured clone). */
  function pushingHost() {
    let listener: ((update: unknown) => void) | null = null;
    let seq = 0;
    const resyncs = vi.fn(async () => {});
    const host = {
      resyncState: resyncs,
      onState: (l: (update: unknown) => void) => {
        listener = l;
        return () => {};
      },
    } as unknown as ParleyHost;
    const send = (update: unknown) => listener?.(copy(update));
    return {
      host,
      resyncs,
      send,
      push: (state: ClientState) => send({ kind: 'snapshot', seq: ++seq, state }),
      patch: (prev: ClientState, next: ClientState, at = seq + 1) => {
        seq = at;
        send({ kind: 'patch', seq, ops: diffState(prev, next) } satisfies StateUpdate);
      },
    };
  }

  it('asks for a snapshot on start and is ready with it', () => {
    const { host, push, resyncs } = pushingHost();
    const store = createHostStore(host);
    expect(resyncs).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().ready).toBe(false);
    push(signedIn());
    expect(store.getSnapshot()).toEqual({ ready: true, state: signedIn() });
  });

  it('applies patches, keeping every part they do not touch', () => {
    const { host, push, patch } = pushingHost();
    const store = createHostStore(host);
    const first = signedIn();
    push(first);
    const before = store.getSnapshot().state;
    const typing = { ...first, typing: { a: ['a'] } };
    patch(first, typing);
    const afterTyping = store.getSnapshot().state;
    expect(afterTyping).toEqual(typing);
    expect(afterTyping.messages).toBe(before.messages);
    expect(afterTyping.conversations).toBe(before.conversations);
    const window = first.messages.a!;
    const appended = {
      ...typing,
      messages: { ...typing.messages, a: { ...window, items: [...window.items, message(3)] } },
    } as unknown as ClientState;
    patch(typing, appended);
    const afterMessage = store.getSnapshot().state;
    expect(afterMessage).toEqual(appended);
    expect(afterMessage.messages.a!.items[0]).toBe(before.messages.a!.items[0]);
    expect(afterMessage.messages.a!.items[1]).toBe(before.messages.a!.items[1]);
    expect(afterMessage.typing).toBe(afterTyping.typing);
  });

  it('drops patches after a missed one and asks for a snapshot', () => {
    const error = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { host, push, patch, resyncs } = pushingHost();
    const store = createHostStore(host);
    const first = signedIn();
    push(first);
    const second = { ...first, typing: { a: ['a'] } };
    patch(first, second, 5);
    expect(store.getSnapshot().state).toEqual(first);
    expect(resyncs).toHaveBeenCalledTimes(2);
    // Until the snapshot arrives, later patches have nothing to apply to.
    patch(second, { ...second, typing: {} });
    expect(store.getSnapshot().state).toEqual(first);
    expect(resyncs).toHaveBeenCalledTimes(2);
    push(second);
    expect(store.getSnapshot().state).toEqual(second);
    error.mockRestore();
  });

  it('asks for a snapshot when a patch does not fit or does not parse', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { host, push, send, resyncs } = pushingHost();
    const store = createHostStore(host);
    push(signedIn());
    send({ kind: 'patch', seq: 2, ops: [{ op: 'list', path: ['session'], runs: [] }] });
    expect(resyncs).toHaveBeenCalledTimes(2);
    push(signedIn());
    send({ kind: 'patch', seq: 4, ops: [{ op: 'set', path: ['__proto__'], value: {} }] });
    send({ kind: 'mystery' });
    expect(resyncs).toHaveBeenCalledTimes(4);
    expect(store.getSnapshot().state).toEqual(signedIn());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    error.mockRestore();
  });

  it('a typing change pushed as a full copy keeps the message windows and conversations', () => {
    const { host, push } = pushingHost();
    const store = createHostStore(host);
    const state = signedIn();
    push(state);
    const first = store.getSnapshot().state;
    push({ ...state, typing: { a: ['a'] } });
    const second = store.getSnapshot().state;
    expect(second.typing).toEqual({ a: ['a'] });
    expect(second.messages).toBe(first.messages);
    expect(second.conversations).toBe(first.conversations);
  });

  it('does not notify for a push equal to the current state', () => {
    const { host, push } = pushingHost();
    const store = createHostStore(host);
    let notified = 0;
    store.subscribe(() => notified++);
    push(signedIn());
    push(signedIn());
    expect(notified).toBe(1);
  });
});
