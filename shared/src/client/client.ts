import { io, type Socket } from 'socket.io-client';
import type { CallSignal, HostResult } from '../host-api.js';
import type {
  AuthResponse,
  ConversationListResponse,
  ConversationResponse,
  IceServersResponse,
  MeResponse,
  MessagesResponse,
  TokenPair,
  UserSearchResponse,
} from '../protocol/http.js';
import {
  createConversationRequestSchema,
  loginRequestSchema,
  registerRequestSchema,
} from '../protocol/http.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, TYPING_EXPIRY_MS } from '../protocol/limits.js';
import {
  conversationSchema,
  messageSchema,
  userSchema,
  type Conversation,
  type Message,
  type User,
} from '../protocol/models.js';
import {
  CALL_END_REASONS,
  messageSendSchema,
  type Ack,
  type CallEndReason,
  type CallIncomingEvent,
  type CallSignalEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../protocol/socket.js';
import { backoffDelay } from './backoff.js';
import {
  describeError,
  fail,
  normalizeServerUrl,
  ok,
  requestJson,
  toHostResult,
  type Failure,
  type Result,
} from './http.js';
import {
  isDefinitiveSendError,
  OUTBOX_STORAGE_KEY,
  parseOutbox,
  serializeOutbox,
  type OutboxEntry,
} from './outbox.js';
import { clearTimer, globalFetch, randomId, setTimer, base64Decode, type TimerHandle } from './runtime.js';
import {
  initialClientState,
  type CallState,
  type ClientState,
  type ConnectionState,
  type MessageWindow,
} from './state.js';
import {
  applyMessageToConversation,
  applyRead,
  heldSeq,
  mergeStoredMessages,
  newWindow,
  presenceFromConversations,
  readsFromMessages,
  replaceConversation,
  setLocalTail,
  setPresence,
  setReadReceipt,
  setTypingUser,
  setWindow,
  sortConversations,
} from './state-updates.js';
import { createStore } from './store.js';
import type { ClientEvent, ParleyClient, ParleyClientOptions } from './types.js';

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Keys the client core uses in the host's storage. Hosts may encrypt `refreshToken`. */
export const STORAGE_KEYS = {
  serverUrl: 'serverUrl',
  refreshToken: 'refreshToken',
  /** The signed-in user (JSON), so a restored session shows who is signed in while offline. */
  user: 'user',
  outbox: OUTBOX_STORAGE_KEY,
} as const;

/** How long an acknowledgement may take before the event counts as not delivered. */
export const ACK_TIMEOUT_MS = 10_000;
/** Access tokens are refreshed when this share of their lifetime has passed. */
const REFRESH_AT_LIFETIME_SHARE = 0.8;
/** A token this close to expiry is refreshed before use rather than risked. */
const TOKEN_MIN_REMAINING_MS = 15_000;
/** Catch-up refetches rather than pages through a gap larger than this many messages. */
const CATCH_UP_RESET_GAP = 1000;
/** typing:start is repeated at most this often while the user keeps typing (server expiry ~6 s). */
const TYPING_REPEAT_MS = 3000;
/** After a transient send error (rate limit, server error) the outbox waits this long. */
const OUTBOX_RETRY_MS = 2000;

const SESSION_ENDED_MESSAGES: Record<string, string> = {
  refresh_reused:
    'You were signed out because this sign-in was used from two places at once (a copied or stolen token). Please sign in again.',
  invalid_token: 'Your session has expired or was ended on another device. Please sign in again.',
};

/**
 * Creates the client core. It does nothing until `start()` (restore a stored session) or
 * `auth.signIn`/`auth.signUp`. Every method resolves with a HostResult and never throws.
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const storage = options.storage;
  const fetchFn = options.fetch ?? globalFetch;
  const now = options.now ?? (() => Date.now());
  const store = createStore<ClientState>(initialClientState);
  const eventListeners = new Set<(event: ClientEvent) => void>();
  const signalListeners = new Set<(signal: CallSignal) => void>();

  // ---- session ----
  let serverUrl: string | null = null;
  let me: User | null = null;
  let refreshToken: string | null = null;
  let accessToken: string | null = null;
  /** Local clock time at which the access token expires. */
  let accessExpiresAt = 0;
  let accessLifetimeMs = 0;
  let refreshing: Promise<Result<void>> | null = null;
  let refreshTimer: TimerHandle | null = null;
  /** Bumped on every sign-in and sign-out: late answers for an older session are dropped. */
  let epoch = 0;

  // ---- connection ----
  /** True while a session should be connected (between start/sign-in and stop/sign-out). */
  let running = false;
  let offline = false;
  let socket: ParleySocket | null = null;
  /** Bumped on every connection attempt: events of older sockets are ignored. */
  let connGen = 0;
  let attempt = 0;
  let everConnected = false;
  let retryTimer: TimerHandle | null = null;
  /** One immediate retry after the server refused an expired token, then normal backoff. */
  let tokenRetryUsed = false;
  let catchingUp = false;
  let everLoadedConversations = false;

  // ---- outbox, reads, typing ----
  let outbox: OutboxEntry[] = [];
  let outboxUserId: string | null = null;
  let persistChain: Promise<void> = Promise.resolve();
  let draining = false;
  let drainAgain = false;
  let drainTimer: TimerHandle | null = null;
  /** Reads made while disconnected (or unacknowledged), sent after the next connect. */
  const pendingReads = new Map<string, number>();
  const typingTimers = new Map<string, TimerHandle>();
  const typingSentAt = new Map<string, number>();
  const windowLoads = new Map<string, Promise<Result<void>>>();
  /** Windows that show only outbox entries; their history has not been loaded yet. */
  const placeholders = new Set<string>();
  const gapFills = new Set<string>();
  /** Live messages of conversations not yet known while the list was being fetched. */
  let deferredLive: Message[] = [];

  // ---- presence ----
  /** Counts live presence events (user:online/user:offline). */
  let presenceClock = 0;
  /** User id → `presenceClock` of that user's latest live presence event. */
  const livePresenceAt = new Map<string, number>();
  /**
   * Users whose presence came live after `since` (a `presenceClock` taken when an HTTP
   * request went out). Presence inside the response was computed before those events, so it
   * must not overwrite them.
   */
  function livePresenceSince(since: number): ReadonlySet<string> {
    const users = new Set<string>();
    if (since === presenceClock) return users;
    for (const [userId, at] of livePresenceAt) if (at > since) users.add(userId);
    return users;
  }
  function markLivePresence(userId: string): void {
    livePresenceAt.set(userId, ++presenceClock);
  }

  const state = (): ClientState => store.getSnapshot();
  const update = (updater: (s: ClientState) => ClientState): void => store.update(updater);

  function emitEvent(event: ClientEvent): void {
    for (const listener of [...eventListeners]) {
      try {
        listener(event);
      } catch {
        // A host's listener failing must not break message handling.
      }
    }
  }

  /** Wraps a public method: whatever goes wrong inside becomes a failed HostResult. */
  async function guard<T>(fn: () => Promise<Result<T>>): Promise<HostResult<T>> {
    try {
      return toHostResult(await fn());
    } catch (error) {
      return { ok: false, error: `Internal error in the client: ${describeError(error)}`, code: 'internal' };
    }
  }

  function setConnection(patch: Partial<ConnectionState>): void {
    update((s) => {
      const next = { ...s.connection, ...patch };
      const same = (Object.keys(next) as (keyof ConnectionState)[]).every((k) => next[k] === s.connection[k]);
      return same ? s : { ...s, connection: next };
    });
  }

  // =====================================================================================
  // Session and tokens
  // =====================================================================================

  function setAccessToken(pair: TokenPair): void {
    accessToken = pair.accessToken;
    accessLifetimeMs = tokenLifetimeMs(pair);
    accessExpiresAt = now() + accessLifetimeMs;
    scheduleRefresh();
  }

  /**
   * The token's lifetime, from its own `iat`/`exp` when readable: those are both server
   * clock, so a client clock that is off by minutes does not make us refresh in a loop or
   * too late. Falls back to `accessTokenExpiresAt` against the local clock.
   */
  function tokenLifetimeMs(pair: TokenPair): number {
    const claims = decodeJwtClaims(pair.accessToken);
    if (
      claims &&
      typeof claims.exp === 'number' &&
      typeof claims.iat === 'number' &&
      claims.exp > claims.iat
    ) {
      return (claims.exp - claims.iat) * 1000;
    }
    const expiresAt = Date.parse(pair.accessTokenExpiresAt);
    return Number.isNaN(expiresAt) ? 60_000 : Math.max(10_000, expiresAt - now());
  }

  function scheduleRefresh(): void {
    clearTimer(refreshTimer);
    refreshTimer = null;
    if (!running) return;
    // Called right after a new token arrives, so what remains is its whole lifetime:
    // refresh when 80 % of it has passed, leaving a fifth as margin for a slow network.
    const delay = Math.max(1000, (accessExpiresAt - now()) * REFRESH_AT_LIFETIME_SHARE);
    const myEpoch = epoch;
    refreshTimer = setTimer(() => {
      refreshTimer = null;
      if (myEpoch !== epoch || !running) return;
      void refreshSession().then((result) => {
        // A network failure leaves the session alone; retry while the token still lives
        // (reconnects refresh on their own when it does not).
        if (
          !result.ok &&
          result.code !== 'signed_out' &&
          running &&
          myEpoch === epoch &&
          accessExpiresAt > now()
        ) {
          clearTimer(refreshTimer);
          refreshTimer = setTimer(() => {
            refreshTimer = null;
            if (running && myEpoch === epoch) void refreshSession();
          }, 10_000);
        }
      });
    }, delay);
  }

  /** One refresh at a time: two concurrent refreshes with one token would revoke the session. */
  function refreshSession(): Promise<Result<void>> {
    refreshing ??= doRefresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function doRefresh(): Promise<Result<void>> {
    // Hosts where several client cores share one storage (browser tabs) pass a lock, so
    // only one of them rotates the shared refresh token at a time.
    return options.withRefreshLock ? options.withRefreshLock(refreshUnderLock) : refreshUnderLock();
  }

  async function refreshUnderLock(): Promise<Result<void>> {
    const myEpoch = epoch;
    const url = serverUrl;
    if (!url || !refreshToken) return fail('signed_out', 'Not signed in');
    // Another client core over the same storage may have rotated the token already; the one
    // we hold would then count as reused and revoke the session for everybody.
    const [stored, storedUser] = await Promise.all([
      storage.get(STORAGE_KEYS.refreshToken),
      storage.get(STORAGE_KEYS.user),
    ]);
    if (myEpoch !== epoch) return fail('signed_out', 'The session changed while refreshing');
    if (stored === null) {
      await endSession('You were signed out in another window.');
      return fail('signed_out', 'Signed out in another window');
    }
    const storedUserId = parseStoredUser(storedUser)?.id;
    if (me && storedUserId !== undefined && storedUserId !== me.id) {
      await endSession('Another account was signed in in another window. Please sign in again.');
      return fail('signed_out', 'Another account signed in');
    }
    refreshToken = stored;
    const result = await requestJson<TokenPair>(fetchFn, url, '/api/auth/refresh', {
      method: 'POST',
      body: { refreshToken: stored },
    });
    if (myEpoch !== epoch) return fail('signed_out', 'The session changed while refreshing');
    if (!result.ok) {
      if (result.status === 400 || result.status === 401 || result.status === 403) {
        await endSession(
          SESSION_ENDED_MESSAGES[result.code] ?? SESSION_ENDED_MESSAGES.invalid_token ?? result.error,
        );
        return fail('signed_out', result.error);
      }
      return result;
    }
    const pair = result.value;
    if (!isTokenPair(pair))
      return fail('bad_response', 'The server answered the refresh with something unexpected');
    // The old refresh token is dead from this moment: keep the new one before anything else.
    refreshToken = pair.refreshToken;
    await storage.set(STORAGE_KEYS.refreshToken, pair.refreshToken);
    if (myEpoch !== epoch) return fail('signed_out', 'The session changed while refreshing');
    setAccessToken(pair);
    return ok(undefined);
  }

  async function ensureAccessToken(): Promise<Result<string>> {
    // Short-lived tokens (tests, strict servers) keep a proportional margin instead.
    const margin = Math.min(TOKEN_MIN_REMAINING_MS, accessLifetimeMs * 0.2);
    if (accessToken && accessExpiresAt - now() > margin) return ok(accessToken);
    const refreshed = await refreshSession();
    if (!refreshed.ok) return refreshed;
    return accessToken ? ok(accessToken) : fail('signed_out', 'Not signed in');
  }

  /** An authenticated JSON request; a 401 triggers one refresh and one retry. */
  async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Result<T>> {
    const url = serverUrl;
    if (!url || !refreshToken) return fail('signed_out', 'Not signed in');
    const myEpoch = epoch;
    let token = await ensureAccessToken();
    if (!token.ok) return token;
    const request = { method, token: token.value, ...(body !== undefined ? { body } : {}) };
    let result = await requestJson<T>(fetchFn, url, path, request);
    if (!result.ok && result.status === 401 && myEpoch === epoch) {
      // The token expired in flight or was revoked; a refresh tells which.
      accessToken = null;
      token = await ensureAccessToken();
      if (!token.ok) return token;
      result = await requestJson<T>(fetchFn, url, path, { ...request, token: token.value });
    }
    if (myEpoch !== epoch) return fail('signed_out', 'The session changed');
    return result;
  }

  async function authenticate(
    path: '/api/auth/login' | '/api/auth/register',
    rawUrl: string,
    body: Record<string, unknown>,
  ): Promise<Result<void>> {
    const url = normalizeServerUrl(rawUrl);
    if (!url) return fail('invalid_input', 'Enter the server address, for example https://chat.example.org');
    await teardown();
    const myEpoch = ++epoch;
    store.update(() => ({ ...initialClientState, session: { status: 'signing-in', serverUrl: url } }));
    const result = await requestJson<AuthResponse>(fetchFn, url, path, { method: 'POST', body });
    if (myEpoch !== epoch) return fail('signed_out', 'Another sign-in started');
    if (!result.ok) {
      const error =
        result.code === 'network'
          ? `Cannot reach ${url}. Check the address and your connection.`
          : result.error;
      update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error } }));
      return { ...result, error };
    }
    const auth = result.value;
    const user = userSchema.safeParse(auth?.user);
    if (!user.success || !isTokenPair(auth)) {
      const error = 'The server answered the sign-in with something unexpected. Is this a Parley server?';
      update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error } }));
      return fail('bad_response', error);
    }
    serverUrl = url;
    me = user.data;
    refreshToken = auth.refreshToken;
    try {
      await Promise.all([
        storage.set(STORAGE_KEYS.serverUrl, url),
        storage.set(STORAGE_KEYS.refreshToken, auth.refreshToken),
        storage.set(STORAGE_KEYS.user, JSON.stringify(user.data)),
      ]);
      await loadOutbox(user.data.id);
    } catch (error) {
      // Without stored tokens the session would not survive a restart; say so now.
      const message = `Signed in, but the session could not be saved (${describeError(error)})`;
      me = null;
      refreshToken = null;
      update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error: message } }));
      return fail('internal', message);
    }
    if (myEpoch !== epoch) return fail('signed_out', 'Another sign-in started');
    running = true;
    setAccessToken(auth);
    update((s) => ({ ...s, session: { status: 'signed-in', serverUrl: url, user: user.data } }));
    showOutbox();
    connectNow();
    return ok(undefined);
  }

  async function loadOutbox(userId: string): Promise<void> {
    const raw = await storage.get(STORAGE_KEYS.outbox);
    outbox = parseOutbox(raw, userId);
    outboxUserId = userId;
    if (raw !== null && outbox.length === 0) await storage.delete(STORAGE_KEYS.outbox);
  }

  /** Stops the connection and all timers; the session in storage stays. */
  async function teardown(): Promise<void> {
    running = false;
    connGen++;
    disposeSocket();
    clearTimer(retryTimer);
    retryTimer = null;
    clearTimer(refreshTimer);
    refreshTimer = null;
    clearTimer(drainTimer);
    drainTimer = null;
    for (const timer of typingTimers.values()) clearTimer(timer);
    typingTimers.clear();
    typingSentAt.clear();
    catchingUp = false;
    // Let queued outbox writes land before a sign-out clears the storage under them.
    await persistChain;
  }

  /** The server ended the session (revoked or reused refresh token): signed out, with why. */
  async function endSession(reason: string): Promise<void> {
    const url = serverUrl;
    epoch++;
    await teardown();
    me = null;
    refreshToken = null;
    accessToken = null;
    pendingReads.clear();
    placeholders.clear();
    // The outbox stays (it is tagged with its user): signing in again as the same user sends it.
    await Promise.all([storage.delete(STORAGE_KEYS.refreshToken), storage.delete(STORAGE_KEYS.user)]);
    store.update(() => ({
      ...initialClientState,
      session: { status: 'signed-out', serverUrl: url, error: reason },
    }));
  }

  // =====================================================================================
  // Connection: one socket per attempt, our own backoff
  // =====================================================================================

  function disposeSocket(): void {
    const s = socket;
    socket = null;
    if (!s) return;
    s.removeAllListeners();
    s.disconnect();
  }

  function connectNow(): void {
    clearTimer(retryTimer);
    retryTimer = null;
    if (!running || !serverUrl) return;
    const gen = ++connGen;
    disposeSocket();
    setConnection({
      status: everConnected || attempt > 0 ? 'reconnecting' : 'connecting',
      nextRetryAt: null,
      attempt,
    });
    void openSocket(gen).catch((error: unknown) => {
      if (gen === connGen) scheduleRetry(describeError(error));
    });
  }

  async function openSocket(gen: number): Promise<void> {
    const token = await ensureAccessToken();
    if (gen !== connGen || !running) return;
    if (!token.ok) {
      scheduleRetry(token.error);
      return;
    }
    if (!me) {
      const result = await api<MeResponse>('GET', '/api/me');
      if (gen !== connGen || !running) return;
      const user = result.ok ? userSchema.safeParse(result.value?.user) : null;
      if (!user?.success) {
        scheduleRetry(result.ok ? 'Unexpected answer from /api/me' : result.error);
        return;
      }
      me = user.data;
      await storage.set(STORAGE_KEYS.user, JSON.stringify(user.data));
      if (outboxUserId !== user.data.id) await loadOutbox(user.data.id);
      const url = serverUrl ?? '';
      update((s) => ({ ...s, session: { status: 'signed-in', serverUrl: url, user: user.data } }));
      if (gen !== connGen || !running) return;
    }
    const url = serverUrl;
    if (!url) return;
    // A server behind a reverse proxy under a path (https://host/parley) serves Socket.IO at
    // that path; in io()'s URL a path would name a namespace instead.
    const [, origin = url, basePath = ''] = /^(https?:\/\/[^/]+)(\/.*)?$/i.exec(url) ?? [];
    const s: ParleySocket = io(origin, {
      path: `${basePath}/socket.io`,
      // A function, so every (re)connect presents the token current at that moment.
      auth: (cb) => cb({ token: accessToken ?? '' }),
      transports: ['websocket'],
      // Reconnection is ours (full-jitter backoff, token refresh, catch-up, countdown).
      reconnection: false,
      forceNew: true,
      timeout: ACK_TIMEOUT_MS,
      autoConnect: false,
    });
    socket = s;
    bindSocket(s, gen);
    s.connect();
  }

  function scheduleRetry(error: string): void {
    if (!running) return;
    clearTimer(retryTimer);
    retryTimer = null;
    if (offline) {
      setConnection({ status: 'offline', nextRetryAt: null, attempt, lastError: error });
      return;
    }
    const delay = backoffDelay(attempt, options.reconnect);
    attempt += 1;
    setConnection({ status: 'reconnecting', nextRetryAt: now() + delay, attempt, lastError: error });
    retryTimer = setTimer(connectNow, delay);
  }

  /** The connection broke (or its follow-up failed): drop this socket and retry with backoff. */
  function connectionLost(gen: number, error: string): void {
    if (gen !== connGen) return;
    connGen++;
    disposeSocket();
    catchingUp = false;
    update((s) => (s.catchUp.active ? { ...s, catchUp: { ...s.catchUp, active: false } } : s));
    scheduleRetry(error);
  }

  function bindSocket(s: ParleySocket, gen: number): void {
    const live = (): boolean => gen === connGen && socket === s;

    s.on('connect', () => {
      if (!live()) return;
      attempt = 0;
      tokenRetryUsed = false;
      everConnected = true;
      setConnection({ status: 'connected', nextRetryAt: null, attempt: 0, lastError: null });
      void syncAfterConnect(gen).catch((error: unknown) => connectionLost(gen, describeError(error)));
    });

    s.on('connect_error', (error) => {
      if (!live()) return;
      const code: unknown = (error as { data?: { code?: unknown } }).data?.code;
      if ((code === 'token_expired' || code === 'invalid_token') && !tokenRetryUsed) {
        // The token expired (or the server's key changed): refresh, then try again at once.
        tokenRetryUsed = true;
        accessToken = null;
        connectNow();
        return;
      }
      if (code === 'token_expired' || code === 'invalid_token') accessToken = null;
      connectionLost(gen, error.message);
    });

    s.on('disconnect', (reason) => {
      if (!live()) return;
      // "io server disconnect" includes a logout elsewhere: the next attempt's refresh then
      // fails with invalid_token and signs out. Every other reason is a network problem.
      connectionLost(gen, reason);
    });

    s.on('message:new', (event) => {
      if (!live()) return;
      const parsed = messageSchema.safeParse(event?.message);
      if (parsed.success) applyStoredMessages(parsed.data.conversationId, [parsed.data], 'live');
    });

    s.on('typing', (event) => {
      if (
        !live() ||
        !me ||
        !event ||
        typeof event.conversationId !== 'string' ||
        typeof event.userId !== 'string'
      )
        return;
      if (event.userId === me.id) return;
      setRemoteTyping(event.conversationId, event.userId, event.typing === true);
    });

    s.on('messages:read', (event) => {
      if (
        !live() ||
        !me ||
        !event ||
        typeof event.conversationId !== 'string' ||
        typeof event.userId !== 'string'
      )
        return;
      if (typeof event.seq !== 'number' || !Number.isInteger(event.seq)) return;
      if (event.userId === me.id) {
        // Read on another of our devices: clear the unread count here too.
        applyLocalRead(event.conversationId, event.seq);
        const pending = pendingReads.get(event.conversationId);
        if (pending !== undefined && pending <= event.seq) pendingReads.delete(event.conversationId);
      } else {
        update((st) => setReadReceipt(st, event.conversationId, event.userId, event.seq));
      }
    });

    s.on('user:online', (event) => {
      if (!live() || typeof event?.userId !== 'string') return;
      markLivePresence(event.userId);
      update((st) =>
        setPresence(st, event.userId, {
          online: true,
          lastSeenAt: st.presence[event.userId]?.lastSeenAt ?? null,
        }),
      );
    });

    s.on('user:offline', (event) => {
      if (!live() || typeof event?.userId !== 'string') return;
      const lastSeenAt = typeof event.lastSeenAt === 'string' ? event.lastSeenAt : null;
      markLivePresence(event.userId);
      update((st) => setPresence(st, event.userId, { online: false, lastSeenAt }));
    });

    s.on('conversation:new', (event) => {
      if (!live()) return;
      const parsed = conversationSchema.safeParse(event?.conversation);
      if (parsed.success) addConversations([parsed.data]);
    });

    s.on('call:incoming', (event) => {
      if (!live()) return;
      const call = parseCallIncoming(event);
      if (!call) return;
      const current = state().call;
      if (current && current.phase !== 'ended') return;
      update((st) => ({
        ...st,
        call: {
          callId: call.callId,
          conversationId: call.conversationId,
          media: call.media,
          phase: 'incoming',
          direction: 'incoming',
          peer: call.from,
          initiator: false,
          startedAt: null,
          endReason: null,
          error: null,
        },
      }));
      emitEvent({ type: 'call:incoming', call });
    });

    s.on('call:accepted', (event) => {
      if (!live() || typeof event?.callId !== 'string') return;
      updateCall(event.callId, (call) => {
        if (call.phase !== 'outgoing') return call;
        const peer = findMember(call.conversationId, event.userId) ?? call.peer;
        return { ...call, phase: 'active', startedAt: now(), peer };
      });
    });

    s.on('call:ended', (event) => {
      if (!live() || typeof event?.callId !== 'string') return;
      const reason = (CALL_END_REASONS as readonly string[]).includes(event.reason) ? event.reason : 'hangup';
      updateCall(event.callId, (call) =>
        call.phase === 'ended' ? call : { ...call, phase: 'ended', endReason: reason },
      );
    });

    for (const name of ['call:offer', 'call:answer', 'call:ice-candidate'] as const) {
      s.on(name, (event) => {
        if (!live() || typeof event?.callId !== 'string' || typeof event.from !== 'string') return;
        if (typeof event.signal !== 'object' || event.signal === null) return;
        const signal: CallSignal = {
          callId: event.callId,
          event: name,
          from: event.from,
          signal: event.signal,
        };
        for (const listener of [...signalListeners]) {
          try {
            listener(signal);
          } catch {
            // One failing call module must not stop the others.
          }
        }
      });
    }
  }

  // =====================================================================================
  // Catch-up
  // =====================================================================================

  /**
   * After every (re)connect: send reads made while offline, refresh the conversation list,
   * fetch what loaded windows miss, and only then drain the outbox, so our resent messages
   * land after everything that was sent while we were away.
   */
  async function syncAfterConnect(gen: number): Promise<void> {
    catchingUp = true;
    update((s) => ({ ...s, catchUp: { active: true, done: 0, total: 0 } }));

    for (const [conversationId, seq] of [...pendingReads]) {
      const s = socket;
      if (!s || gen !== connGen) return;
      const ack = await emitWithAck(s, 'messages:read', { conversationId, seq });
      if (gen !== connGen) return;
      if (ack.ok || isDefinitiveSendError(ack.code)) {
        if (pendingReads.get(conversationId) === seq) pendingReads.delete(conversationId);
      }
    }

    const listRequestedAt = presenceClock;
    const list = await api<ConversationListResponse>('GET', '/api/conversations');
    if (gen !== connGen) return;
    if (!list.ok) {
      connectionLost(gen, `Catch-up failed: ${list.error}`);
      return;
    }
    const conversations = parseConversations(list.value?.conversations);
    // Taken after the list arrived: live messages that came meanwhile were reported already.
    const before = new Map(state().conversations.map((c) => [c.id, c]));
    // The first list after sign-in or start is not news: no per-conversation events then.
    const firstLoad = !everLoadedConversations;
    everLoadedConversations = true;
    mergeConversationList(conversations, listRequestedAt);
    for (const id of placeholders) if (!state().messages[id]) placeholders.delete(id);
    const deferred = deferredLive;
    deferredLive = [];
    for (const message of deferred) {
      if (state().conversations.some((c) => c.id === message.conversationId)) {
        applyStoredMessages(message.conversationId, [message], 'live');
      }
    }

    let newMessages = 0;
    for (const conversation of state().conversations) {
      const old = before.get(conversation.id);
      newMessages += Math.max(0, conversation.unreadCount - (old?.unreadCount ?? 0));
      // Conversations without a loaded window are reported by their newest message only.
      if (!firstLoad && !state().messages[conversation.id] && conversation.lastMessage && me) {
        const last = conversation.lastMessage;
        if (last.senderId !== me.id && last.seq > (old?.lastSeq ?? 0)) {
          emitEvent({ type: 'message', message: last, conversation, fromCatchUp: true });
        }
      }
    }

    const targets = Object.keys(state().messages).filter((id) => {
      const conversation = state().conversations.find((c) => c.id === id);
      return (
        conversation !== undefined &&
        (placeholders.has(id) || conversation.lastSeq > heldSeq(state().messages[id]))
      );
    });
    update((s) => ({ ...s, catchUp: { active: true, done: 0, total: targets.length } }));
    for (const conversationId of targets) {
      const completed = await fetchMissing(conversationId, gen);
      if (gen !== connGen) return;
      if (!completed) {
        connectionLost(gen, 'Catch-up could not fetch the missing messages');
        return;
      }
      update((s) => ({ ...s, catchUp: { ...s.catchUp, done: s.catchUp.done + 1 } }));
    }

    catchingUp = false;
    update((s) => ({ ...s, catchUp: { ...s.catchUp, active: false } }));
    emitEvent({ type: 'catch-up:done', newMessages });
    void drainOutbox();
  }

  /**
   * Fetches every message after what the window holds, 200 at a time. A window that fell
   * very far behind is replaced by the newest page instead (older history stays reachable
   * through loadOlder), so a week offline does not mean thousands of requests.
   */
  async function fetchMissing(conversationId: string, gen: number): Promise<boolean> {
    let after = heldSeq(state().messages[conversationId]);
    const target = state().conversations.find((c) => c.id === conversationId)?.lastSeq ?? 0;
    if (placeholders.has(conversationId) || target - after > CATCH_UP_RESET_GAP) {
      const result = await loadNewestPage(conversationId, true);
      return result.ok || result.code === 'not_found';
    }
    for (;;) {
      const page = await api<MessagesResponse>(
        'GET',
        `/api/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${after}&limit=${HISTORY_MAX_LIMIT}`,
      );
      if (gen !== connGen) return false;
      if (!page.ok) {
        if (page.code === 'not_found') {
          dropConversation(conversationId);
          return true;
        }
        return false;
      }
      const messages = parseMessages(page.value?.messages).filter((m) => m.conversationId === conversationId);
      applyStoredMessages(conversationId, messages, 'catch-up');
      const last = messages[messages.length - 1];
      if (messages.length < HISTORY_MAX_LIMIT || !last || last.seq <= after) return true;
      after = last.seq;
    }
  }

  /** Fills a hole in a window (a message arrived with a seq beyond what we hold). */
  function fillGap(conversationId: string): void {
    if (catchingUp || gapFills.has(conversationId) || !socket?.connected) return;
    gapFills.add(conversationId);
    const gen = connGen;
    void fetchMissing(conversationId, gen)
      .catch(() => false)
      .finally(() => gapFills.delete(conversationId));
  }

  /** `presenceSince`: the `presenceClock` when the list was requested. */
  function mergeConversationList(conversations: Conversation[], presenceSince: number): void {
    if (!me) return;
    const myId = me.id;
    update((s) => {
      const current = new Map(s.conversations.map((c) => [c.id, c]));
      const merged = conversations.map((fresh) => {
        const local = current.get(fresh.id);
        let next = fresh;
        // A message:new that arrived while the list was on its way is newer than the list.
        if (local && local.lastSeq > fresh.lastSeq) {
          next = {
            ...fresh,
            lastMessage: local.lastMessage,
            lastSeq: local.lastSeq,
            unreadCount: local.unreadCount,
          };
        }
        const pendingRead = pendingReads.get(fresh.id);
        if (pendingRead !== undefined) next = applyRead(next, s.messages[fresh.id], pendingRead, myId);
        return local && sameConversation(local, next) ? local : next;
      });
      const known = new Set(merged.map((c) => c.id));
      const messages = Object.fromEntries(Object.entries(s.messages).filter(([id]) => known.has(id)));
      return readsFromLastMessages(
        {
          ...s,
          conversations: sortConversations(merged),
          messages: Object.keys(messages).length === Object.keys(s.messages).length ? s.messages : messages,
          presence: presenceFromConversations(s.presence, merged, myId, livePresenceSince(presenceSince)),
        },
        merged,
        myId,
      );
    });
  }

  /** A conversation's last message says its sender has read up to it (see readsFromMessages). */
  function readsFromLastMessages(
    s: ClientState,
    conversations: readonly Conversation[],
    myId: string,
  ): ClientState {
    let next = s;
    for (const c of conversations)
      if (c.lastMessage) next = readsFromMessages(next, c.id, [c.lastMessage], myId);
    return next;
  }

  /**
   * `presenceSince`: the `presenceClock` when the HTTP request that brought these went out
   * (leave it out for socket events, which arrive in order with user:online/offline).
   */
  function addConversations(conversations: Conversation[], presenceSince = presenceClock): void {
    if (!me || conversations.length === 0) return;
    const myId = me.id;
    update((s) => {
      let next = s;
      for (const conversation of conversations) {
        const existing = next.conversations.find((c) => c.id === conversation.id);
        if (existing && existing.lastSeq >= conversation.lastSeq && sameConversation(existing, conversation))
          continue;
        next = replaceConversation(
          next,
          existing && existing.lastSeq > conversation.lastSeq ? existing : conversation,
        );
      }
      next = readsFromLastMessages(next, conversations, myId);
      const presence = presenceFromConversations(
        next.presence,
        conversations,
        myId,
        livePresenceSince(presenceSince),
      );
      return presence === next.presence ? next : { ...next, presence };
    });
  }

  function dropConversation(conversationId: string): void {
    placeholders.delete(conversationId);
    update((s) => {
      if (!s.conversations.some((c) => c.id === conversationId) && !s.messages[conversationId]) return s;
      const messages = { ...s.messages };
      delete messages[conversationId];
      return { ...s, conversations: s.conversations.filter((c) => c.id !== conversationId), messages };
    });
  }

  let listRefresh: Promise<void> | null = null;
  /** A message for a conversation we do not know yet: the list brings it (with the message). */
  function refreshConversationList(): void {
    if (listRefresh || catchingUp) return;
    const gen = connGen;
    listRefresh = (async () => {
      const requestedAt = presenceClock;
      const list = await api<ConversationListResponse>('GET', '/api/conversations');
      if (gen === connGen && list.ok) {
        const fresh = parseConversations(list.value?.conversations);
        const known = new Set(state().conversations.map((c) => c.id));
        const added = fresh.filter((c) => !known.has(c.id));
        addConversations(added, requestedAt);
        for (const conversation of added) {
          const last = conversation.lastMessage;
          if (last && me && last.senderId !== me.id)
            emitEvent({ type: 'message', message: last, conversation, fromCatchUp: false });
        }
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        listRefresh = null;
      });
  }

  // =====================================================================================
  // Messages
  // =====================================================================================

  /**
   * The one place stored messages enter the state: live events, send acks, catch-up pages
   * and history pages. Deduplicates by seq, replaces our pending copies, updates the
   * conversation summary once per message, and reports messages from others.
   */
  function applyStoredMessages(
    conversationId: string,
    messages: Message[],
    source: 'live' | 'ack' | 'catch-up' | 'history',
  ): void {
    if (!me || messages.length === 0) return;
    const myId = me.id;
    const conversationKnown = state().conversations.some((c) => c.id === conversationId);
    if (!conversationKnown && source === 'live') {
      if (catchingUp) {
        // The conversation list is on its way and may predate this message: apply it after.
        deferredLive.push(...messages);
      } else {
        refreshConversationList();
      }
      return;
    }
    let inserted: Message[] = [];
    let advanced: Message[] = [];
    let gap = false;
    update((s) => {
      let next = s;
      const window = s.messages[conversationId];
      if (window) {
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
        for (const message of messages) {
          const after = applyMessageToConversation(updated, message, myId);
          if (after !== updated) newer.push(message);
          updated = after;
        }
        advanced = newer;
        next = replaceConversation(next, updated);
      }
      for (const message of messages) {
        if (message.senderId !== myId) next = setTypingUser(next, conversationId, message.senderId, false);
      }
      return readsFromMessages(next, conversationId, messages, myId);
    });

    const stored = new Set(messages.filter((m) => m.senderId === myId).map((m) => m.clientId));
    if (outbox.some((e) => stored.has(e.clientId))) {
      outbox = outbox.filter((e) => !stored.has(e.clientId));
      void persistOutbox();
    }
    for (const message of messages) {
      if (message.senderId !== myId) clearTypingTimer(conversationId, message.senderId);
    }
    if (gap) fillGap(conversationId);

    if (source === 'history') return;
    const report = new Map<string, Message>();
    for (const m of [...inserted, ...advanced]) if (m.senderId !== myId) report.set(m.id, m);
    const conversation = state().conversations.find((c) => c.id === conversationId);
    if (!conversation) return;
    for (const message of [...report.values()].sort((a, b) => a.seq - b.seq)) {
      emitEvent({ type: 'message', message, conversation, fromCatchUp: source === 'catch-up' });
    }
  }

  function loadNewestPage(conversationId: string, replace: boolean): Promise<Result<void>> {
    const inflight = windowLoads.get(conversationId);
    if (inflight && !replace) return inflight;
    const load = (async (): Promise<Result<void>> => {
      const page = await api<MessagesResponse>(
        'GET',
        `/api/conversations/${encodeURIComponent(conversationId)}/messages?limit=${HISTORY_DEFAULT_LIMIT}`,
      );
      if (!page.ok) {
        if (page.code === 'not_found') dropConversation(conversationId);
        return page;
      }
      if (!me) return fail('signed_out', 'Not signed in');
      const myId = me.id;
      const messages = parseMessages(page.value?.messages).filter((m) => m.conversationId === conversationId);
      const entries = outbox.filter((e) => e.conversationId === conversationId);
      const replacing = replace || placeholders.has(conversationId);
      placeholders.delete(conversationId);
      update((s) => {
        const existing = s.messages[conversationId];
        if (existing && !replacing) {
          // Something created the window meanwhile: merge rather than replace.
          return setWindow(s, conversationId, mergeStoredMessages(existing, messages, myId).window);
        }
        return setWindow(s, conversationId, newWindow(messages, entries, myId));
      });
      // Messages that arrived while the page was on its way are not in it: fetch them.
      const conversation = state().conversations.find((c) => c.id === conversationId);
      if (conversation && conversation.lastSeq > heldSeq(state().messages[conversationId]))
        fillGap(conversationId);
      return ok(undefined);
    })().finally(() => {
      if (windowLoads.get(conversationId) === load) windowLoads.delete(conversationId);
    });
    windowLoads.set(conversationId, load);
    return load;
  }

  async function loadOlder(conversationId: string): Promise<Result<void>> {
    const window = state().messages[conversationId];
    if (!window || placeholders.has(conversationId)) return loadNewestPage(conversationId, false);
    if (!window.hasOlder || window.loadingOlder) return ok(undefined);
    const first = window.items.find((m) => m.status === 'sent');
    if (!first) {
      update((s) => patchWindow(s, conversationId, { hasOlder: false }));
      return ok(undefined);
    }
    update((s) => patchWindow(s, conversationId, { loadingOlder: true }));
    const page = await api<MessagesResponse>(
      'GET',
      `/api/conversations/${encodeURIComponent(conversationId)}/messages?beforeSeq=${first.seq}&limit=${HISTORY_DEFAULT_LIMIT}`,
    );
    if (!page.ok) {
      update((s) => patchWindow(s, conversationId, { loadingOlder: false }));
      return page;
    }
    const myId = me?.id ?? '';
    const messages = parseMessages(page.value?.messages).filter(
      (m) => m.conversationId === conversationId && m.seq < first.seq,
    );
    update((s) => {
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

  function patchWindow(s: ClientState, conversationId: string, patch: Partial<MessageWindow>): ClientState {
    const window = s.messages[conversationId];
    if (!window) return s;
    return setWindow(s, conversationId, { ...window, ...patch });
  }

  // ---- outbox ----

  function persistOutbox(): Promise<void> {
    const userId = outboxUserId;
    const snapshot = outbox;
    // Writes are chained so an older outbox can never overwrite a newer one.
    persistChain = persistChain
      .then(() =>
        userId === null
          ? undefined
          : snapshot.length === 0
            ? storage.delete(STORAGE_KEYS.outbox)
            : storage.set(STORAGE_KEYS.outbox, serializeOutbox(userId, snapshot)),
      )
      .catch(() => {
        // Storage failing must not stop sending; the next change writes the whole outbox again.
      });
    return persistChain;
  }

  /** Shows the outbox entries of a conversation as the window's pending/failed tail. */
  function refreshTail(conversationId: string): void {
    if (!me) return;
    const myId = me.id;
    const entries = outbox.filter((e) => e.conversationId === conversationId);
    update((s) => {
      const window = s.messages[conversationId];
      if (window) return setWindow(s, conversationId, setLocalTail(window, entries, myId));
      if (entries.length === 0) return s;
      // Sending into a conversation whose history is not loaded (offline start, say): show
      // the outbox now in a placeholder window; its history replaces it once loadable.
      placeholders.add(conversationId);
      const placeholder: MessageWindow = { items: [], hasOlder: true, loadingOlder: false };
      return setWindow(s, conversationId, setLocalTail(placeholder, entries, myId));
    });
  }

  function showOutbox(): void {
    for (const conversationId of new Set(outbox.map((e) => e.conversationId))) refreshTail(conversationId);
  }

  function kickDrain(): void {
    if (!catchingUp && socket?.connected) void drainOutbox();
  }

  /**
   * Sends pending entries one at a time, in order. One at a time because the server assigns
   * seqs in the order it commits, and concurrent sends could commit out of order.
   */
  async function drainOutbox(): Promise<void> {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      for (;;) {
        const gen = connGen;
        const s = socket;
        if (!s?.connected || catchingUp) return;
        const entry = outbox.find((e) => e.status === 'pending');
        if (!entry) return;
        const ack = await emitWithAck(s, 'message:send', {
          conversationId: entry.conversationId,
          clientId: entry.clientId,
          body: entry.body,
        });
        if (ack.ok) {
          const message = messageSchema.safeParse(ack.value.message);
          if (message.success) {
            applyStoredMessages(message.data.conversationId, [message.data], 'ack');
          }
          // Stored either way; even an unreadable ack means the server has it.
          if (outbox.some((e) => e.clientId === entry.clientId)) {
            outbox = outbox.filter((e) => e.clientId !== entry.clientId);
            void persistOutbox();
            refreshTail(entry.conversationId);
          }
          if (!message.success) fillGap(entry.conversationId);
          continue;
        }
        if (isDefinitiveSendError(ack.code)) {
          setOutboxStatus(entry.clientId, 'failed', ack.error);
          continue;
        }
        // Timeout, disconnect, rate limit or a server error: the entry stays pending. After a
        // disconnect the next catch-up drains again; otherwise try again shortly.
        if (gen === connGen && socket?.connected) {
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

  function setOutboxStatus(
    clientId: string,
    status: OutboxEntry['status'],
    error: string | null,
  ): OutboxEntry | null {
    const entry = outbox.find((e) => e.clientId === clientId);
    if (!entry) return null;
    outbox = outbox.map((e) => (e.clientId === clientId ? { ...e, status, error } : e));
    void persistOutbox();
    refreshTail(entry.conversationId);
    return entry;
  }

  // ---- reads and typing ----

  function applyLocalRead(conversationId: string, seq: number): void {
    if (!me) return;
    const myId = me.id;
    update((s) => {
      const conversation = s.conversations.find((c) => c.id === conversationId);
      if (!conversation) return s;
      return replaceConversation(s, applyRead(conversation, s.messages[conversationId], seq, myId));
    });
  }

  function typingKey(conversationId: string, userId: string): string {
    return `${conversationId}\u0000${userId}`;
  }

  function clearTypingTimer(conversationId: string, userId: string): void {
    const key = typingKey(conversationId, userId);
    clearTimer(typingTimers.get(key));
    typingTimers.delete(key);
  }

  function setRemoteTyping(conversationId: string, userId: string, typing: boolean): void {
    clearTypingTimer(conversationId, userId);
    update((s) => setTypingUser(s, conversationId, userId, typing));
    if (typing) {
      // A start without a stop (the typist went offline) expires locally, like on the server.
      typingTimers.set(
        typingKey(conversationId, userId),
        setTimer(() => {
          typingTimers.delete(typingKey(conversationId, userId));
          update((s) => setTypingUser(s, conversationId, userId, false));
        }, TYPING_EXPIRY_MS),
      );
    }
  }

  // ---- calls ----

  function updateCall(callId: string, fn: (call: CallState) => CallState): void {
    update((s) => {
      if (!s.call || s.call.callId !== callId) return s;
      const next = fn(s.call);
      return next === s.call ? s : { ...s, call: next };
    });
  }

  function findMember(conversationId: string, userId: string | undefined): User | undefined {
    if (typeof userId !== 'string') return undefined;
    return state()
      .conversations.find((c) => c.id === conversationId)
      ?.members.find((m) => m.id === userId);
  }

  async function callRef(
    event: 'call:accept' | 'call:reject' | 'call:cancel' | 'call:end',
    callId: string,
  ): Promise<Result<void>> {
    const s = socket;
    if (!s?.connected) return fail('offline', 'Not connected to the server');
    const ack = await emitWithAck(s, event, { callId });
    return ack.ok ? ok(undefined) : ack;
  }

  /** Ends the call locally at once (the UI must not wait for the network to hang up). */
  async function finishCall(
    event: 'call:reject' | 'call:cancel' | 'call:end',
    callId: string,
    reason: CallEndReason,
  ): Promise<Result<void>> {
    updateCall(callId, (call) =>
      call.phase === 'ended' ? call : { ...call, phase: 'ended', endReason: reason },
    );
    return callRef(event, callId);
  }

  let starting: Promise<void> | null = null;

  /** start(): restores the stored session, if any, and connects. */
  async function restoreSession(): Promise<void> {
    if (running) return;
    const myEpoch = epoch;
    try {
      const [storedUrl, storedToken, storedUser] = await Promise.all([
        storage.get(STORAGE_KEYS.serverUrl),
        storage.get(STORAGE_KEYS.refreshToken),
        storage.get(STORAGE_KEYS.user),
      ]);
      // A sign-in that started meanwhile wins over the stored session.
      if (myEpoch !== epoch || running) return;
      const url =
        (storedUrl && normalizeServerUrl(storedUrl)) ||
        (options.defaultServerUrl ? normalizeServerUrl(options.defaultServerUrl) : null);
      serverUrl = url;
      if (!url || !storedToken) {
        update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error: null } }));
        return;
      }
      const user = parseStoredUser(storedUser);
      if (user) await loadOutbox(user.id);
      if (myEpoch !== epoch || running) return;
      epoch++;
      refreshToken = storedToken;
      me = user;
      everConnected = false;
      everLoadedConversations = false;
      running = true;
      offline = false;
      attempt = 0;
      update((s) => ({
        ...s,
        session: user
          ? { status: 'signed-in', serverUrl: url, user }
          : { status: 'signing-in', serverUrl: url },
      }));
      // Pending messages show at once, even offline, in placeholder windows if need be.
      showOutbox();
      connectNow();
    } catch {
      // Storage failing at start leaves the client signed out rather than throwing.
      update((s) => ({
        ...s,
        session: { status: 'signed-out', serverUrl, error: 'Could not read the saved session' },
      }));
    }
  }

  // =====================================================================================
  // The public object
  // =====================================================================================

  const client: ParleyClient = {
    start() {
      // Hosts may call start() twice (React strict mode, a second window); it runs once.
      starting ??= restoreSession().finally(() => {
        starting = null;
      });
      return starting;
    },

    async stop() {
      await teardown();
      setConnection({ status: 'idle', nextRetryAt: null });
    },

    getSnapshot: () => store.getSnapshot(),
    subscribe: (listener) => store.subscribe(listener),
    onEvent(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },

    networkChanged(online) {
      if (!online) {
        offline = true;
        if (!running) return;
        clearTimer(retryTimer);
        retryTimer = null;
        connGen++;
        disposeSocket();
        catchingUp = false;
        update((s) => ({
          ...s,
          connection: { ...s.connection, status: 'offline', nextRetryAt: null },
          catchUp: s.catchUp.active ? { ...s.catchUp, active: false } : s.catchUp,
        }));
        return;
      }
      offline = false;
      if (running && state().connection.status !== 'connected') {
        // The network just came back: start over with short delays.
        attempt = 0;
        connectNow();
      }
    },

    auth: {
      async defaultServerUrl() {
        try {
          const stored = await storage.get(STORAGE_KEYS.serverUrl);
          return (stored && normalizeServerUrl(stored)) || serverUrl || options.defaultServerUrl || '';
        } catch {
          return serverUrl ?? options.defaultServerUrl ?? '';
        }
      },
      signIn: (input) =>
        guard(async () => {
          const body = loginRequestSchema.safeParse({ username: input?.username, password: input?.password });
          if (!body.success) return invalid(body.error.issues);
          return authenticate('/api/auth/login', String(input.serverUrl ?? ''), body.data);
        }),
      signUp: (input) =>
        guard(async () => {
          const body = registerRequestSchema.safeParse({
            username: input?.username,
            password: input?.password,
            displayName: input?.displayName || undefined,
          });
          if (!body.success) return invalid(body.error.issues);
          return authenticate('/api/auth/register', String(input.serverUrl ?? ''), body.data);
        }),
      signOut: () =>
        guard(async () => {
          const url = serverUrl;
          const token = refreshToken;
          epoch++;
          await teardown();
          me = null;
          refreshToken = null;
          accessToken = null;
          outbox = [];
          outboxUserId = null;
          pendingReads.clear();
          placeholders.clear();
          everConnected = false;
          everLoadedConversations = false;
          attempt = 0;
          store.update(() => ({
            ...initialClientState,
            session: { status: 'signed-out', serverUrl: url, error: null },
          }));
          await Promise.all([
            storage.delete(STORAGE_KEYS.refreshToken),
            storage.delete(STORAGE_KEYS.user),
            storage.delete(STORAGE_KEYS.outbox),
          ]);
          // Local sign-out happens whatever the network says; the server is told if reachable.
          if (url && token) {
            await requestJson(fetchFn, url, '/api/auth/logout', {
              method: 'POST',
              body: { refreshToken: token },
            });
          }
          return ok(undefined);
        }),
    },

    conversations: {
      open: (conversationId) =>
        guard(async () => {
          const id = typeof conversationId === 'string' && conversationId !== '' ? conversationId : null;
          update((s) => (s.openConversationId === id ? s : { ...s, openConversationId: id }));
          if (id === null || (state().messages[id] && !placeholders.has(id))) return ok(undefined);
          return loadNewestPage(id, false);
        }),
      loadOlder: (conversationId) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || conversationId === '')
            return fail('invalid_input', 'No conversation given');
          return loadOlder(conversationId);
        }),
      markRead: (conversationId, seq) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || !Number.isInteger(seq) || seq < 0) {
            return fail(
              'invalid_input',
              'markRead needs a conversation id and a seq (an integer of at least 0)',
            );
          }
          const conversation = state().conversations.find((c) => c.id === conversationId);
          if (conversation && seq <= conversation.readSeq) return ok(undefined);
          applyLocalRead(conversationId, seq);
          pendingReads.set(conversationId, Math.max(seq, pendingReads.get(conversationId) ?? 0));
          const s = socket;
          // Offline (or mid catch-up) the read waits in pendingReads for the next connect.
          if (!s?.connected) return ok(undefined);
          const ack = await emitWithAck(s, 'messages:read', { conversationId, seq });
          if (ack.ok || isDefinitiveSendError(ack.code)) {
            if ((pendingReads.get(conversationId) ?? -1) <= seq) pendingReads.delete(conversationId);
          }
          return ack.ok ? ok(undefined) : ack;
        }),
      createDirect: (userId) =>
        guard(async () => {
          const body = createConversationRequestSchema.safeParse({ type: 'direct', userId });
          if (!body.success) return invalid(body.error.issues);
          return createConversation(body.data);
        }),
      createGroup: (title, memberIds) =>
        guard(async () => {
          const body = createConversationRequestSchema.safeParse({ type: 'group', title, memberIds });
          if (!body.success) return invalid(body.error.issues);
          return createConversation(body.data);
        }),
    },

    messages: {
      send: (conversationId, body) =>
        guard(async () => {
          if (!me || !running) return fail('signed_out', 'Sign in to send messages');
          const parsed = messageSendSchema.safeParse({ conversationId, clientId: 'pending', body });
          if (!parsed.success) return invalid(parsed.error.issues);
          const entry: OutboxEntry = {
            clientId: randomId(),
            conversationId: parsed.data.conversationId,
            body: parsed.data.body,
            createdAt: new Date(now()).toISOString(),
            status: 'pending',
            error: null,
          };
          outbox = [...outbox, entry];
          refreshTail(entry.conversationId);
          typingSentAt.delete(entry.conversationId);
          // Persisted before it goes out, so a crash right after cannot lose it.
          await persistOutbox();
          kickDrain();
          return ok({ clientId: entry.clientId });
        }),
      retry: (clientId) =>
        guard(async () => {
          const entry = outbox.find((e) => e.clientId === clientId);
          if (!entry) return fail('not_found', 'No such message in the outbox');
          if (entry.status === 'failed') setOutboxStatus(clientId, 'pending', null);
          await persistChain;
          kickDrain();
          return ok(undefined);
        }),
      discard: (clientId) =>
        guard(async () => {
          const entry = outbox.find((e) => e.clientId === clientId);
          if (!entry) return fail('not_found', 'No such message in the outbox');
          if (entry.status !== 'failed') {
            // A pending message may already be on its way; dropping it could not unsend it.
            return fail('invalid_input', 'Only a failed message can be discarded');
          }
          outbox = outbox.filter((e) => e.clientId !== clientId);
          refreshTail(entry.conversationId);
          await persistOutbox();
          return ok(undefined);
        }),
      setTyping: (conversationId, typing) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || conversationId === '')
            return fail('invalid_input', 'No conversation given');
          const s = socket;
          // Typing is ephemeral: offline it is simply not sent.
          if (!s?.connected) return ok(undefined);
          const last = typingSentAt.get(conversationId);
          if (typing) {
            if (last !== undefined && now() - last < TYPING_REPEAT_MS) return ok(undefined);
            typingSentAt.set(conversationId, now());
            s.emit('typing:start', { conversationId });
          } else if (last !== undefined) {
            typingSentAt.delete(conversationId);
            s.emit('typing:stop', { conversationId });
          }
          return ok(undefined);
        }),
    },

    users: {
      search: (query) =>
        guard(async () => {
          const q = typeof query === 'string' ? query.trim() : '';
          const result = await api<UserSearchResponse>('GET', `/api/users?q=${encodeURIComponent(q)}`);
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

    connection: {
      retryNow: () =>
        guard(async () => {
          if (!running) return fail('signed_out', 'Not signed in');
          if (socket?.connected) return ok(undefined);
          // The user asked explicitly: try even if the OS believes we are offline.
          offline = false;
          connectNow();
          return ok(undefined);
        }),
    },

    calls: {
      iceServers: () =>
        guard(async () => {
          const result = await api<IceServersResponse>('GET', '/api/ice-servers');
          if (!result.ok) return result;
          if (!Array.isArray(result.value?.iceServers))
            return fail('bad_response', 'The server sent no ICE servers');
          return ok(result.value);
        }),
      initiate: (conversationId, media) =>
        guard(async () => {
          if (typeof conversationId !== 'string' || (media !== 'audio' && media !== 'video')) {
            return fail('invalid_input', 'A call needs a conversation and media "audio" or "video"');
          }
          const current = state().call;
          if (current && current.phase !== 'ended') return fail('busy', 'You are already in a call');
          const s = socket;
          if (!s?.connected) return fail('offline', 'Not connected to the server');
          const ack = await emitWithAck(s, 'call:initiate', { conversationId, media });
          const conversation = state().conversations.find((c) => c.id === conversationId);
          const peer = conversation?.members.find((m) => m.id !== me?.id) ?? {
            id: '',
            username: '',
            displayName: conversation?.title ?? 'Unknown',
          };
          const base: CallState = {
            callId: '',
            conversationId,
            media,
            phase: 'outgoing',
            direction: 'outgoing',
            peer,
            initiator: true,
            startedAt: null,
            endReason: null,
            error: null,
          };
          if (!ack.ok) {
            // Shown as a call that could not start ("busy", "unavailable") until dismissed.
            update((st) => ({
              ...st,
              call: {
                ...base,
                phase: 'ended',
                endReason: ack.code === 'busy' ? 'busy' : null,
                error: ack.code,
              },
            }));
            return ack;
          }
          const callId = typeof ack.value.callId === 'string' ? ack.value.callId : '';
          if (!callId) return fail('bad_response', 'The server did not return a call id');
          update((st) => ({ ...st, call: { ...base, callId } }));
          return ok({ callId });
        }),
      accept: (callId) =>
        guard(async () => {
          const result = await callRef('call:accept', callId);
          if (result.ok) {
            updateCall(callId, (call) => ({ ...call, phase: 'active', initiator: false, startedAt: now() }));
          } else if (result.code === 'not_found') {
            updateCall(callId, (call) =>
              call.phase === 'ended'
                ? call
                : {
                    ...call,
                    phase: 'ended',
                    endReason: call.endReason ?? 'answered_elsewhere',
                    error: result.code,
                  },
            );
          }
          return result;
        }),
      reject: (callId) => guard(() => finishCall('call:reject', callId, 'rejected')),
      cancel: (callId) => guard(() => finishCall('call:cancel', callId, 'cancelled')),
      end: (callId) => guard(() => finishCall('call:end', callId, 'hangup')),
      dismiss: () =>
        guard(async () => {
          const call = state().call;
          if (call && call.phase !== 'ended')
            return fail('invalid_input', 'The call is still going; end it first');
          update((s) => (s.call ? { ...s, call: null } : s));
          return ok(undefined);
        }),
      sendSignal: (callId, signal) =>
        guard(async () => {
          if (typeof callId !== 'string' || typeof signal !== 'object' || signal === null) {
            return fail('invalid_input', 'sendSignal needs a call id and the signal object');
          }
          const s = socket;
          if (!s?.connected) return fail('offline', 'Not connected to the server');
          const event = signalEvent(signal);
          const call = state().call;
          const conversation =
            call?.callId === callId
              ? state().conversations.find((c) => c.id === call.conversationId)
              : undefined;
          // In group calls `to` picks the participant; in direct calls the server knows.
          const to = conversation?.type === 'group' && call?.peer.id ? call.peer.id : undefined;
          const ack = await emitWithAck(s, event, to ? { callId, to, signal } : { callId, signal });
          return ack.ok ? ok(undefined) : ack;
        }),
      onSignal(listener) {
        signalListeners.add(listener);
        return () => {
          signalListeners.delete(listener);
        };
      },
    },
  };

  async function createConversation(body: unknown): Promise<Result<Conversation>> {
    const requestedAt = presenceClock;
    const result = await api<ConversationResponse>('POST', '/api/conversations', body);
    if (!result.ok) return result;
    const parsed = conversationSchema.safeParse(result.value?.conversation);
    if (!parsed.success) return fail('bad_response', 'The server answered with an unreadable conversation');
    addConversations([parsed.data], requestedAt);
    return ok(state().conversations.find((c) => c.id === parsed.data.id) ?? parsed.data);
  }

  return client;
}

// ---- helpers without client state ----

type AckResult<T> = { ok: true; value: T } | Failure;

/**
 * Emits an event with an acknowledgement and a timeout, as a Result: `timeout` when no
 * answer came in time (or the socket went away first), the server's code otherwise.
 */
async function emitWithAck<E extends keyof ClientToServerEvents>(
  socket: ParleySocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult<AckValue<E>>> {
  let answer: unknown;
  try {
    // The typed overloads of emitWithAck do not survive a generic event name.
    answer = await (
      socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }
    ).emitWithAck(event, payload);
  } catch (error) {
    return fail('timeout', `No answer from the server (${describeError(error)})`);
  }
  if (typeof answer !== 'object' || answer === null || typeof (answer as { ok?: unknown }).ok !== 'boolean') {
    return fail('bad_response', 'The server answered with something unexpected');
  }
  const ack = answer as Ack<Record<string, unknown>>;
  if (ack.ok) return ok(ack as unknown as AckValue<E>);
  const code = typeof ack.error?.code === 'string' ? ack.error.code : 'internal';
  return fail(code, typeof ack.error?.message === 'string' ? ack.error.message : code);
}

type AckValue<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends
  ((response: infer R) => void) | undefined
  ? Extract<R, { ok: true }>
  : never;

function signalEvent(signal: Record<string, unknown>): CallSignalEventName {
  // simple-peer's signal data: {type:'offer'|'answer', sdp}, {type:'candidate', candidate},
  // {type:'renegotiate'} or {type:'transceiverRequest', ...}. Only SDP offers and answers
  // have their own events; everything else travels as call:ice-candidate, and the other
  // side hands every signal to simple-peer alike.
  if (signal.type === 'offer') return 'call:offer';
  if (signal.type === 'answer') return 'call:answer';
  return 'call:ice-candidate';
}

function parseCallIncoming(event: unknown): CallIncomingEvent | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, unknown>;
  const from = userSchema.safeParse(e.from);
  if (typeof e.callId !== 'string' || typeof e.conversationId !== 'string' || !from.success) return null;
  if (e.media !== 'audio' && e.media !== 'video') return null;
  return { callId: e.callId, conversationId: e.conversationId, from: from.data, media: e.media };
}

