import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../protocol/models.js';
import { createCatchUp, GAP_HOLD_MS, isSaneChangePage } from './catch-up.js';
import { ok } from './http.js';
import { conversation, fakeSocket, message, testContext, withWindow } from './module-test-support.js';

describe('change pages', () => {
  const page = (versions: number[], version: number, more = false) => ({
    messages: versions.map((v, i) => message(i + 1, { version: v })),
    version,
    more,
  });

  it('accepts ascending versions after sinceVersion, up to the conversation version', () => {
    expect(isSaneChangePage(page([3, 4, 7], 7), 'c1', 2)).toBe(true);
    expect(isSaneChangePage(page([], 5), 'c1', 5)).toBe(true);
    expect(isSaneChangePage(page([3], 9, true), 'c1', 2)).toBe(true);
  });

  it('refuses what would corrupt the window: other conversations, old or future versions, loops', () => {
    expect(
      isSaneChangePage(
        { ...page([3], 3), messages: [message(1, { version: 3, conversationId: 'x' })] },
        'c1',
        2,
      ),
    ).toBe(false);
    expect(isSaneChangePage(page([2], 3), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([4, 3], 4), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([3, 99], 4), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([], 1), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([], 9, true), 'c1', 2)).toBe(false);
    expect(isSaneChangePage({ ...page([3], 3), messages: [message(1, { version: null })] }, 'c1', 2)).toBe(
      false,
    );
  });
});

describe('resync after something unreadable', () => {
  /** A connected client whose list request answers an empty list (call under fake timers). */
  function connectedCatchUp() {
    const { socket } = fakeSocket();
    const ctx = testContext({ socket });
    ctx.catchUp = createCatchUp(ctx);
    const api = vi.fn(async (_method: string, _path: string) => ok({ conversations: [] }));
    ctx.session = { ...ctx.session, api: api as unknown as typeof ctx.session.api };
    ctx.now = () => Date.now();
    return { ctx, api };
  }

  it('refetches once shortly after, then at most every 30 s', async () => {
    vi.useFakeTimers();
    try {
      const { ctx, api } = connectedCatchUp();
      const listRequests = () => api.mock.calls.filter(([, path]) => path === '/api/conversations').length;

      ctx.catchUp.resync('an unreadable message:new event');
      ctx.catchUp.resync('another one');
      expect(listRequests()).toBe(0);
      await vi.advanceTimersByTimeAsync(1000);
      expect(listRequests()).toBe(1);

      ctx.catchUp.resync('a third');
      await vi.advanceTimersByTimeAsync(5000);
      expect(listRequests()).toBe(1);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(listRequests()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("spreads a requested catch-up over spreadMs, so one server's clients do not all come at once", async () => {
    vi.useFakeTimers();
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const { ctx, api } = connectedCatchUp();

      ctx.catchUp.resync('sync:needed', { spreadMs: 3000 });
      await vi.advanceTimersByTimeAsync(2499);
      expect(api).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(api).toHaveBeenCalledWith('GET', '/api/conversations');
    } finally {
      random.mockRestore();
      vi.useRealTimers();
    }
  });
});

describe('catch-up paging', () => {
  async function catchUpWith(version: number | null): Promise<string[]> {
    const { socket } = fakeSocket();
    const ctx = testContext({ socket });
    ctx.catchUp = createCatchUp(ctx);
    withWindow(ctx, [message(1)], { version: version === null ? null : 1 });
    const listed = conversation('c1', {
      lastSeq: 2,
      version,
      lastMessage: message(2, { version: version === null ? null : 3 }),
    });
    const paths: string[] = [];
    const api = async (_method: string, path: string) => {
      paths.push(path);
      if (path === '/api/conversations') return ok({ conversations: [listed] });
      if (path.includes('/changes?'))
        return ok({
          messages: [message(1, { version: 2, body: 'edited' }), message(2, { version: 3 })],
          version: 3,
          more: false,
        });
      return ok({ messages: [message(2, { version: null })] });
    };
    ctx.session = { ...ctx.session, api: api as unknown as typeof ctx.session.api };
    ctx.outbox = { ...ctx.outbox, drain: async () => undefined };
    await ctx.catchUp.run(1);
    expect(ctx.state().messages.c1!.items.map((m) => m.seq)).toEqual([1, 2]);
    return paths.slice(1);
  }

  it('pages the change feed from the version the window holds', async () => {
    expect(await catchUpWith(3)).toEqual(['/api/conversations/c1/changes?sinceVersion=1&limit=500']);
  });

  it('pages by seq against a v1 server, which has no versions', async () => {
    expect(await catchUpWith(null)).toEqual(['/api/conversations/c1/messages?afterSeq=1&limit=200']);
  });
});

describe('out-of-order live events', () => {
  /** A real catch-up over a window of messages 1 and 2; counts the gap fetches. */
  function setup(changed: Message[]) {
    const { socket } = fakeSocket();
    const ctx = testContext({ socket });
    ctx.catchUp = createCatchUp(ctx);
    withWindow(ctx, [message(1), message(2)]);
    // The server: messages 1 and 2, then `changed`.
    const api = vi.fn(async (_method: string, path: string) => {
      const since = Number(/sinceVersion=(\d+)/.exec(path)?.[1] ?? 0);
      const all = [message(1), message(2), ...changed];
      return path.includes('/changes?')
        ? ok({
            messages: changed.filter((m) => m.version! > since),
            version: changed.at(-1)!.version,
            more: false,
          })
        : ok({ messages: all.filter((m, i) => all.findLastIndex((n) => n.seq === m.seq) === i) });
    });
    ctx.session = { ...ctx.session, api: api as unknown as typeof ctx.session.api };
    const fetches = () => api.mock.calls.filter(([, path]) => path.includes('/changes?')).length;
    return { ctx, fetches };
  }

  it('holds an event that arrived ahead; the missing one arriving meanwhile needs no fetch', async () => {
    vi.useFakeTimers();
    try {
      const { ctx, fetches } = setup([message(3), message(4)]);
      ctx.messages.applyLive(message(4));
      await vi.advanceTimersByTimeAsync(GAP_HOLD_MS - 100);
      expect(fetches()).toBe(0);
      ctx.messages.applyLive(message(3));
      await vi.advanceTimersByTimeAsync(5000);
      expect(fetches()).toBe(0);
      expect(ctx.state().messages.c1!.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(ctx.messages.syncedVersion('c1')).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fetches the gap about 300 ms later when it stays open, once', async () => {
    vi.useFakeTimers();
    try {
      const { ctx, fetches } = setup([message(3), message(4, { version: 5, body: 'edited' })]);
      ctx.messages.applyLive(message(4));
      ctx.messages.applyLive(message(4, { version: 5, body: 'edited' }));
      await vi.advanceTimersByTimeAsync(GAP_HOLD_MS - 1);
      expect(fetches()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetches()).toBe(1);
      await vi.advanceTimersByTimeAsync(5000);
      expect(fetches()).toBe(1);
      expect(ctx.state().messages.c1!.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    } finally {
      vi.useRealTimers();
    }
  });
});
