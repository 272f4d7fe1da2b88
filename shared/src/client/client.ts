/**
 * The client core, composed: each domain is a module with its own part of the state
 * (session.ts, connection.ts, catch-up.ts, outbox-queue.ts, conversations.ts, messages.ts,
 * reads.ts, presence.ts, typing.ts, calls.ts, server-info.ts); this file creates them over
 * one context and assembles the public `ParleyClient`.
 */
import {
  createConversationRequestSchema,
  loginRequestSchema,
  registerRequestSchema,
} from '../protocol/http.js';
import type { UserSearchResponse } from '../protocol/http.js';
import { userSchema } from '../protocol/models.js';
import { createAttachments } from './attachments.js';
import { createAccount } from './account.js';
import { createAdmin } from './admin.js';
import { createStateCache } from './state-cache.js';
import { createCalls } from './calls.js';
import { createGroups } from './groups.js';
import { createCatchUp } from './catch-up.js';
import { createConnection } from './connection.js';
import { createContextBase, type ClientContext } from './context.js';
import { createConversations } from './conversations.js';
import { fail, guard, invalid, normalizeServerUrl, ok, requestJson } from './http.js';
import { createMessages } from './messages.js';
import { createOutbox } from './outbox-queue.js';
import { createPresence } from './presence.js';
import { createReads } from './reads.js';
import { createSearch } from './search.js';
import { globalFetch } from './runtime.js';
import { createServerInfo } from './server-info.js';
import { createSession } from './session.js';
import { initialClientState, type ClientState } from './state.js';
import { createStore } from './store.js';
import { createTyping } from './typing.js';
import type { ParleyClient, ParleyClientOptions } from './types.js';

export { STORAGE_KEYS } from './session.js';
export { ACK_TIMEOUT_MS } from './ack.js';

/** Creates every module over one context (tests use it to reach a module directly). */
export function createClientContext(options: ParleyClientOptions): ClientContext {
  const store = createStore<ClientState>(initialClientState);
  const ctx = createContextBase(options, store, options.fetch ?? globalFetch) as ClientContext;
  ctx.session = createSession(ctx);
  ctx.connection = createConnection(ctx);
  ctx.catchUp = createCatchUp(ctx);
  ctx.outbox = createOutbox(ctx);
  ctx.conversations = createConversations(ctx);
  ctx.messages = createMessages(ctx);
  ctx.reads = createReads(ctx);
  ctx.presence = createPresence(ctx);
  ctx.typing = createTyping(ctx);
  ctx.calls = createCalls(ctx);
  ctx.serverInfo = createServerInfo(ctx);
  ctx.attachments = createAttachments(ctx);
  ctx.account = createAccount(ctx);
  ctx.groups = createGroups(ctx);
  ctx.admin = createAdmin(ctx);
  ctx.stateCache = createStateCache(ctx);
  return ctx;
}

