import { describe, expect, it } from 'vitest';
import { initialClientState, type ClientState, type Conversation, type ParleyHost } from '@parley/shared';
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
  function pushingHost() {
    let listener: ((state: ClientState) => void) | null = null;
    const host = {
      getState: () => new Promise<ClientState>(() => {}),
      onState: (l: (state: ClientState) => void) => {
        listener = l;
        return () => {};
      },
    } as unknown as ParleyHost;
    return { host, push: (state: ClientState) => listener?.(copy(state)) };
  }

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
