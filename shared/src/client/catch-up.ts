/**
 * Catch-up after every (re)connect, and gap filling while connected. Reads made offline are
 * sent, the conversation list replaces ours, each loaded window pages the change feed from
 * the version it holds (v1.1) or `afterSeq` from the seq it holds (a v1 server), then the
 * outbox drains, so our resent operations land after everything that happened meanwhile.
 */
import {
  changesResponseSchema,
  type ConversationListResponse,
  type MessagesResponse,
} from '../protocol/http.js';
import { CHANGES_MAX_LIMIT, HISTORY_MAX_LIMIT } from '../protocol/limits.js';
import type { Message } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { parseMessages } from './messages.js';
import { clearTimer, setTimer, type TimerHandle } from './runtime.js';
import { heldSeq } from './state-updates.js';
import { setLocalTail } from './window-updates.js';

/** The module that owns catch-up after every connect, gap filling and resync, as other modules reach it through `ctx`. */
export type CatchUpModule = ReturnType<typeof createCatchUp>;

/**
 * A window further behind than this many seqs or versions is replaced by its newest page: one
 * request either way (a change page holds up to this many), and an open chat then shows its
 * newest messages at once instead of appending page after page. Older history stays
 * reachable by scrolling up (`loadOlder`), and unread ones by the "New messages" jump.
 */
export const CATCH_UP_RESET_GAP = CHANGES_MAX_LIMIT;
/**
 * A live event ahead of what a window holds waits this long for the ones before it (with
 * several nodes they may arrive slightly out of order) before the gap is fetched.
 */
export const GAP_HOLD_MS = 300;
/** Something unreadable arrived: refetch after this pause... */
const RESYNC_DELAY_MS = 1000;
/** ...and at most this often, so a server that keeps sending it cannot keep us refetching. */
const RESYNC_MIN_INTERVAL_MS = 30_000;

