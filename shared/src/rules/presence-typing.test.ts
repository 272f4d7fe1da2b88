import { describe, expect, it } from 'vitest';
import { visiblePresence } from './presence.js';
import { shouldRepeatTyping, typingText, TYPING_REPEAT_MS } from './typing.js';
import { alice, bob, me } from './test-fixtures.js';

describe('presence as shown', () => {
  it('prefers live presence, and shows nobody online while disconnected', () => {
    const live = { a: { online: true, lastSeenAt: null } };
    expect(visiblePresence(alice, live, true).online).toBe(true);
    expect(visiblePresence(alice, live, false).online).toBe(false);
    expect(
      visiblePresence({ ...bob, online: false, lastSeenAt: '2026-11-22T10:00:00.000Z' }, live, true),
    ).toEqual({
      online: false,
      lastSeenAt: '2026-11-22T10:00:00.000Z',
    });
  });

  it('shows you online exactly while this client is connected, whatever the list said', () => {
    const stale = { [me.id]: { online: false, lastSeenAt: '2026-11-22T10:00:00.000Z' } };
    expect(visiblePresence({ ...me, online: false }, stale, true, me.id).online).toBe(true);
    expect(visiblePresence({ ...me, online: true }, {}, false, me.id).online).toBe(false);
    // Anyone else still goes by what the server said.
    expect(visiblePresence({ ...alice, online: false }, {}, true, me.id).online).toBe(false);
  });
});

describe('typing', () => {
  const group = { type: 'group' as const, members: [me, alice, bob] };

  it('repeats typing:start at most every TYPING_REPEAT_MS', () => {
    expect(shouldRepeatTyping(undefined, 0)).toBe(true);
    expect(shouldRepeatTyping(1000, 1000 + TYPING_REPEAT_MS - 1)).toBe(false);
    expect(shouldRepeatTyping(1000, 1000 + TYPING_REPEAT_MS)).toBe(true);
  });

  it('names who types, in full and in the list’s compact form', () => {
    expect(typingText(group, ['me'], 'me')).toBeNull();
    expect(typingText(group, ['a'], 'me')).toBe('Alice is typing…');
    expect(typingText(group, ['a', 'b'], 'me')).toBe('Alice and Bob are typing…');
    expect(typingText(group, ['a', 'b'], 'me', true)).toBe('2 people are typing…');
    expect(typingText({ type: 'direct', members: [me, alice] }, ['a'], 'me', true)).toBe('typing…');
    expect(typingText(group, ['a', 'b', 'x', 'y'], 'me')).toBe('Several people are typing…');
    expect(typingText(group, ['x'], 'me')).toBe('Someone is typing…');
  });
});
