/**
 * Conversations: the list (`ClientState.conversations`), merged from HTTP answers and live
 * events, metadata updates, removal (with a notice, and the conversation's outbox entries
 * dropped), member profile updates, and creating conversations.
 */
import type { ConversationListResponse, ConversationResponse } from '../protocol/http.js';
import { conversationSchema, type Conversation, type User } from '../protocol/models.js';
import { conversationTitle } from '../rules/titles.js';
import type { ClientContext } from './context.js';
import { fail, ok, type Result } from './http.js';
import type { ClientState } from './state.js';
import {
  applyRead,
  readsFromMembers,
  readsFromMessages,
  replaceConversation,
  sortConversations,
} from './state-updates.js';

/** The module that owns the conversation list (`ClientState.conversations`), as other modules reach it through `ctx`. */
export type ConversationsModule = ReturnType<typeof createConversations>;

/** Creates the module that owns the conversation list (`ClientState.conversations`). */
export function createConversations(ctx: ClientContext) {
  let listRefresh: Promise<void> | null = null;

  /** Members' read positions and last messages say who read what (see reads.ts). */
  function readsOf(s: ClientState, conversations: readonly Conversation[], myId: string): ClientState {
    let next = s;
    for (const c of conversations) {
      next = readsFromMembers(next, c, myId);
      if (c.lastMessage) next = readsFromMessages(next, c.id, [c.lastMessage], myId);
    }
    return next;
  }

  /**
   * The fresh copy of a conversation, keeping what is newer locally: a message:new that
   * arrived while the answer was on its way, and a read not yet acknowledged.
   */
  function freshOrLocal(s: ClientState, fresh: Conversation, local: Conversation | undefined, myId: string) {
    let next = fresh;
    if (local && local.lastSeq > fresh.lastSeq) {
      next = {
        ...fresh,
        lastMessage: local.lastMessage,
        lastSeq: local.lastSeq,
        unreadCount: local.unreadCount,
        ...(local.version != null ? { version: Math.max(local.version, fresh.version ?? 0) } : {}),
      };
    }
    const pendingRead = ctx.reads.pending(fresh.id);
    if (pendingRead !== undefined) next = applyRead(next, s.messages[fresh.id], pendingRead, myId);
    return local && sameConversation(local, next) ? local : next;
  }

  /**
   * Replaces the list with the server's (`GET /api/conversations`). Entries that do not
   * parse keep their local copy; conversations held when the request went out
   * (`heldAtRequest`) but no longer listed were left or removed, and are dropped with a
   * notice (ones added meanwhile stay). `presenceSince`: `presence.clock()` at the request.
   */
  function mergeList(raw: unknown, presenceSince: number, heldAtRequest: ReadonlySet<string>): void {
    const me = ctx.session.me();
    if (!me) return;
    const myId = me.id;
    const entries = Array.isArray(raw) ? (raw as unknown[]) : [];
    const parsed: Conversation[] = [];
    const unreadable = new Set<string>();
    for (const entry of entries) {
      const result = conversationSchema.safeParse(entry);
      if (result.success) parsed.push(result.data);
      else if (typeof (entry as { id?: unknown })?.id === 'string')
        unreadable.add((entry as { id: string }).id);
    }
    const listed = new Set([...parsed.map((c) => c.id), ...unreadable]);
    const gone = ctx.state().conversations.filter((c) => !listed.has(c.id) && heldAtRequest.has(c.id));
    ctx.update((s) => {
      const current = new Map(s.conversations.map((c) => [c.id, c]));
      const merged = parsed.map((fresh) => freshOrLocal(s, fresh, current.get(fresh.id), myId));
      for (const local of s.conversations) {
        if (unreadable.has(local.id) || (!listed.has(local.id) && !heldAtRequest.has(local.id)))
          merged.push(local);
      }
      const known = new Set(merged.map((c) => c.id));
      const messages = Object.fromEntries(Object.entries(s.messages).filter(([id]) => known.has(id)));
      const same = Object.keys(messages).length === Object.keys(s.messages).length;
      return readsOf(
        {
          ...s,
          conversations: sortConversations(merged),
          messages: same ? s.messages : messages,
          presence: ctx.presence.fromConversations(s.presence, merged, presenceSince),
        },
        merged,
        myId,
      );
    });
    for (const conversation of gone) forget(conversation);
  }

  /**
   * Adds or refreshes conversations from `conversation:new` or an HTTP answer.
   * `presenceSince`: `presence.clock()` when the request went out (socket events leave it).
   */
  function add(conversations: Conversation[], presenceSince = ctx.presence.clock()): void {
    const me = ctx.session.me();
    if (!me || conversations.length === 0) return;
    const myId = me.id;
    ctx.update((s) => {
      let next = s;
      for (const conversation of conversations) {
        const existing = next.conversations.find((c) => c.id === conversation.id);
        const fresh = freshOrLocal(next, conversation, existing, myId);
        if (fresh !== existing) next = replaceConversation(next, fresh);
      }
      next = readsOf(next, conversations, myId);
      const presence = ctx.presence.fromConversations(next.presence, conversations, presenceSince);
      return presence === next.presence ? next : { ...next, presence };
    });
  }

  /** Groups we asked to leave, whose removal needs no notice (see `leaving`). */
  const leaving = new Set<string>();

  /** Drops a conversation, its window and its outbox entries, and tells the user. */
  function forget(conversation: Conversation): void {
    const title = conversationTitle(conversation, ctx.session.me()?.id);
    drop(conversation.id);
    ctx.notify({
      kind: 'conversation-removed',
      text: `You are no longer in “${title}”. It was removed from your list with anything still waiting to be sent there.`,
      conversationId: conversation.id,
    });
  }

  function drop(conversationId: string): void {
    ctx.messages.forget(conversationId);
    ctx.outbox.dropConversation(conversationId);
    ctx.update((s) => {
      if (!s.conversations.some((c) => c.id === conversationId) && !s.messages[conversationId]) return s;
      const messages = { ...s.messages };
      delete messages[conversationId];
      const typing = { ...s.typing };
      delete typing[conversationId];
      return {
        ...s,
        conversations: s.conversations.filter((c) => c.id !== conversationId),
        messages,
        typing,
        openConversationId: s.openConversationId === conversationId ? null : s.openConversationId,
      };
    });
  }

  /** A message for a conversation we do not know yet: the list brings it (with the message). */
  function refreshList(): void {
    if (listRefresh || ctx.catchUp.isActive()) return;
    const gen = ctx.connection.generation();
    listRefresh = (async () => {
      const requestedAt = ctx.presence.clock();
      const list = await ctx.session.api<ConversationListResponse>('GET', '/api/conversations');
      if (gen !== ctx.connection.generation() || !list.ok) return;
      const fresh = parseConversations(list.value?.conversations);
      const known = new Set(ctx.state().conversations.map((c) => c.id));
      const added = fresh.filter((c) => !known.has(c.id));
      add(added, requestedAt);
      const me = ctx.session.me();
      for (const conversation of added) {
        const last = conversation.lastMessage;
        if (last && me && last.senderId !== me.id)
          ctx.emitEvent({ type: 'message', message: last, conversation, fromCatchUp: false });
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        listRefresh = null;
      });
  }

  async function create(body: unknown): Promise<Result<Conversation>> {
    const requestedAt = ctx.presence.clock();
    const result = await ctx.session.api<ConversationResponse>('POST', '/api/conversations', body);
    if (!result.ok) return result;
    const parsed = conversationSchema.safeParse(result.value?.conversation);
    if (!parsed.success) return fail('bad_response', 'The server answered with an unreadable conversation');
    add([parsed.data], requestedAt);
    return ok(ctx.state().conversations.find((c) => c.id === parsed.data.id) ?? parsed.data);
  }

  return {
    mergeList,
    add,
    refreshList,
    create,
    /**
     * `conversation:updated`: new title, avatar, members or roles. The last message, read
     * position and unread count stay ours (the event is the same for every member).
     */
    replaceMetadata(conversation: Conversation): void {
      const local = ctx.state().conversations.find((c) => c.id === conversation.id);
      if (!local) {
        add([conversation]);
        return;
      }
      add([
        {
          ...local,
          type: conversation.type,
          title: conversation.title,
          avatarId: conversation.avatarId,
          members: conversation.members,
          version: Math.max(local.version ?? 0, conversation.version ?? 0),
        },
      ]);
    },
    /**
     * We are leaving the group ourselves (`on`), or the request ended: while on, its
     * `conversation:removed` (which can arrive before the answer) drops it without a notice.
     */
    leaving(conversationId: string, on: boolean): void {
      if (on) leaving.add(conversationId);
      else leaving.delete(conversationId);
    },
    /** We left the group: dropped without a notice. */
    left: (conversationId: string): void => drop(conversationId),
    /** `conversation:removed`, or a 404 for a conversation we held. */
    removed(conversationId: string): void {
      const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
      if (conversation && !leaving.has(conversationId)) forget(conversation);
      else drop(conversationId);
    },
    /** `user:updated`: a member's profile changed (or the account was deactivated). */
    updateUser(user: User): void {
      ctx.update((s) => {
        let changed = false;
        const conversations = s.conversations.map((c) => {
          if (!c.members.some((m) => m.id === user.id)) return c;
          changed = true;
          // The profile only: presence, role and read position are not the profile's to change.
          const members = c.members.map((m) => (m.id === user.id ? { ...m, ...profileOf(user) } : m));
          return { ...c, members };
        });
        const session =
          s.session.status === 'signed-in' && s.session.user.id === user.id
            ? {
                ...s.session,
                user: { ...s.session.user, ...profileOf(user) },
                accountRevision: (s.session.accountRevision ?? 0) + 1,
              }
            : s.session;
        return changed || session !== s.session ? { ...s, conversations, session } : s;
      });
    },
  };
}

function profileOf(user: User): Pick<User, 'username' | 'displayName' | 'avatarId' | 'deactivated'> {
  return {
    username: user.username,
    displayName: user.displayName,
    avatarId: user.avatarId,
    deactivated: user.deactivated,
  };
}

/** Parses a list of conversations, dropping what does not follow the contract. */
export function parseConversations(value: unknown): Conversation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c) => {
    const parsed = conversationSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Whether two copies of a conversation show the same thing (keeps object identity). */
function sameConversation(a: Conversation, b: Conversation): boolean {
  return (
    a.lastSeq === b.lastSeq &&
    a.readSeq === b.readSeq &&
    a.unreadCount === b.unreadCount &&
    (a.version ?? null) === (b.version ?? null) &&
    (a.title ?? null) === (b.title ?? null) &&
    (a.avatarId ?? null) === (b.avatarId ?? null) &&
    (a.lastMessage?.id ?? null) === (b.lastMessage?.id ?? null) &&
    (a.lastMessage?.version ?? null) === (b.lastMessage?.version ?? null) &&
    a.members.length === b.members.length &&
    a.members.every((m, i) => {
      const o = b.members[i];
      return (
        o !== undefined &&
        o.id === m.id &&
        o.displayName === m.displayName &&
        (o.online ?? null) === (m.online ?? null) &&
        (o.role ?? null) === (m.role ?? null) &&
        (o.readSeq ?? null) === (m.readSeq ?? null) &&
        (o.avatarId ?? null) === (m.avatarId ?? null) &&
        (o.deactivated ?? null) === (m.deactivated ?? null)
      );
    })
  );
}
