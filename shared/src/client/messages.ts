/**
 * Messages: the loaded windows (`ClientState.messages`), the one place stored messages enter
 * the state (live events, acks, catch-up and change-feed pages, history), history paging,
 * and the version each window is synced to (the change feed's position).
 */
import type { MessagesResponse } from '../protocol/http.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../protocol/limits.js';
import { messageSchema, type Message } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { fail, ok, type Result } from './http.js';
import type { ClientState, MessageWindow } from './state.js';
import {
  applyMessageToConversation,
  heldSeq,
  mergeStoredMessages,
  newWindow,
  readsFromMessages,
  replaceConversation,
  setTypingUser,
  setWindow,
} from './state-updates.js';

/** The module that owns the loaded message windows (`ClientState.messages`), as other modules reach it through `ctx`. */
export type MessagesModule = ReturnType<typeof createMessages>;

/** Where stored messages come from; decides gap checks and what is reported. */
export type MessageSource = 'live' | 'ack' | 'catch-up' | 'history';

/** Parses a list of messages, dropping what does not follow the contract. */
export function parseMessages(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((m) => {
    const parsed = messageSchema.safeParse(m);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Creates the module that owns the loaded message windows (`ClientState.messages`). */
export function createMessages(ctx: ClientContext) {
  const windowLoads = new Map<string, Promise<Result<void>>>();
  /** Windows that show only outbox entries; their history has not been loaded yet. */
  const placeholders = new Set<string>();
  /**
   * Conversation id → the version its loaded window is synced to: every change up to it is
   * in the window. Catch-up and version gaps page the change feed from here.
   */
  const syncedVersion = new Map<string, number>();
  /** Live versions that arrived ahead of the synced one (out of order), per conversation. */
  const aheadVersions = new Map<string, Set<number>>();

  const path = (conversationId: string, query: string): string =>
    `/api/conversations/${encodeURIComponent(conversationId)}/messages?${query}`;

  /**
   * The one place stored messages enter the state. Deduplicates by seq (a newer version
   * replaces an older one in place), replaces our pending copies, updates the conversation
   * summary once per message, and reports messages from others.
   */
  function applyStored(conversationId: string, incoming: Message[], source: MessageSource): void {
    const me = ctx.session.me();
    if (!me || incoming.length === 0) return;
    const myId = me.id;
    if (!ctx.state().conversations.some((c) => c.id === conversationId) && source === 'live') {
      ctx.catchUp.unknownConversation(incoming);
      return;
    }
    const window0 = ctx.state().messages[conversationId];
    // A changed message older than the window is not loaded: inserting it would leave a hole
    // in front of the window. loadOlder brings it, current, when the user scrolls there.
    const firstSeq = window0?.items.find((m) => m.status === 'sent')?.seq;
    const messages =
      source === 'history' || firstSeq === undefined ? incoming : incoming.filter((m) => m.seq >= firstSeq);
    let inserted: Message[] = [];
    let advanced: Message[] = [];
    let gap = false;
    ctx.update((s) => {
      let next = s;
      const window = s.messages[conversationId];
      const previous = new Map(window?.items.map((m) => [m.id, m]));
      if (window && messages.length > 0) {
        const before = heldSeq(window);
        const merged = mergeStoredMessages(window, messages, myId);
        inserted = merged.inserted;
        next = setWindow(next, conversationId, merged.window);
        const highest = Math.max(...messages.map((m) => m.seq));
        gap = source === 'live' && highest > before + 1 && heldSeq(merged.window) < highest;
      }
      const conversation = next.conversations.find((c) => c.id === conversationId);
      if (conversation) {
        let updated = conversation;
        const newer: Message[] = [];
        for (const message of incoming) {
          const after = applyMessageToConversation(updated, message, myId, previous.get(message.id));
          if (after.lastSeq !== updated.lastSeq) newer.push(message);
          updated = after;
        }
        advanced = newer;
        next = replaceConversation(next, updated);
      }
      for (const message of incoming) {
        if (message.senderId !== myId) next = setTypingUser(next, conversationId, message.senderId, false);
      }
      return readsFromMessages(next, conversationId, incoming, myId);
    });

    ctx.outbox.storedByServer(incoming.filter((m) => m.senderId === myId));
    // A newer copy from the server replaced a row our pending edit or reaction was shown on.
    ctx.outbox.reapply(conversationId);
    for (const message of incoming) {
      if (message.senderId !== myId) ctx.typing.clearRemote(conversationId, message.senderId);
    }
    if (gap) ctx.catchUp.liveGap(conversationId);

    if (source === 'history') return;
    const report = new Map<string, Message>();
    for (const m of [...inserted, ...advanced]) if (m.senderId !== myId) report.set(m.id, m);
    const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
    if (!conversation) return;
    for (const message of [...report.values()].sort((a, b) => a.seq - b.seq)) {
      ctx.emitEvent({ type: 'message', message, conversation, fromCatchUp: source === 'catch-up' });
    }
  }

  /**
   * A live `message:new` or `message:updated`. Its version says whether the window missed a
   * change in between: a version gap is fetched like a seq gap, unless the missing events
   * arrive meanwhile (with several nodes, live events may come slightly out of order): one
   * that fills the hole carries the synced version over the ones that came ahead of it.
   */
  function applyLive(message: Message, source: 'live' | 'ack' = 'live'): void {
    const id = message.conversationId;
    const held = syncedVersion.get(id);
    applyStored(id, [message], source);
    if (held === undefined || message.version == null || !ctx.state().messages[id]) return;
    const ahead = aheadVersions.get(id);
    if (message.version === held + 1) {
      let version = message.version;
      while (ahead?.delete(version + 1)) version++;
      if (ahead?.size === 0) aheadVersions.delete(id);
      syncedVersion.set(id, version);
    } else if (message.version > held + 1) {
      aheadVersions.set(id, (ahead ?? new Set()).add(message.version));
      ctx.catchUp.liveGap(id);
    }
  }

  function loadNewestPage(conversationId: string, replace: boolean): Promise<Result<void>> {
    const inflight = windowLoads.get(conversationId);
    if (inflight && !replace) return inflight;
    const load = (async (): Promise<Result<void>> => {
      // Taken before the request: the page holds at least every change up to this version.
      const versionBefore = ctx.state().conversations.find((c) => c.id === conversationId)?.version;
      const page = await ctx.session.api<MessagesResponse>(
        'GET',
        path(conversationId, `limit=${HISTORY_DEFAULT_LIMIT}`),
      );
      if (!page.ok) {
        if (page.code === 'not_found') ctx.conversations.removed(conversationId);
        return page;
      }
      const me = ctx.session.me();
      if (!me) return fail('signed_out', 'Not signed in');
      const myId = me.id;
      const messages = parseMessages(page.value?.messages).filter((m) => m.conversationId === conversationId);
      const entries = ctx.outbox.entriesOf(conversationId);
      const replacing = replace || placeholders.has(conversationId);
      placeholders.delete(conversationId);
      ctx.update((s) => {
        const existing = s.messages[conversationId];
        if (existing && !replacing) {
          // Something created the window meanwhile: merge rather than replace.
          return setWindow(s, conversationId, mergeStoredMessages(existing, messages, myId).window);
        }
        return setWindow(s, conversationId, newWindow(messages, entries, myId));
      });
      if (versionBefore != null && (replacing || !syncedVersion.has(conversationId))) {
        syncedVersion.set(conversationId, versionBefore);
      }
      // Messages that arrived while the page was on its way are not in it: fetch them.
      const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
      if (conversation && conversation.lastSeq > heldSeq(ctx.state().messages[conversationId]))
        ctx.catchUp.fillGap(conversationId);
      return ok(undefined);
    })().finally(() => {
      if (windowLoads.get(conversationId) === load) windowLoads.delete(conversationId);
    });
    windowLoads.set(conversationId, load);
    return load;
  }

  async function loadOlder(conversationId: string): Promise<Result<void>> {
    const window = ctx.state().messages[conversationId];
    if (!window || placeholders.has(conversationId)) return loadNewestPage(conversationId, false);
    if (!window.hasOlder || window.loadingOlder) return ok(undefined);
    const first = window.items.find((m) => m.status === 'sent');
    if (!first) {
      ctx.update((s) => patchWindow(s, conversationId, { hasOlder: false }));
      return ok(undefined);
    }
    ctx.update((s) => patchWindow(s, conversationId, { loadingOlder: true }));
    const page = await ctx.session.api<MessagesResponse>(
      'GET',
      path(conversationId, `beforeSeq=${first.seq}&limit=${HISTORY_DEFAULT_LIMIT}`),
    );
    if (!page.ok) {
      ctx.update((s) => patchWindow(s, conversationId, { loadingOlder: false }));
      return page;
    }
    const myId = ctx.session.me()?.id ?? '';
    const messages = parseMessages(page.value?.messages).filter(
      (m) => m.conversationId === conversationId && m.seq < first.seq,
    );
    ctx.update((s) => {
      const current = s.messages[conversationId];
      if (!current) return s;
      const merged = mergeStoredMessages(current, messages, myId).window;
      const oldest = merged.items.find((m) => m.status === 'sent');
      return setWindow(s, conversationId, {
        ...merged,
        loadingOlder: false,
        hasOlder: messages.length > 0 && (oldest?.seq ?? 1) > 1,
      });
    });
    return ok(undefined);
  }

  /**
   * Makes the loaded window reach back to `seq` (a reply's original, a search hit): one
   * `aroundSeq` page, then `afterSeq` pages up to the window's first message, because a
   * window is contiguous (catch-up and gap checks rely on it). Nothing to do when it is held.
   */
  async function loadAround(conversationId: string, seq: number): Promise<Result<void>> {
    let window = ctx.state().messages[conversationId];
    if (!window || placeholders.has(conversationId)) {
      const opened = await loadNewestPage(conversationId, false);
      if (!opened.ok) return opened;
      window = ctx.state().messages[conversationId];
    }
    const first = window?.items.find((m) => m.status === 'sent');
    if (!window || !first || first.seq <= seq) return ok(undefined);
    const fetched: Message[] = [];
    const around = await ctx.session.api<MessagesResponse>(
      'GET',
      path(conversationId, `aroundSeq=${seq}&limit=${HISTORY_DEFAULT_LIMIT}`),
    );
    if (!around.ok) return around;
    fetched.push(...parseMessages(around.value?.messages));
    let top = Math.max(seq, ...fetched.map((m) => m.seq));
    while (top < first.seq - 1) {
      const page = await ctx.session.api<MessagesResponse>(
        'GET',
        path(conversationId, `afterSeq=${top}&limit=${HISTORY_MAX_LIMIT}`),
      );
      if (!page.ok) return page;
      const messages = parseMessages(page.value?.messages);
      if (messages.length === 0) break;
      fetched.push(...messages);
      top = Math.max(...messages.map((m) => m.seq));
    }
    const myId = ctx.session.me()?.id ?? '';
    const older = fetched.filter((m) => m.conversationId === conversationId && m.seq < first.seq);
    ctx.update((s) => {
      const current = s.messages[conversationId];
      if (!current) return s;
      const merged = mergeStoredMessages(current, older, myId).window;
      const oldest = merged.items.find((m) => m.status === 'sent');
      return setWindow(s, conversationId, { ...merged, hasOlder: (oldest?.seq ?? 1) > 1 });
    });
    return ok(undefined);
  }

  return {
    applyStored,
    loadAround,
    applyLive,
    /** A message from an ack, or null when it does not follow the contract. */
    parse(value: unknown): Message | null {
      const parsed = messageSchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    loadNewestPage,
    loadOlder,
    /** `open()`: loads the newest page unless the window is loaded already. */
    open(conversationId: string): Promise<Result<void>> {
      if (ctx.state().messages[conversationId] && !placeholders.has(conversationId))
        return Promise.resolve(ok(undefined));
      return loadNewestPage(conversationId, false);
    },
    isPlaceholder: (conversationId: string): boolean => placeholders.has(conversationId),
    addPlaceholder(conversationId: string): void {
      placeholders.add(conversationId);
    },
    /** Forgets placeholders whose window is gone (the list dropped the conversation). */
    prunePlaceholders(): void {
      for (const id of placeholders) if (!ctx.state().messages[id]) placeholders.delete(id);
    },
    syncedVersion: (conversationId: string): number | undefined => syncedVersion.get(conversationId),
    /** Records that the window holds every change up to `version` (never moves back). */
    setSyncedVersion(conversationId: string, version: number): void {
      if (!ctx.state().messages[conversationId]) return;
      syncedVersion.set(conversationId, Math.max(version, syncedVersion.get(conversationId) ?? 0));
      const ahead = aheadVersions.get(conversationId);
      if (ahead) for (const v of ahead) if (v <= version) ahead.delete(v);
    },
    /** The conversation is gone: forget its window's bookkeeping. */
    forget(conversationId: string): void {
      placeholders.delete(conversationId);
      syncedVersion.delete(conversationId);
      aheadVersions.delete(conversationId);
    },
    reset(): void {
      placeholders.clear();
      syncedVersion.clear();
      aheadVersions.clear();
    },
  };
}

function patchWindow(s: ClientState, conversationId: string, patch: Partial<MessageWindow>): ClientState {
  const window = s.messages[conversationId];
  if (!window) return s;
  return setWindow(s, conversationId, { ...window, ...patch });
}