/** Creates the module that owns catch-up after every connect, gap filling and resync. */
export function createCatchUp(ctx: ClientContext) {
  let catchingUp = false;
  let everLoadedConversations = false;
  /** Live messages of conversations not yet known while the list was being fetched. */
  let deferredLive: Message[] = [];
  const gapFills = new Map<string, boolean>();
  /** Conversations whose live gap is being held (see GAP_HOLD_MS). */
  const heldGaps = new Map<string, TimerHandle>();
  /** Gaps seen while catch-up was running; filled when it ends. */
  const gapsDuringCatchUp = new Set<string>();
  let resyncTimer: TimerHandle | null = null;
  let lastResyncAt = -Infinity;
  /** The server epoch the cached conversations and messages came from. */
  let cacheEpoch: string | undefined;

  const setProgress = (patch: Partial<{ active: boolean; done: number; total: number }>): void =>
    ctx.update((s) => ({ ...s, catchUp: { ...s.catchUp, ...patch } }));

  async function run(gen: number): Promise<void> {
    const stale = (): boolean => gen !== ctx.connection.generation();
    catchingUp = true;
    ctx.update((s) => ({ ...s, catchUp: { active: true, done: 0, total: 0 } }));
    // Restored from a backup: the seqs we hold may name other messages now. Checked before
    // anything cached (offline reads included) is sent or trusted.
    await ctx.serverInfo.settled();
    if (stale()) return;
    const epoch = ctx.serverInfo.epoch();
    if (epoch !== undefined) {
      if (cacheEpoch !== undefined && epoch !== cacheEpoch) dropCache();
      cacheEpoch = epoch;
    }
    if (!(await ctx.reads.sendPending(gen))) return;

    const listRequestedAt = ctx.presence.clock();
    const heldAtRequest = new Set(ctx.state().conversations.map((c) => c.id));
    const list = await ctx.session.api<ConversationListResponse>('GET', '/api/conversations');
    if (stale()) return;
    if (!list.ok) {
      ctx.connection.connectionLost(gen, `Catch-up failed: ${list.error}`);
      return;
    }
    // Taken after the list arrived: live messages that came meanwhile were reported already.
    const before = new Map(ctx.state().conversations.map((c) => [c.id, c]));
    // The first list after sign-in or start is not news: no per-conversation events then.
    const firstLoad = !everLoadedConversations;
    everLoadedConversations = true;
    ctx.conversations.mergeList(list.value?.conversations, listRequestedAt, heldAtRequest);
    ctx.messages.prunePlaceholders();
    const deferred = deferredLive;
    deferredLive = [];
    for (const message of deferred) {
      if (ctx.state().conversations.some((c) => c.id === message.conversationId))
        ctx.messages.applyStored(message.conversationId, [message], 'live');
    }

    let newMessages = 0;
    const me = ctx.session.me();
    for (const conversation of ctx.state().conversations) {
      const old = before.get(conversation.id);
      newMessages += Math.max(0, conversation.unreadCount - (old?.unreadCount ?? 0));
      // Conversations without a loaded window are reported by their newest message only.
      const last = conversation.lastMessage;
      if (!firstLoad && !ctx.state().messages[conversation.id] && last && me) {
        if (last.senderId !== me.id && last.seq > (old?.lastSeq ?? 0))
          ctx.emitEvent({ type: 'message', message: last, conversation, fromCatchUp: true });
      }
    }

    const targets = Object.keys(ctx.state().messages).filter(needsSync);
    setProgress({ active: true, done: 0, total: targets.length });
    for (const conversationId of targets) {
      const completed = await syncWindow(conversationId, gen);
      if (stale()) return;
      if (!completed) {
        ctx.connection.connectionLost(gen, 'Catch-up could not fetch the missing messages');
        return;
      }
      ctx.update((s) => ({ ...s, catchUp: { ...s.catchUp, done: s.catchUp.done + 1 } }));
    }

    catchingUp = false;
    setProgress({ active: false });
    ctx.emitEvent({ type: 'catch-up:done', newMessages });
    for (const id of [...gapsDuringCatchUp]) fillGap(id);
    gapsDuringCatchUp.clear();
    void ctx.outbox.drain();
  }

  /**
   * The server's data is another copy (a new epoch): forget every cached conversation,
   * message, read position and offline read. Open windows stay as placeholders holding only
   * the outbox, which is sent again once the fresh list and history are in.
   */
  function dropCache(): void {
    const myId = ctx.session.me()?.id ?? '';
    const windows = Object.keys(ctx.state().messages);
    ctx.messages.reset();
    ctx.reads.reset();
    for (const id of windows) ctx.messages.addPlaceholder(id);
    deferredLive = [];
    gapsDuringCatchUp.clear();
    // The fresh list is not news: no per-conversation events for it.
    everLoadedConversations = false;
    ctx.update((s) => ({
      ...s,
      conversations: [],
      messages: Object.fromEntries(
        windows.map((id) => [
          id,
          setLocalTail({ items: [], hasOlder: true, loadingOlder: false }, ctx.outbox.entriesOf(id), myId),
        ]),
      ),
      reads: {},
      typing: {},
    }));
  }

  /** Whether a loaded window misses something the conversation summary says exists. */
  function needsSync(conversationId: string): boolean {
    const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
    if (!conversation) return false;
    if (ctx.messages.isPlaceholder(conversationId)) return true;
    if (conversation.lastSeq > heldSeq(ctx.state().messages[conversationId])) return true;
    return (
      conversation.version != null && conversation.version !== ctx.messages.syncedVersion(conversationId)
    );
  }

  /** Brings one loaded window up to date. False: the connection failed, try again later. */
  async function syncWindow(conversationId: string, gen: number): Promise<boolean> {
    const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
    if (!conversation) return true;
    if (ctx.messages.isPlaceholder(conversationId)) return reload(conversationId);
    const synced = ctx.messages.syncedVersion(conversationId);
    if (conversation.version == null) return fetchMissing(conversationId, gen);
    // A server that went back in time (restored from a backup), a window loaded before the
    // server had versions, or one very far behind: start over from the newest page.
    if (
      synced === undefined ||
      conversation.version < synced ||
      conversation.version - synced > CATCH_UP_RESET_GAP
    )
      return reload(conversationId);
    if (!(await fetchChanges(conversationId, synced, gen))) return false;
    // The feed brings every new message; a hole it left means something is off: page by seq.
    const target = ctx.state().conversations.find((c) => c.id === conversationId)?.lastSeq ?? 0;
    if (target > heldSeq(ctx.state().messages[conversationId])) return fetchMissing(conversationId, gen);
    return true;
  }

  async function reload(conversationId: string): Promise<boolean> {
    const result = await ctx.messages.loadNewestPage(conversationId, true);
    return result.ok || result.code === 'not_found';
  }

  /**
   * Pages `GET .../changes?sinceVersion=` until `more` is false: new messages, edits,
   * deletes and reactions. A page that does not follow the contract is not applied: the
   * window is refetched from its newest page instead.
   */
  async function fetchChanges(conversationId: string, sinceVersion: number, gen: number): Promise<boolean> {
    let since = sinceVersion;
    for (;;) {
      const page = await ctx.session.api<unknown>(
        'GET',
        `/api/conversations/${encodeURIComponent(conversationId)}/changes?sinceVersion=${since}&limit=${CHANGES_MAX_LIMIT}`,
      );
      if (gen !== ctx.connection.generation()) return false;
      if (!page.ok) {
        if (page.code === 'not_found') ctx.conversations.removed(conversationId);
        return page.code === 'not_found';
      }
      const parsed = changesResponseSchema.safeParse(page.value);
      if (!parsed.success || !isSaneChangePage(parsed.data, conversationId, since))
        return reload(conversationId);
      const { messages, version, more } = parsed.data;
      ctx.messages.applyStored(conversationId, messages, 'catch-up');
      const last = messages[messages.length - 1];
      if (!more) {
        // A message held with a version above the server's came from a broken event: refetch.
        const window = ctx.state().messages[conversationId];
        if (window?.items.some((m) => (m.version ?? 0) > version)) return reload(conversationId);
        ctx.messages.setSyncedVersion(conversationId, version);
        return true;
      }
      since = last?.version ?? since;
      ctx.messages.setSyncedVersion(conversationId, since);
    }
  }

  /**
   * Fetches every message after what the window holds, 200 at a time (servers without the
   * change feed). A window very far behind is replaced by the newest page instead (older
   * history stays reachable through loadOlder), so a week offline is not thousands of requests.
   */
  async function fetchMissing(conversationId: string, gen: number): Promise<boolean> {
    let after = heldSeq(ctx.state().messages[conversationId]);
    const target = ctx.state().conversations.find((c) => c.id === conversationId)?.lastSeq ?? 0;
    if (ctx.messages.isPlaceholder(conversationId) || target - after > CATCH_UP_RESET_GAP)
      return reload(conversationId);
    for (;;) {
      const page = await ctx.session.api<MessagesResponse>(
        'GET',
        `/api/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${after}&limit=${HISTORY_MAX_LIMIT}`,
      );
      if (gen !== ctx.connection.generation()) return false;
      if (!page.ok) {
        if (page.code === 'not_found') ctx.conversations.removed(conversationId);
        return page.code === 'not_found';
      }
      const messages = parseMessages(page.value?.messages).filter((m) => m.conversationId === conversationId);
      ctx.messages.applyStored(conversationId, messages, 'catch-up');
      const last = messages[messages.length - 1];
      if (messages.length < HISTORY_MAX_LIMIT || !last || last.seq <= after) return true;
      after = last.seq;
    }
  }

  /** Fills a hole in a window (a message arrived with a seq or version beyond what it holds). */
  function fillGap(conversationId: string): void {
    if (catchingUp) {
      gapsDuringCatchUp.add(conversationId);
      return;
    }
    if (gapFills.has(conversationId)) {
      gapFills.set(conversationId, true);
      return;
    }
    if (!ctx.connection.socket()) return;
    gapFills.set(conversationId, false);
    const gen = ctx.connection.generation();
    void syncWindow(conversationId, gen)
      .catch(() => false)
      .finally(() => {
        const again = gapFills.get(conversationId) === true;
        gapFills.delete(conversationId);
        if (again && gen === ctx.connection.generation()) fillGap(conversationId);
      });
  }

  /** A live event arrived ahead of the window: fetch the gap only if it is still open shortly. */
  function liveGap(conversationId: string): void {
    if (heldGaps.has(conversationId)) return;
    heldGaps.set(
      conversationId,
      setTimer(() => {
        heldGaps.delete(conversationId);
        if (needsSync(conversationId)) fillGap(conversationId);
      }, GAP_HOLD_MS),
    );
  }

  return {
    run,
    fillGap,
    /** The epoch the cached data came from (state-cache.ts saves it with the data). */
    cacheEpoch: (): string | undefined => cacheEpoch,
    /** Data restored from the offline cache came from this epoch: a new one drops it at catch-up. */
    restoreCacheEpoch(epoch: string): void {
      cacheEpoch ??= epoch;
    },
    liveGap,
    /**
     * A full catch-up refetches shortly: something arrived that the client could not apply (an
     * unreadable or unknown event, of which nothing is applied), or the server said it may
     * have dropped live events (`sync:needed`). `spreadMs` adds a random wait of up to that
     * long, so the many clients of one server do not all refetch in the same instant.
     */
    resync(_reason: string, { spreadMs = 0 }: { spreadMs?: number } = {}): void {
      if (resyncTimer !== null) return;
      const soonest = RESYNC_DELAY_MS + Math.floor(Math.random() * spreadMs);
      const delay = Math.max(soonest, lastResyncAt + RESYNC_MIN_INTERVAL_MS - ctx.now());
      resyncTimer = setTimer(() => {
        resyncTimer = null;
        lastResyncAt = ctx.now();
        const gen = ctx.connection.generation();
        if (catchingUp || !ctx.connection.socket()) return;
        void run(gen).catch((error: unknown) => ctx.connection.connectionLost(gen, String(error)));
      }, delay);
    },
    /** A live message of a conversation not in the list: the list brings it. */
    unknownConversation(messages: Message[]): void {
      if (catchingUp) deferredLive.push(...messages);
      else ctx.conversations.refreshList();
    },
    isActive: (): boolean => catchingUp,
    /** The connection dropped mid catch-up: it starts over on the next connect. */
    interrupted(): void {
      catchingUp = false;
      ctx.update((s) => (s.catchUp.active ? { ...s, catchUp: { ...s.catchUp, active: false } } : s));
    },
    reset(): void {
      catchingUp = false;
      clearTimer(resyncTimer);
      resyncTimer = null;
      for (const timer of heldGaps.values()) clearTimer(timer);
      heldGaps.clear();
      gapsDuringCatchUp.clear();
    },
    /** The next list is the first of a session again (no per-conversation events for it). */
    forgetLoaded(): void {
      everLoadedConversations = false;
    },
  };
}

/** A change page that follows the contract: its conversation, ascending versions in range. */
export function isSaneChangePage(
  page: { messages: Message[]; version: number; more: boolean },
  conversationId: string,
  since: number,
): boolean {
  if (page.version < since || (page.more && page.messages.length === 0)) return false;
  let previous = since;
  for (const message of page.messages) {
    const v = message.version;
    if (message.conversationId !== conversationId || v == null || v <= previous || v > page.version)
      return false;
    previous = v;
  }
  return true;
}
