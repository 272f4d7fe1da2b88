import { describe, expect, it } from 'vitest';
import {
  ALICE,
  conversation,
  fakeSocket,
  ME,
  message,
  testContext,
  withWindow,
} from './module-test-support.js';

describe('reads module', () => {
  it('takes every member read position from the conversation payload', () => {
    const ctx = testContext();
    ctx.conversations.add([
      conversation('c1', {
        members: [
          { ...ME, readSeq: 9 },
          { ...ALICE, readSeq: 4 },
        ],
      }),
    ]);
    expect(ctx.state().reads).toEqual({ c1: { a: 4 } });
  });

  it('moves a member forward on messages:read, never back, in reads and in members', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1, { senderId: 'me' }), message(2, { senderId: 'me' })]);
    ctx.reads.remoteRead({ conversationId: 'c1', userId: 'a', seq: 2, readAt: '2026-11-22T10:00:00.000Z' });
    ctx.reads.remoteRead({ conversationId: 'c1', userId: 'a', seq: 1, readAt: '2026-11-22T10:00:00.000Z' });
    expect(ctx.state().reads.c1?.a).toBe(2);
    expect(ctx.state().conversations[0]!.members.find((m) => m.id === 'a')?.readSeq).toBe(2);
  });

  it('a read made offline waits, and is sent on the next connect', async () => {
    const ctx = testContext();
    withWindow(ctx, [message(1), message(2)], { unreadCount: 2 });
    expect((await ctx.reads.markRead('c1', 2)).ok).toBe(true);
    expect(ctx.state().conversations[0]!.unreadCount).toBe(0);
    expect(ctx.reads.pending('c1')).toBe(2);
    const { socket, emitted } = fakeSocket();
    ctx.connection = { ...ctx.connection, socket: () => socket };
    expect(await ctx.reads.sendPending(1)).toBe(true);
    expect(emitted).toEqual([['messages:read', { conversationId: 'c1', seq: 2 }]]);
    expect(ctx.reads.pending('c1')).toBeUndefined();
  });
});
