/**
 * The offline cache of what the user last saw: the conversation list and the newest messages
 * of each loaded conversation, kept in the host's storage (opt-in: `cacheState`, the web host)
 * so that a reload without network (bug 15, the web client's offline shell) shows them. It is
 * only a starting picture: catch-up treats it exactly like the in-memory state after a dropped
 * connection (same seqs, same epoch check), so nothing in it is trusted over the server.
 */
import { z } from 'zod';
import { conversationSchema, messageSchema } from '../protocol/models.js';
import type { Conversation, Message } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { clearTimer, setTimer, type TimerHandle } from './runtime.js';
import type { ClientState } from './state.js';

export const STATE_CACHE_KEY = 'stateCache';
/** Writes are batched: state changes many times a second while catching up. */
const SAVE_DELAY_MS = 1000;
/** Per conversation; older messages load from the server as usual. */
const CACHED_MESSAGES = 50;

const cachedSchema = z.object({
  v: z.literal(1),
  userId: z.string(),
  serverUrl: z.string(),
  epoch: z.string().optional(),
  conversations: z.array(z.unknown()),
  messages: z.record(z.string(), z.array(z.unknown())),
});

/** Entries that no longer parse (an older client's format) are dropped, not trusted. */
function valid<T>(schema: z.ZodType<T>, items: unknown[]): T[] {
  return items.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

export type StateCacheModule = ReturnType<typeof createStateCache>;

export function createStateCache(ctx: ClientContext) {
  const enabled = ctx.options.cacheState === true;
  let unsubscribe: (() => void) | null = null;
  let timer: TimerHandle | null = null;
  let saved: { conversations: ClientState['conversations']; messages: ClientState['messages'] } | null = null;
  let owner: { userId: string; serverUrl: string } | null = null;

  async function save(): Promise<void> {
    timer = null;
    if (!owner) return;
    const state = ctx.state();
    saved = { conversations: state.conversations, messages: state.messages };
    const messages: Record<string, Message[]> = {};
    for (const [id, window] of Object.entries(state.messages)) {
      // Only what the server holds; the outbox keeps the pending ones itself.
      const stored = window.items.filter((m) => m.status === 'sent' && !m.pendingChange);
      if (stored.length > 0)
        messages[id] = stored.slice(-CACHED_MESSAGES).map(({ status: _s, pendingChange: _p, ...m }) => m);
    }
    const body = {
      v: 1,
      ...owner,
      epoch: ctx.catchUp.cacheEpoch(),
      conversations: state.conversations,
      messages,
    };
    try {
      await ctx.storage.set(STATE_CACHE_KEY, JSON.stringify(body));
    } catch {
      // Storage full or unavailable: the cache is a convenience, the app works without it.
    }
  }

  return {
    /** Puts the cached picture into the state, if it belongs to this user on this server. */
    async load(userId: string, serverUrl: string): Promise<void> {
      if (!enabled) return;
      let raw: string | null;
      try {
        raw = await ctx.storage.get(STATE_CACHE_KEY);
      } catch {
        return;
      }
      if (raw === null) return;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return;
      }
      const cached = cachedSchema.safeParse(json);
      if (!cached.success || cached.data.userId !== userId || cached.data.serverUrl !== serverUrl) return;
      const conversations: Conversation[] = valid(conversationSchema, cached.data.conversations);
      const ids = new Set(conversations.map((c) => c.id));
      const messages: ClientState['messages'] = {};
      for (const [id, items] of Object.entries(cached.data.messages)) {
        if (!ids.has(id)) continue;
        const list = valid(messageSchema, items);
        if (list.length > 0)
          messages[id] = {
            items: list.map((m) => ({ ...m, status: 'sent' as const })),
            hasOlder: true,
            loadingOlder: false,
          };
      }
      if (cached.data.epoch !== undefined) ctx.catchUp.restoreCacheEpoch(cached.data.epoch);
      ctx.update((s) => ({ ...s, conversations, messages: { ...messages, ...s.messages } }));
    },

    /** Keeps the cache up to date for this signed-in user until `stop()`. */
    start(userId: string, serverUrl: string): void {
      if (!enabled) return;
      owner = { userId, serverUrl };
      unsubscribe?.();
      unsubscribe = ctx.store.subscribe(() => {
        const state = ctx.state();
        if (saved && state.conversations === saved.conversations && state.messages === saved.messages) return;
        timer ??= setTimer(() => void save(), SAVE_DELAY_MS);
      });
    },

    /** Stops saving; what is pending is written first (the session in storage stays). */
    async stop(): Promise<void> {
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== null) {
        clearTimer(timer);
        await save();
      }
      owner = null;
      saved = null;
    },

    /** Signed out or the session ended: nothing of this account stays on the device. */
    async clear(): Promise<void> {
      if (!enabled) return;
      try {
        await ctx.storage.delete(STATE_CACHE_KEY);
      } catch {
        // Nothing more to do: a later sign-in as someone else ignores a cache not theirs.
      }
    },
  };
}
