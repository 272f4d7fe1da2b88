/**
 * The outbox at work: every pending operation (send, edit, delete, react) is persisted before
 * it goes out, shown at once (sends as the window's pending tail), and sent one at a time in
 * order after catch-up, because the server assigns seqs and versions in commit order.
 * `invalid_input`/`not_found`/`forbidden`/too large fail for good; anything else stays
 * pending and is resent (a send with the same `clientId`).
 */
import type { HostResult } from '../host-api.js';
import type { Message } from '../protocol/models.js';
import {
  messageDeleteSchema,
  messageEditSchema,
  messageReactSchema,
  messageSendSchema,
} from '../protocol/socket.js';
import { emitWithAck, type AckResult } from './ack.js';
import type { ClientContext } from './context.js';
import { fail, guard, invalid, ok, type Result } from './http.js';
import { isDefinitiveSendError, isSend, parseOutbox, serializeOutbox, type OutboxEntry } from './outbox.js';
import { clearTimer, randomId, setTimer, type TimerHandle } from './runtime.js';
import { STORAGE_KEYS } from './session.js';
import type { MessageView, MessageWindow } from './state.js';
import { applyPendingChanges, setLocalTail, setWindow } from './state-updates.js';

/** The module that owns the outbox of pending operations, as other modules reach it through `ctx`. */
export type OutboxModule = ReturnType<typeof createOutbox>;

/** After a transient error (rate limit, server error) the outbox waits this long. */
const OUTBOX_RETRY_MS = 2000;

