import { describe, expect, it } from 'vitest';
import { countUnread, countsAsUnread, totalUnread, unreadBadge } from './unread.js';
import { conversation, message } from './test-fixtures.js';

describe('unread rule', () => {
  const member = { id: 'me', readSeq: 2 };

  it('counts messages after the read position sent by others, not deleted ones', () => {
    const messages = [
      message({ seq: 1 }),
      message({ seq: 2 }),
      message({ seq: 3 }),
      message({ seq: 4, senderId: 'me' }),
      message({ seq: 5, deletedAt: '2026-11-22T10:05:00.000Z', body: '' }),
      message({ seq: 6, kind: 'system', senderId: 'b' }),
      message({ seq: 7, kind: 'call', senderId: 'a' }),
    ];
    expect(countUnread(messages, member)).toBe(3);
    expect(countsAsUnread(message({ seq: 2 }), member)).toBe(false);
    expect(countsAsUnread(message({ seq: 3, senderId: 'me' }), member)).toBe(false);
    expect(countUnread([], member)).toBe(0);
  });

  it('leaves muted conversations out of the total, everywhere the total is shown', () => {
    const list = [
      conversation('c1', { unreadCount: 3 }),
      conversation('c2', { unreadCount: 0 }),
      conversation('c3', { unreadCount: 4 }),
      conversation('c4', { unreadCount: -1 }),
    ];
    expect(totalUnread(list)).toBe(7);
    expect(totalUnread(list, ['c3'])).toBe(3);
    expect(totalUnread(list, new Set(['c1', 'c3']))).toBe(0);
  });

  it('labels a badge, capped at 99+', () => {
    expect([0, -3, 7, 99, 100].map(unreadBadge)).toEqual(['', '', '7', '99', '99+']);
  });
});