/**
 * Creates the client core. It does nothing until `start()` (restore a stored session) or
 * `auth.signIn`/`auth.signUp`. Every method resolves with a HostResult and never throws.
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const ctx = createClientContext(options);
  const { session, connection, store } = ctx;
  const search = createSearch(ctx);

  return {
    start: () => session.start(),
    async stop() {
      await session.teardown();
      connection.setConnection({ status: 'idle', nextRetryAt: null });
    },
    getSnapshot: () => store.getSnapshot(),
    subscribe: (listener) => store.subscribe(listener),
    onEvent(listener) {
      ctx.eventListeners.add(listener);
      return () => {
        ctx.eventListeners.delete(listener);
      };
    },
    networkChanged: (online) => connection.networkChanged(online),

    auth: {
      defaultServerUrl: () => session.defaultServerUrl(),
      signIn: (input) =>
        guard(async () => {
          const body = loginRequestSchema.safeParse({ username: input?.username, password: input?.password });
          if (!body.success) return invalid(body.error.issues);
          return session.authenticate('/api/auth/login', String(input.serverUrl ?? ''), body.data);
        }),
      signUp: (input) =>
        guard(async () => {
          const body = registerRequestSchema.safeParse({
            username: input?.username,
            password: input?.password,
            displayName: input?.displayName || undefined,
            inviteCode: input?.inviteCode || undefined,
          });
          if (!body.success) return invalid(body.error.issues);
          return session.authenticate('/api/auth/register', String(input.serverUrl ?? ''), body.data);
        }),
      signOut: () => guard(() => session.signOut()),
      serverInfo: (serverUrl) =>
        guard(async () => {
          const url = normalizeServerUrl(String(serverUrl ?? ''));
          if (!url) return fail('invalid_input', 'Enter the server address');
          const result = await requestJson<{ name?: unknown; registration?: unknown }>(
            ctx.fetch,
            url,
            '/api/server',
            {
              method: 'GET',
            },
          );
          // A v1 server has no /api/server: nothing known, sign-up as before.
          if (!result.ok) return result.status === 404 ? ok({ name: null, registration: null }) : result;
          const { name, registration } = result.value ?? {};
          return ok({
            name: typeof name === 'string' ? name : null,
            registration:
              registration === 'open' || registration === 'invite' || registration === 'closed'
                ? registration
                : null,
          });
        }),
    },

    conversations: {
      open: (conversationId) =>
        guard(async () => {
          const id = typeof conversationId === 'string' && conversationId !== '' ? conversationId : null;
          ctx.update((s) => (s.openConversationId === id ? s : { ...s, openConversationId: id }));
          return id === null ? ok(undefined) : ctx.messages.open(id);
        }),
      loadOlder: (conversationId) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || conversationId === '')
            return fail('invalid_input', 'No conversation given');
          return ctx.messages.loadOlder(conversationId);
        }),
      loadAround: (conversationId, seq) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || conversationId === '')
            return fail('invalid_input', 'No conversation given');
          if (!Number.isInteger(seq) || seq < 1) return fail('invalid_input', 'No message position given');
          return ctx.messages.loadAround(conversationId, seq);
        }),
      markRead: (conversationId, seq) => guard(() => ctx.reads.markRead(conversationId, seq)),
      createDirect: (userId) =>
        guard(async () => {
          const body = createConversationRequestSchema.safeParse({ type: 'direct', userId });
          if (!body.success) return invalid(body.error.issues);
          return ctx.conversations.create(body.data);
        }),
      createGroup: (title, memberIds) =>
        guard(async () => {
          const body = createConversationRequestSchema.safeParse({ type: 'group', title, memberIds });
          if (!body.success) return invalid(body.error.issues);
          return ctx.conversations.create(body.data);
        }),
    },

    messages: {
      ...ctx.outbox.api,
      setTyping: (conversationId, typing) => guard(async () => ctx.typing.setTyping(conversationId, typing)),
    },

    users: {
      search: (query) =>
        guard(async () => {
          const q = typeof query === 'string' ? query.trim() : '';
          const result = await session.api<UserSearchResponse>(
            'GET',
            `/api/users?q=${encodeURIComponent(q)}`,
          );
          if (!result.ok) return result;
          const users = Array.isArray(result.value?.users) ? result.value.users : [];
          return ok(
            users.flatMap((u) => {
              const parsed = userSchema.safeParse(u);
              return parsed.success ? [parsed.data] : [];
            }),
          );
        }),
    },

    search: {
      messages: (query, options) => guard(() => search.messages(query, options)),
    },

    connection: {
      retryNow: () =>
        guard(async () => {
          if (!ctx.running) return fail('signed_out', 'Not signed in');
          connection.retryNow();
          return ok(undefined);
        }),
    },

    calls: ctx.calls.api,

    attachments: ctx.attachments.api,
    account: ctx.account.api,
    groups: ctx.groups.api,
    invites: ctx.account.invites,
    admin: ctx.admin.api,
  };
}