/** Creates the module that owns the outbox of pending operations. */
export function createOutbox(ctx: ClientContext) {
  let outbox: OutboxEntry[] = [];
  let outboxUserId: string | null = null;
  let persistChain: Promise<void> = Promise.resolve();
  let draining = false;
  let drainAgain = false;
  let drainTimer: TimerHandle | null = null;
  /** Rows as they were before a pending change was shown on them, to restore on refusal. */
  const originals = new Map<string, MessageView>();

  function persist(): Promise<void> {
    const userId = outboxUserId;
    const snapshot = outbox;
    // Writes are chained so an older outbox can never overwrite a newer one.
    persistChain = persistChain
      .then(() =>
        userId === null
          ? undefined
          : snapshot.length === 0
            ? ctx.storage.delete(STORAGE_KEYS.outbox)
            : ctx.storage.set(STORAGE_KEYS.outbox, serializeOutbox(userId, snapshot)),
      )
      .catch(() => {
        // Storage failing must not stop sending; the next change writes the whole outbox again.
      });
    return persistChain;
  }

  /**
   * Shows the outbox of a conversation in its window: sends as the pending/failed tail, edits,
   * deletes and reactions on the rows they change.
   */
  function refreshTail(conversationId: string): void {
    const me = ctx.session.me();
    if (!me) return;
    const all = outbox.filter((e) => e.conversationId === conversationId);
    const entries = all.filter(isSend);
    ctx.update((s) => {
      const window = s.messages[conversationId];
      if (window) {
        const shown = setLocalTail(applyPendingChanges(window, all, me.id), entries, me.id);
        return setWindow(s, conversationId, shown);
      }
      if (entries.length === 0) return s;
      // Sending into a conversation whose history is not loaded (offline start, say): show
      // the outbox now in a placeholder window; its history replaces it once loadable.
      ctx.messages.addPlaceholder(conversationId);
      const placeholder: MessageWindow = { items: [], hasOlder: true, loadingOlder: false };
      return setWindow(s, conversationId, setLocalTail(placeholder, entries, me.id));
    });
  }

  function remove(clientIds: ReadonlySet<string>): void {
    const removed = outbox.filter((e) => clientIds.has(e.clientId));
    if (removed.length === 0) return;
    outbox = outbox.filter((e) => !clientIds.has(e.clientId));
    void persist();
    for (const id of new Set(removed.map((e) => e.conversationId))) refreshTail(id);
  }

  function setStatus(clientId: string, status: OutboxEntry['status'], error: string | null): void {
    const entry = outbox.find((e) => e.clientId === clientId);
    if (!entry) return;
    outbox = outbox.map((e) => (e.clientId === clientId ? { ...e, status, error } : e));
    void persist();
    refreshTail(entry.conversationId);
  }

  function kickDrain(): void {
    if (!ctx.catchUp.isActive() && ctx.connection.socket()) void drain();
  }

  function emitEntry(entry: OutboxEntry): Promise<AckResult<{ message: Message }>> | null {
    const s = ctx.connection.socket();
    if (!s) return null;
    switch (entry.op) {
      case undefined:
      case 'send':
        return emitWithAck(s, 'message:send', {
          conversationId: entry.conversationId,
          clientId: entry.clientId,
          body: entry.body,
          ...(entry.replyToId ? { replyToId: entry.replyToId } : {}),
          ...(entry.attachmentIds?.length ? { attachmentIds: entry.attachmentIds } : {}),
        });
      case 'edit':
        return emitWithAck(s, 'message:edit', { messageId: entry.messageId, body: entry.body });
      case 'delete':
        return emitWithAck(s, 'message:delete', { messageId: entry.messageId });
      case 'react':
        return emitWithAck(s, 'message:react', {
          messageId: entry.messageId,
          emoji: entry.emoji,
          on: entry.on,
        });
    }
  }

  /** Sends pending entries one at a time, in order. */
  async function drain(): Promise<void> {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      for (;;) {
        const gen = ctx.connection.generation();
        if (ctx.catchUp.isActive()) return;
        const entry = outbox.find((e) => e.status === 'pending');
        if (!entry) return;
        const sending = emitEntry(entry);
        if (!sending) return;
        const ack = await sending;
        if (ack.ok) {
          // Done either way; even an unreadable ack means the server has it. Out of the outbox
          // first, so the stored copy is not shown with this change again as still pending.
          remove(new Set([entry.clientId]));
          if (!isSend(entry) && !outbox.some((e) => !isSend(e) && e.messageId === entry.messageId))
            originals.delete(entry.messageId);
          const message = ctx.messages.parse(ack.value.message);
          if (message) ctx.messages.applyLive(message, 'ack');
          else ctx.catchUp.fillGap(entry.conversationId);
          continue;
        }
        if (isDefinitiveSendError(ack.code)) {
          if (isSend(entry)) setStatus(entry.clientId, 'failed', ack.error);
          else {
            // Edits, deletes and reactions have no row of their own to show a failure on:
            // the row goes back to what the server has, and a notice says why.
            remove(new Set([entry.clientId]));
            revert(entry.conversationId, entry.messageId);
            ctx.notify({
              kind: 'operation-failed',
              text: failureText(entry, ack.error),
              conversationId: entry.conversationId,
            });
          }
          continue;
        }
        // Timeout, disconnect, rate limit or a server error: the entry stays pending. After a
        // disconnect the next catch-up drains again; otherwise try again shortly.
        if (gen === ctx.connection.generation() && ctx.connection.socket()) {
          clearTimer(drainTimer);
          drainTimer = setTimer(() => {
            drainTimer = null;
            kickDrain();
          }, OUTBOX_RETRY_MS);
        }
        return;
      }
    } finally {
      draining = false;
      if (drainAgain) {
        drainAgain = false;
        kickDrain();
      }
    }
  }

  /** Undoes the shown pending changes of a message the server refused to change. */
  function revert(conversationId: string, messageId: string): void {
    const original = originals.get(messageId);
    if (outbox.some((e) => !isSend(e) && e.messageId === messageId)) {
      refreshTail(conversationId);
      return;
    }
    originals.delete(messageId);
    const window = ctx.state().messages[conversationId];
    const shown = window?.items.find((m) => m.id === messageId);
    if (!shown?.pendingChange) return;
    if (!original) {
      // Started before a restart: the original is not known here; the server's is.
      void ctx.messages.loadNewestPage(conversationId, true);
      return;
    }
    ctx.update((s) => {
      const w = s.messages[conversationId];
      if (!w) return s;
      return setWindow(s, conversationId, {
        ...w,
        items: w.items.map((m) => (m.id === messageId ? original : m)),
      });
    });
  }

  /** Queues an operation: persisted before it goes out, so a crash right after loses nothing. */
  async function enqueue(entry: OutboxEntry): Promise<void> {
    if (!isSend(entry) && !originals.has(entry.messageId)) {
      const row = ctx.state().messages[entry.conversationId]?.items.find((m) => m.id === entry.messageId);
      if (row && !row.pendingChange) originals.set(entry.messageId, row);
    }
    outbox = [...outbox, entry];
    refreshTail(entry.conversationId);
    await persist();
    kickDrain();
  }

  /** The conversation of a stored message we hold, for operations on it. */
  function storedMessage(messageId: string): Message | null {
    for (const window of Object.values(ctx.state().messages)) {
      const found = window.items.find((m) => m.id === messageId && m.status === 'sent');
      if (found) return found;
    }
    return ctx.state().conversations.find((c) => c.lastMessage?.id === messageId)?.lastMessage ?? null;
  }

  function target(messageId: unknown): Result<Message> {
    if (!ctx.session.me() || !ctx.running) return fail('signed_out', 'Sign in first');
    if (typeof messageId !== 'string' || messageId === '') return fail('invalid_input', 'No message given');
    if (outbox.some((e) => e.clientId === messageId && isSend(e)))
      return fail('invalid_input', 'This message is not sent yet; retry or discard it instead');
    // A v1 server never answers these events: they would wait in the outbox forever.
    if (ctx.state().server?.compatibility === 'legacy')
      return fail('unsupported', 'This server is too old to edit, delete or react to messages');
    const message = storedMessage(messageId);
    return message ? ok(message) : fail('not_found', 'No such message is loaded');
  }

  const base = (conversationId: string) => ({
    clientId: randomId(),
    conversationId,
    createdAt: new Date(ctx.now()).toISOString(),
    status: 'pending' as const,
    error: null,
  });

  const findEntry = (clientId: string): Result<OutboxEntry> => {
    const entry = outbox.find((e) => e.clientId === clientId);
    return entry ? ok(entry) : fail('not_found', 'No such message in the outbox');
  };

  /** The public `messages` operations that go through the outbox. */
  const api = {
    send: (
      conversationId: string,
      body: string,
      options?: { replyToId?: string; attachmentIds?: string[] },
    ): Promise<HostResult<{ clientId: string }>> =>
      guard(async () => {
        if (!ctx.session.me() || !ctx.running) return fail('signed_out', 'Sign in to send messages');
        const parsed = messageSendSchema.safeParse({
          conversationId,
          clientId: 'pending',
          body,
          replyToId: options?.replyToId,
          attachmentIds: options?.attachmentIds,
        });
        if (!parsed.success) return invalid(parsed.error.issues);
        const replyToId = parsed.data.replyToId ?? undefined;
        const attachmentIds = parsed.data.attachmentIds ?? undefined;
        const known = attachmentIds?.flatMap((id) => ctx.attachments.uploadedInfo(id) ?? []) ?? [];
        const entry = {
          ...base(parsed.data.conversationId),
          body: parsed.data.body,
          ...(replyToId ? { replyToId } : {}),
          ...(attachmentIds ? { attachmentIds } : {}),
          ...(known.length > 0 ? { attachments: known } : {}),
        };
        ctx.typing.sent(entry.conversationId);
        await enqueue(entry);
        return ok({ clientId: entry.clientId });
      }),
    edit: (messageId: string, body: string): Promise<HostResult> =>
      guard(async () => {
        const message = target(messageId);
        if (!message.ok) return message;
        const parsed = messageEditSchema.safeParse({ messageId, body });
        if (!parsed.success) return invalid(parsed.error.issues);
        await enqueue({
          ...base(message.value.conversationId),
          op: 'edit',
          messageId,
          body: parsed.data.body,
        });
        return ok(undefined);
      }),
    delete: (messageId: string): Promise<HostResult> =>
      guard(async () => {
        const message = target(messageId);
        if (!message.ok) return message;
        const parsed = messageDeleteSchema.safeParse({ messageId });
        if (!parsed.success) return invalid(parsed.error.issues);
        await enqueue({ ...base(message.value.conversationId), op: 'delete', messageId });
        return ok(undefined);
      }),
    react: (messageId: string, emoji: string, on: boolean): Promise<HostResult> =>
      guard(async () => {
        const message = target(messageId);
        if (!message.ok) return message;
        const parsed = messageReactSchema.safeParse({ messageId, emoji, on });
        if (!parsed.success) return invalid(parsed.error.issues);
        await enqueue({ ...base(message.value.conversationId), op: 'react', messageId, emoji, on });
        return ok(undefined);
      }),
    retry: (clientId: string): Promise<HostResult> =>
      guard(async () => {
        const entry = findEntry(clientId);
        if (!entry.ok) return entry;
        if (entry.value.status === 'failed') setStatus(clientId, 'pending', null);
        await persistChain;
        kickDrain();
        return ok(undefined);
      }),
    discard: (clientId: string): Promise<HostResult> =>
      guard(async () => {
        const entry = findEntry(clientId);
        if (!entry.ok) return entry;
        // A pending entry may already be on its way; dropping it could not unsend it.
        if (entry.value.status !== 'failed')
          return fail('invalid_input', 'Only a failed message can be discarded');
        remove(new Set([clientId]));
        await persist();
        return ok(undefined);
      }),
  };

  return {
    api,
    drain,
    kick: kickDrain,
    /** Loads a user's persisted outbox (`onlyIfOtherUser`: keep the one loaded for them). */
    async load(userId: string, onlyIfOtherUser = false): Promise<void> {
      if (onlyIfOtherUser && outboxUserId === userId) return;
      const raw = await ctx.storage.get(STORAGE_KEYS.outbox);
      outbox = parseOutbox(raw, userId);
      outboxUserId = userId;
      if (raw !== null && outbox.length === 0) await ctx.storage.delete(STORAGE_KEYS.outbox);
    },
    showAll(): void {
      for (const conversationId of new Set(outbox.map((e) => e.conversationId))) refreshTail(conversationId);
    },
    /** Sends the server stored (ours, seen in any answer or event) leave the outbox. */
    storedByServer(messages: readonly Message[]): void {
      const stored = new Set(messages.map((m) => m.clientId));
      const done = outbox.filter((e) => isSend(e) && stored.has(e.clientId)).map((e) => e.clientId);
      if (done.length > 0) remove(new Set(done));
    },
    /** What waits for a conversation (its window's tail and pending changes). */
    entriesOf: (conversationId: string): OutboxEntry[] =>
      outbox.filter((e) => e.conversationId === conversationId),
    /** Shows pending changes again after stored messages replaced rows (see messages.ts). */
    reapply(conversationId: string): void {
      if (outbox.some((e) => e.conversationId === conversationId && !isSend(e))) refreshTail(conversationId);
    },
    /** The conversation is gone: nothing can be sent there any more. */
    dropConversation(conversationId: string): void {
      const ids = outbox.filter((e) => e.conversationId === conversationId).map((e) => e.clientId);
      if (ids.length === 0) return;
      outbox = outbox.filter((e) => e.conversationId !== conversationId);
      void persist();
    },
    /** Stops the retry timer and lets queued writes land. */
    async stop(): Promise<void> {
      clearTimer(drainTimer);
      drainTimer = null;
      await persistChain;
    },
    clear(): void {
      originals.clear();
      outbox = [];
      outboxUserId = null;
    },
  };
}

function failureText(entry: OutboxEntry, error: string): string {
  const what = entry.op === 'edit' ? 'edit' : entry.op === 'delete' ? 'delete' : 'react to';
  return `Could not ${what} the message: ${error}`;
}
