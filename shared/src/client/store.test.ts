import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../protocol/models.js';
import type { OutboxEntry } from './outbox.js';
import { initialClientState, type ClientState } from './state.js';
import {
  applyMessageToConversation,
  applyRead,
  heldSeq,
  mergeStoredMessages,
  newWindow,
  presenceFromConversations,
  readsFromMessages,
  replaceConversation,
  setLocalTail,
  setReadReceipts,
  setTypingUser,
  setWindow,
} from './state-updates.js';
import { createStore } from './store.js';

const ME = 'me';
const OTHER = 'other';

function msg(
  seq: number,
  senderId = OTHER,
  conversationId = 'c1',
  clientId = `cid-${conversationId}-${seq}`,
): Message {
  return {
    id: `m-${conversationId}-${seq}`,
    conversationId,
    seq,
    senderId,
    clientId,
    kind: 'text',
    body: `message ${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  };
}

function conv(id: string, lastSeq: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    type: 'direct',
    members: [
      { id: ME, username: 'me', displayName: 'Me' },
      { id: OTHER, username: 'other', displayName: 'Other' },
    ],
    lastMessage: lastSeq > 0 ? msg(lastSeq, OTHER, id) : null,
    lastSeq,
    readSeq: 0,
    unreadCount: lastSeq,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function pending(clientId: string, conversationId = 'c1'): OutboxEntry {
  return {
    clientId,
    conversationId,
    body: 'hi',
    createdAt: '2026-01-01T01:00:00.000Z',
    status: 'pending',
    error: null,
  };
}

describe('store', () => {
  it('notifies once per microtask for a burst of updates and not at all for no-ops', async () => {
    const store = createStore<ClientState>(initialClientState);
    let calls = 0;
    store.subscribe(() => calls++);
    store.update((s) => s);
    await Promise.resolve();
    expect(calls).toBe(0);
    for (let i = 1; i <= 50; i++)
      store.update((s) => ({ ...s, catchUp: { active: true, done: i, total: 50 } }));
    expect(store.getSnapshot().catchUp.done).toBe(50);
    await Promise.resolve();
    expect(calls).toBe(1);
  });

  it('keeps notifying the other listeners when one throws, and unsubscribes', async () => {
    const store = createStore({ n: 0 });
    const seen: number[] = [];
    store.subscribe(() => {
      throw new Error('listener bug');
    });
    const off = store.subscribe(() => seen.push(store.getSnapshot().n));
    store.update(() => ({ n: 1 }));
    await Promise.resolve();
    off();
    store.update(() => ({ n: 2 }));
    await Promise.resolve();
    expect(seen).toEqual([1]);
  });
});

describe('immutable state updates', () => {
  it('a new message replaces only the objects along its path', () => {
    const c1 = conv('c1', 2);
    const c2 = conv('c2', 1);
    let state: ClientState = {
      ...initialClientState,
      conversations: [c2, c1],
      messages: { c1: newWindow([msg(1), msg(2)], [], ME), c2: newWindow([msg(1, OTHER, 'c2')], [], ME) },
    };
    const before = state;
    const merged = mergeStoredMessages(state.messages.c1!, [msg(3)], ME);
    state = setWindow(state, 'c1', merged.window);
    state = replaceConversation(state, applyMessageToConversation(c1, msg(3), ME));

    expect(state).not.toBe(before);
    expect(state.messages).not.toBe(before.messages);
    expect(state.messages.c1).not.toBe(before.messages.c1);
    expect(state.messages.c1!.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    // Untouched branches keep their identity.
    expect(state.messages.c2).toBe(before.messages.c2);
    expect(state.messages.c1!.items[0]).toBe(before.messages.c1!.items[0]);
    expect(state.presence).toBe(before.presence);
    expect(state.typing).toBe(before.typing);
    expect(state.connection).toBe(before.connection);
    // The conversation with new activity moved to the top; the other is the same object.
    expect(state.conversations.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(state.conversations[1]).toBe(c2);
    expect(state.conversations[0]!.unreadCount).toBe(3);
    // The old snapshot is unchanged.
    expect(before.messages.c1!.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(before.conversations[1]!.unreadCount).toBe(2);
  });

  it('returns the very same objects when nothing changes', () => {
    const window = newWindow([msg(1), msg(2)], [pending('p1')], ME);
    expect(mergeStoredMessages(window, [msg(1), msg(2)], ME).window).toBe(window);
    expect(setLocalTail(window, [pending('p1')], ME)).toBe(window);
    const c = conv('c1', 2);
    expect(applyMessageToConversation(c, msg(2), ME)).toBe(c);
    expect(applyMessageToConversation(c, msg(1), ME)).toBe(c);
    expect(applyRead(c, window, 0, ME)).toBe(c);
    const state = { ...initialClientState, conversations: [c] };
    expect(setTypingUser(state, 'c1', OTHER, false)).toBe(state);
    expect(replaceConversation(state, c)).toBe(state);
  });

  it('deduplicates by seq, sorts, and replaces our pending copy by the stored message', () => {
    const window = newWindow([msg(1), msg(2)], [pending('p1'), pending('p2')], ME);
    expect(window.items.map((m) => `${m.seq}:${m.status}`)).toEqual([
      '1:sent',
      '2:sent',
      '0:pending',
      '0:pending',
    ]);
    const mine = msg(4, ME, 'c1', 'p1');
    const { window: next, inserted } = mergeStoredMessages(
      window,
      [mine, msg(3), msg(2), msg(4, ME, 'c1', 'p1')],
      ME,
    );
    expect(inserted.map((m) => m.seq).sort()).toEqual([3, 4]);
    expect(next.items.map((m) => `${m.seq}:${m.status}:${m.clientId}`)).toEqual([
      '1:sent:cid-c1-1',
      '2:sent:cid-c1-2',
      '3:sent:cid-c1-3',
      '4:sent:p1',
      '0:pending:p2',
    ]);
  });

  it('knows the highest seq held without a hole', () => {
    expect(heldSeq(undefined)).toBe(0);
    expect(heldSeq(newWindow([], [], ME))).toBe(0);
    expect(heldSeq(newWindow([msg(5), msg(6), msg(7)], [pending('x')], ME))).toBe(7);
    expect(heldSeq(newWindow([msg(5), msg(6), msg(9)], [], ME))).toBe(6);
  });

  it('counts only messages of others as unread, once each, and clears them on read', () => {
    let c = conv('c1', 0, { unreadCount: 0 });
    c = applyMessageToConversation(c, msg(1), ME);
    c = applyMessageToConversation(c, msg(2, ME), ME);
    c = applyMessageToConversation(c, msg(3), ME);
    c = applyMessageToConversation(c, msg(3), ME);
    expect(c.unreadCount).toBe(2);
    const window = newWindow([msg(1), msg(2, ME), msg(3)], [], ME);
    expect(applyRead(c, window, 1, ME).unreadCount).toBe(1);
    expect(applyRead(c, undefined, 3, ME).unreadCount).toBe(0);
  });
});

describe('presence and receipts derived from what arrives', () => {
  it('a sender has read up to their own message; never backwards, never for me', () => {
    let s: ClientState = initialClientState;
    s = readsFromMessages(s, 'c1', [msg(2), msg(5), msg(3)], ME);
    expect(s.reads).toEqual({ c1: { [OTHER]: 5 } });
    expect(readsFromMessages(s, 'c1', [msg(4), msg(6, ME)], ME)).toBe(s);
  });

  it('many receipts at once: one copy of the maps, untouched conversations keep their identity', () => {
    let s: ClientState = initialClientState;
    s = setReadReceipts(s, [
      { conversationId: 'c1', userId: OTHER, seq: 3 },
      { conversationId: 'c2', userId: OTHER, seq: 7 },
    ]);
    const before = s;
    // 1,000 conversations' receipts in one batch (a whole list at start), some stale.
    const receipts = Array.from({ length: 1000 }, (_, i) => ({
      conversationId: `n${i}`,
      userId: i % 2 ? OTHER : 'third',
      seq: i + 1,
    }));
    receipts.push({ conversationId: 'c1', userId: OTHER, seq: 2 }); // backwards: ignored
    receipts.push({ conversationId: 'c1', userId: 'third', seq: 4 });
    receipts.push({ conversationId: 'c1', userId: 'third', seq: 1 }); // backwards within the batch
    s = setReadReceipts(s, receipts);
    expect(Object.keys(s.reads)).toHaveLength(1002);
    expect(s.reads.c1).toEqual({ [OTHER]: 3, third: 4 });
    expect(s.reads.n999).toEqual({ [OTHER]: 1000 });
    expect(s.reads.c2).toBe(before.reads.c2);
    expect(before.reads.c1).toEqual({ [OTHER]: 3 }); // the old state is untouched
    // Nothing newer: the very same state, so nothing re-renders.
    expect(setReadReceipts(s, [{ conversationId: 'c2', userId: OTHER, seq: 7 }])).toBe(s);
    expect(setReadReceipts(s, [])).toBe(s);
  });

  it('presence from a snapshot never overwrites a live event that came after the request', () => {
    const online = conv('c1', 0, {
      members: [
        { id: ME, username: 'me', displayName: 'Me' },
        {
          id: OTHER,
          username: 'other',
          displayName: 'Other',
          online: false,
          lastSeenAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    });
    const live = { [OTHER]: { online: true, lastSeenAt: null } };
    expect(presenceFromConversations(live, [online], ME, new Set([OTHER]))).toBe(live);
    expect(presenceFromConversations(live, [online], ME)[OTHER]).toEqual({
      online: false,
      lastSeenAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
