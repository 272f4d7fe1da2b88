import { describe, expect, it } from 'vitest';
import { ok } from './http.js';
import { message, testContext, withWindow } from './module-test-support.js';

describe('messages module', () => {
  it('replaces an updated message in place and keeps the newer of two versions', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1), message(2), message(3)], { readSeq: 0, unreadCount: 3 });
    ctx.messages.applyLive(message(2, { version: 4, body: 'edited', editedAt: '2026-11-22T11:00:00.000Z' }));
    ctx.messages.applyLive(message(2, { version: 2, body: 'a late old copy' }));
    const items = ctx.state().messages.c1!.items;
    expect(items.map((m) => `${m.seq}:${m.body}`)).toEqual(['1:body 1', '2:edited', '3:body 3']);
    expect(ctx.messages.syncedVersion('c1')).toBe(4);
    expect(ctx.catchUp.fillGap).not.toHaveBeenCalled();
    expect(ctx.catchUp.liveGap).not.toHaveBeenCalled();
  });

  it('a deletion takes an unread message off the count and updates the last message', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1), message(2)], { readSeq: 0, unreadCount: 2 });
    ctx.messages.applyLive(message(2, { version: 3, body: '', deletedAt: '2026-11-22T11:00:00.000Z' }));
    const conversation = ctx.state().conversations[0]!;
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.lastMessage?.deletedAt).toBeTruthy();
    expect(conversation.version).toBe(3);
  });

  it('fetches a version gap like a seq gap', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1), message(2)]);
    // Version 3 (an edit somewhere) was missed: message 3 arrives with version 4.
    ctx.messages.applyLive(message(3, { version: 4 }));
    expect(ctx.catchUp.liveGap).toHaveBeenCalledWith('c1');
    expect(ctx.messages.syncedVersion('c1')).toBe(2);
    expect(ctx.state().messages.c1!.items.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('leaves changes to messages older than the window out, so no hole opens in front', () => {
    const ctx = testContext();
    withWindow(ctx, [message(50), message(51)], { lastSeq: 51 });
    ctx.messages.applyStored(
      'c1',
      [message(3, { version: 52, body: 'old, edited' }), message(52, { version: 53 })],
      'catch-up',
    );
    expect(ctx.state().messages.c1!.items.map((m) => m.seq)).toEqual([50, 51, 52]);
  });

  it('reports new messages from others once, and not updates', () => {
    const ctx = testContext();
    withWindow(ctx, [message(1)]);
    const events: string[] = [];
    ctx.eventListeners.add((e) => events.push(e.type === 'message' ? e.message.id : e.type));
    ctx.messages.applyLive(message(2));
    ctx.messages.applyLive(message(2));
    ctx.messages.applyLive(message(1, { version: 3, body: 'edited' }));
    expect(events).toEqual(['m2']);
  });

  it('a deletion the summary already counted (the list came after it) changes nothing', () => {
    const ctx = testContext();
    // The server's list at version 3 counts 1 unread: message 2 was deleted at version 3.
    withWindow(ctx, [message(1), message(2)], { readSeq: 0, unreadCount: 1, version: 3 });
    ctx.messages.applyStored('c1', [message(2, { version: 3, body: '', deletedAt: 'x' })], 'catch-up');
    expect(ctx.state().conversations[0]!.unreadCount).toBe(1);
  });

  it('loadAround reaches back to a seq with an aroundSeq page, then fills up to the window', async () => {
    const ctx = testContext();
    withWindow(ctx, [message(300), message(301)], { lastSeq: 301 });
    const paths: string[] = [];
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
    const api = async (_method: string, path: string) => {
      paths.push(path);
      if (path.includes('aroundSeq=')) return ok({ messages: range(75, 125) });
      const after = Number(/afterSeq=(\d+)/.exec(path)?.[1]);
      return ok({ messages: range(after + 1, Math.min(after + 200, 301)) });
    };
    ctx.session = { ...ctx.session, api: api as unknown as typeof ctx.session.api };
    expect((await ctx.messages.loadAround('c1', 100)).ok).toBe(true);
    expect(paths).toEqual([
      '/api/conversations/c1/messages?aroundSeq=100&limit=50',
      '/api/conversations/c1/messages?afterSeq=125&limit=200',
    ]);
    const seqs = ctx.state().messages.c1!.items.map((m) => m.seq);
    // Contiguous from the page's first message to the newest: no hole for catch-up to trip on.
    expect(seqs).toEqual(range(75, 301).map((m) => m.seq));
    expect(ctx.state().messages.c1!.hasOlder).toBe(true);
    // Already held: no request.
    expect((await ctx.messages.loadAround('c1', 80)).ok).toBe(true);
    expect(paths).toHaveLength(2);
  });
});