function parseConversations(value: unknown): Conversation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c) => {
    const parsed = conversationSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

function parseMessages(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((m) => {
    const parsed = messageSchema.safeParse(m);
    return parsed.success ? [parsed.data] : [];
  });
}

function parseStoredUser(raw: string | null): User | null {
  if (!raw) return null;
  try {
    const parsed = userSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    typeof v.accessTokenExpiresAt === 'string'
  );
}

function sameConversation(a: Conversation, b: Conversation): boolean {
  return (
    a.lastSeq === b.lastSeq &&
    a.readSeq === b.readSeq &&
    a.unreadCount === b.unreadCount &&
    (a.title ?? null) === (b.title ?? null) &&
    (a.lastMessage?.id ?? null) === (b.lastMessage?.id ?? null) &&
    a.members.length === b.members.length &&
    a.members.every((m, i) => {
      const o = b.members[i];
      return (
        o !== undefined &&
        o.id === m.id &&
        o.displayName === m.displayName &&
        (o.online ?? null) === (m.online ?? null)
      );
    })
  );
}

function invalid(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Failure {
  const first = issues[0];
  const field = first?.path.map(String).join('.') ?? '';
  const message = first ? (field ? `${field}: ${first.message}` : first.message) : 'Invalid input';
  return fail('invalid_input', message);
}

/** The claims of a JWT, without verifying it (only the lifetime is read). */
function decodeJwtClaims(token: string): { exp?: unknown; iat?: unknown } | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json: unknown = JSON.parse(base64Decode(padded));
    return typeof json === 'object' && json !== null ? (json as { exp?: unknown; iat?: unknown }) : null;
  } catch {
    return null;
  }
}
