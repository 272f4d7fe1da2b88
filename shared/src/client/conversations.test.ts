import { describe, expect, it } from 'vitest';
import { ALICE, conversation, message, ME, testContext, withWindow } from './module-test-support.js';

describe('conversations module', () => {
  it('drops a held conversation missing from the list, with its outbox entries and a notice', async () => {
    const ctx = testContext();
    withWindow(ctx, [message(1)]);
    await ctx.outbox.api.send('c1', 'never delivered');
    expect(ctx.outbox.entriesOf('c1')).toHaveLength(1);
    ctx.conversations.mergeList([conversation('c2')], ctx.presence.clock(), new Set(['c1']));
    const state = ctx.state();
    expect(state.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(state.messages.c1).toBeUndefined();
    expect(ctx.outbox.entriesOf('c1')).toEqual([]);
    expect(state.notices).toEqual([
      expect.objectContaining({
        kind: 'conversation-removed',
        conversationId: 'c1',
        text: expect.stringContaining('Alice Martin'),
      }),
    ]);
  });

  it('keeps a conversation whose list entry does not parse, and one created meanwhile', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1)]);
    ctx.conversations.add([conversation('new')]);
    ctx.conversations.mergeList([{ id: 'c1', type: 'bogus' }], ctx.presence.clock(), new Set(['c1']));
    expect(
      ctx
        .state()
        .conversations.map((c) => c.id)
        .sort(),
    ).toEqual(['c1', 'new']);
    expect(ctx.state().notices).toEqual([]);
  });

  it('conversation:updated replaces the metadata and keeps our counts; removed drops it', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1), message(2)], { type: 'group', title: 'Old', unreadCount: 2 });
    ctx.conversations.replaceMetadata(
      conversation('c1', {
        type: 'group',
        title: 'New',
        unreadCount: 0,
        lastSeq: 0,
        members: [ME, { ...ALICE, role: 'admin' }],
        version: 3,
      }),
    );
    const c1 = ctx.state().conversations[0]!;
    expect(c1).toMatchObject({ title: 'New', unreadCount: 2, lastSeq: 2, version: 3 });
    expect(c1.members[1]?.role).toBe('admin');
    ctx.conversations.removed('c1');
    expect(ctx.state().conversations).toEqual([]);
    expect(ctx.state().notices?.[0]?.text).toContain('New');
  });

  it('user:updated changes the member everywhere and keeps role and read position', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1)], { members: [ME, { ...ALICE, readSeq: 1 }] });
    ctx.conversations.updateUser({ id: 'a', username: 'alice', displayName: 'Alice M.' });
    expect(ctx.state().conversations[0]!.members[1]).toMatchObject({
      displayName: 'Alice M.',
      readSeq: 1,
      role: 'member',
    });
  });

  it('user:updated about me, even with an unchanged profile, moves accountRevision (a role change)', () => {
    const ctx = testContext();
    ctx.update((s) => ({ ...s, session: { status: 'signed-in', serverUrl: 'http://test', user: ME } }));
    const revision = () => {
      const session = ctx.state().session;
      return session.status === 'signed-in' ? session.accountRevision : 'signed out';
    };
    expect(revision()).toBeUndefined();
    ctx.conversations.updateUser(ME);
    expect(revision()).toBe(1);
    ctx.conversations.updateUser(ME);
    expect(revision()).toBe(2);
    ctx.conversations.updateUser({ id: 'a', username: 'alice', displayName: 'Alice M.' });
    expect(revision()).toBe(2);
  });
});
