import { describe, expect, it } from 'vitest';
import type { User } from '@parley/shared';
import { chatTypingText, rowTypingText } from './typing';

const user = (id: string, displayName: string): User => ({ id, username: id, displayName });
const me = user('me', 'Me Myself');
const direct = { id: 'd', type: 'direct' as const, members: [me, user('bob', 'Bob Builder')] };
const group = {
  id: 'g',
  type: 'group' as const,
  members: [me, user('bob', 'Bob Builder'), user('carol', 'Carol Danvers')],
};

describe('who is typing, and where', () => {
  it('the open chat says it in full, once, above the composer', () => {
    expect(chatTypingText(direct, ['bob'], 'me')).toBe('Bob is typing…');
    expect(chatTypingText(group, ['bob', 'carol'], 'me')).toBe('Bob and Carol are typing…');
    expect(chatTypingText(group, ['me'], 'me')).toBeNull();
    expect(chatTypingText(group, undefined, 'me')).toBeNull();
  });

  it("the open chat's own row says nothing: its indicator already does", () => {
    expect(rowTypingText(direct, ['bob'], 'me', 'd')).toBeNull();
    expect(rowTypingText(group, ['bob'], 'me', 'g')).toBeNull();
  });

  it('rows of chats that are not open say it in the short form', () => {
    expect(rowTypingText(direct, ['bob'], 'me', 'g')).toBe('typing…');
    expect(rowTypingText(group, ['bob'], 'me', 'd')).toBe('Bob is typing…');
    expect(rowTypingText(group, ['bob', 'carol'], 'me', null)).toBe('2 people are typing…');
    expect(rowTypingText(group, [], 'me', null)).toBeNull();
  });
});
