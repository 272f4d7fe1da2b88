import { describe, expect, it } from 'vitest';
import { activityTime, compareConversations, sortConversations } from './ordering.js';
import { conversation, message } from './test-fixtures.js';

describe('conversation order', () => {
  it('puts the most recent activity first, a conversation without messages by its creation', () => {
    const old = conversation('old', { lastMessage: message({ createdAt: '2026-11-20T10:00:00.000Z' }) });
    const fresh = conversation('fresh', { createdAt: '2026-11-21T10:00:00.000Z' });
    const newest = conversation('newest', {
      lastMessage: message({ createdAt: '2026-11-22T10:00:00.000Z' }),
    });
    expect(sortConversations([old, fresh, newest]).map((c) => c.id)).toEqual(['newest', 'fresh', 'old']);
    expect(activityTime(conversation('x', { createdAt: 'not a date' }))).toBe(0);
  });

  it('breaks ties by id, whatever order they arrived in', () => {
    const b = conversation('b');
    const a = conversation('a');
    expect(sortConversations([b, a]).map((c) => c.id)).toEqual(['a', 'b']);
    expect(sortConversations([a, b]).map((c) => c.id)).toEqual(['a', 'b']);
    expect(compareConversations(a, a)).toBe(0);
  });
});
