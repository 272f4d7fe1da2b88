/**
 * Session and tokens: the server URL, the signed-in user, the access token (refreshed at
 * 80 % of its lifetime, one refresh at a time) and the rotating refresh token, sign-in,
 * sign-up, restore on start, sign-out, and authenticated requests (`api`).
 */
import type { AuthResponse, TokenPair } from '../protocol/http.js';
import { userSchema, type User } from '../protocol/models.js';
import { normalizeServerUrl } from '../rules/server-url.js';
import type { ClientContext } from './context.js';
import { describeError, fail, ok, requestJson, type RequestOptions, type Result } from './http.js';
import { OUTBOX_STORAGE_KEY } from './outbox.js';
import { clearTimer, setTimer, type TimerHandle } from './runtime.js';
import { initialClientState } from './state.js';
import { isTokenPair, parseStoredUser, tokenLifetimeMs } from './tokens.js';

/** Keys the client core uses in the host's storage. Hosts may encrypt `refreshToken`. */
export const STORAGE_KEYS = {
  serverUrl: 'serverUrl',
  refreshToken: 'refreshToken',
  /** The signed-in user (JSON), so a restored session shows who is signed in while offline. */
  user: 'user',
  outbox: OUTBOX_STORAGE_KEY,
} as const;

/** Access tokens are refreshed when this share of their lifetime has passed. */
const REFRESH_AT_LIFETIME_SHARE = 0.8;
/** A token this close to expiry is refreshed before use rather than risked. */
const TOKEN_MIN_REMAINING_MS = 15_000;

const SESSION_ENDED_MESSAGES: Record<string, string> = {
  refresh_reused:
    'You were signed out because this sign-in was used from two places at once (a copied or stolen token). Please sign in again.',
  invalid_token: 'Your session has expired or was ended on another device. Please sign in again.',
};

/** The module that owns the session and its tokens (`ClientState.session`), as other modules reach it through `ctx`. */
export type SessionModule = ReturnType<typeof createSession>;

/** Creates the module that owns the session and its tokens (`ClientState.session`). */
export function createSession(ctx: ClientContext) {
  const { storage } = ctx;
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
  let starting: Promise<void> | null = null;

  function setAccessToken(pair: TokenPair): void {
    accessToken = pair.accessToken;
    accessLifetimeMs = tokenLifetimeMs(pair, ctx.now());
    accessExpiresAt = ctx.now() + accessLifetimeMs;
    scheduleRefresh();
  }

  function scheduleRefresh(): void {
    clearTimer(refreshTimer);
    refreshTimer = null;
    if (!ctx.running) return;
    // Called right after a new token arrives, so what remains is its whole lifetime:
    // refresh when 80 % of it has passed, leaving a fifth as margin for a slow network.
    const delay = Math.max(1000, (accessExpiresAt - ctx.now()) * REFRESH_AT_LIFETIME_SHARE);
    const myEpoch = epoch;
    refreshTimer = setTimer(() => {
      refreshTimer = null;
      if (myEpoch !== epoch || !ctx.running) return;
      void refreshSession().then((result) => {
        // A network failure leaves the session alone; retry while the token still lives
        // (reconnects refresh on their own when it does not).
        const current = ctx.running && myEpoch === epoch;
        if (!result.ok && result.code !== 'signed_out' && current && accessExpiresAt > ctx.now()) {
          clearTimer(refreshTimer);
          refreshTimer = setTimer(() => {
            refreshTimer = null;
            if (ctx.running && myEpoch === epoch) void refreshSession();
          }, 10_000);
        }
      });
    }, delay);
  }

  /** One refresh at a time: two concurrent refreshes with one token would revoke the session. */
  function refreshSession(): Promise<Result<void>> {
    // Hosts where several client cores share one storage (browser tabs) pass a lock, so
    // only one of them rotates the shared refresh token at a time.
    const lock = ctx.options.withRefreshLock;
    refreshing ??= (lock ? lock(refreshUnderLock) : refreshUnderLock()).finally(() => {
      refreshing = null;
    });
    return refreshing;
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
    const result = await requestJson<TokenPair>(ctx.fetch, url, '/api/auth/refresh', {
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
    if (accessToken && accessExpiresAt - ctx.now() > margin) return ok(accessToken);
    const refreshed = await refreshSession();
    if (!refreshed.ok) return refreshed;
    return accessToken ? ok(accessToken) : fail('signed_out', 'Not signed in');
  }

  /** An authenticated JSON request; a 401 triggers one refresh and one retry. */
  async function api<T>(method: RequestOptions['method'], path: string, body?: unknown): Promise<Result<T>> {
    const url = serverUrl;
    if (!url || !refreshToken) return fail('signed_out', 'Not signed in');
    const myEpoch = epoch;
    let token = await ensureAccessToken();
    if (!token.ok) return token;
    const request = { method, token: token.value, ...(body !== undefined ? { body } : {}) };
    let result = await requestJson<T>(ctx.fetch, url, path, request);
    if (!result.ok && result.status === 401 && myEpoch === epoch) {
      // The token expired in flight or was revoked; a refresh tells which.
      accessToken = null;
      token = await ensureAccessToken();
      if (!token.ok) return token;
      result = await requestJson<T>(ctx.fetch, url, path, { ...request, token: token.value });
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
    ctx.store.update(() => ({ ...initialClientState, session: { status: 'signing-in', serverUrl: url } }));
    const result = await requestJson<AuthResponse>(ctx.fetch, url, path, { method: 'POST', body });
    if (myEpoch !== epoch) return fail('signed_out', 'Another sign-in started');
    const signedOut = (error: string): void =>
      ctx.update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error } }));
    if (!result.ok) {
      const error =
        result.code === 'network'
          ? `Cannot reach ${url}. Check the address and your connection.`
          : result.error;
      signedOut(error);
      return { ...result, error };
    }
    const auth = result.value;
    const user = userSchema.safeParse(auth?.user);
    if (!user.success || !isTokenPair(auth)) {
      const error = 'The server answered the sign-in with something unexpected. Is this a Parley server?';
      signedOut(error);
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
      await ctx.outbox.load(user.data.id);
    } catch (error) {
      // Without stored tokens the session would not survive a restart; say so now.
      const message = `Signed in, but the session could not be saved (${describeError(error)})`;
      me = null;
      refreshToken = null;
      signedOut(message);
      return fail('internal', message);
    }
    if (myEpoch !== epoch) return fail('signed_out', 'Another sign-in started');
    ctx.running = true;
    setAccessToken(auth);
    ctx.update((s) => ({ ...s, session: { status: 'signed-in', serverUrl: url, user: user.data } }));
    ctx.stateCache.start(user.data.id, url);
    ctx.outbox.showAll();
    ctx.connection.connectNow();
    return ok(undefined);
  }

  /** Stops the connection and all timers; the session in storage stays. */
  async function teardown(): Promise<void> {
    ctx.running = false;
    ctx.connection.stop();
    ctx.attachments.cancelAll();
    clearTimer(refreshTimer);
    refreshTimer = null;
    ctx.typing.reset();
    ctx.catchUp.reset();
    // Let queued outbox writes land before a sign-out clears the storage under them.
    await Promise.all([ctx.outbox.stop(), ctx.stateCache.stop()]);
  }

  function forgetSession(): void {
    me = null;
    refreshToken = null;
    accessToken = null;
    ctx.reads.reset();
    ctx.messages.reset();
    ctx.serverInfo.reset();
  }

  /** The server ended the session (revoked or reused refresh token): signed out, with why. */
  async function endSession(reason: string): Promise<void> {
    const url = serverUrl;
    epoch++;
    await teardown();
    forgetSession();
    // The outbox stays (it is tagged with its user): signing in again as the same user sends it.
    await Promise.all([
      storage.delete(STORAGE_KEYS.refreshToken),
      storage.delete(STORAGE_KEYS.user),
      ctx.stateCache.clear(),
    ]);
    ctx.store.update(() => ({
      ...initialClientState,
      session: { status: 'signed-out', serverUrl: url, error: reason },
    }));
  }

  async function signOut(): Promise<Result<void>> {
    const url = serverUrl;
    const token = refreshToken;
    epoch++;
    await teardown();
    forgetSession();
    ctx.outbox.clear();
    ctx.connection.resetAttempts();
    ctx.catchUp.forgetLoaded();
    ctx.store.update(() => ({
      ...initialClientState,
      session: { status: 'signed-out', serverUrl: url, error: null },
    }));
    await Promise.all([
      storage.delete(STORAGE_KEYS.refreshToken),
      storage.delete(STORAGE_KEYS.user),
      storage.delete(STORAGE_KEYS.outbox),
      ctx.stateCache.clear(),
    ]);
    // Local sign-out happens whatever the network says; the server is told if reachable.
    if (url && token) {
      await requestJson(ctx.fetch, url, '/api/auth/logout', {
        method: 'POST',
        body: { refreshToken: token },
      });
    }
    return ok(undefined);
  }

  /** start(): restores the stored session, if any, and connects. */
  async function restore(): Promise<void> {
    if (ctx.running) return;
    const myEpoch = epoch;
    try {
      const [storedUrl, storedToken, storedUser] = await Promise.all([
        storage.get(STORAGE_KEYS.serverUrl),
        storage.get(STORAGE_KEYS.refreshToken),
        storage.get(STORAGE_KEYS.user),
      ]);
      // A sign-in that started meanwhile wins over the stored session.
      if (myEpoch !== epoch || ctx.running) return;
      const fallback = ctx.options.defaultServerUrl;
      const url =
        (storedUrl && normalizeServerUrl(storedUrl)) || (fallback ? normalizeServerUrl(fallback) : null);
      serverUrl = url;
      if (!url || !storedToken) {
        ctx.update((s) => ({ ...s, session: { status: 'signed-out', serverUrl: url, error: null } }));
        return;
      }
      const user = parseStoredUser(storedUser);
      if (user) await ctx.outbox.load(user.id);
      // What the user last saw, before connecting: offline, that is what shows.
      if (user && myEpoch === epoch && !ctx.running) await ctx.stateCache.load(user.id, url);
      if (myEpoch !== epoch || ctx.running) return;
      epoch++;
      refreshToken = storedToken;
      me = user;
      ctx.connection.resetAttempts();
      ctx.catchUp.forgetLoaded();
      ctx.running = true;
      ctx.update((s) => ({
        ...s,
        session: user
          ? { status: 'signed-in', serverUrl: url, user }
          : { status: 'signing-in', serverUrl: url },
      }));
      if (user) ctx.stateCache.start(user.id, url);
      // Pending messages show at once, even offline, in placeholder windows if need be.
      ctx.outbox.showAll();
      ctx.connection.connectNow();
    } catch {
      // Storage failing at start leaves the client signed out rather than throwing.
      ctx.update((s) => ({
        ...s,
        session: { status: 'signed-out', serverUrl, error: 'Could not read the saved session' },
      }));
    }
  }

  /** Learns who is signed in (a restored session without a stored user). */
  async function setMe(user: User): Promise<void> {
    me = user;
    await storage.set(STORAGE_KEYS.user, JSON.stringify(user));
    await ctx.outbox.load(user.id, true);
    const url = serverUrl ?? '';
    ctx.update((s) => ({ ...s, session: { status: 'signed-in', serverUrl: url, user } }));
  }

  return {
    api,
    authenticate,
    ensureAccessToken,
    refreshSession,
    endSession,
    signOut,
    teardown,
    setMe,
    /** start(): runs once even when hosts call it twice (React strict mode, a second window). */
    start(): Promise<void> {
      starting ??= restore().finally(() => {
        starting = null;
      });
      return starting;
    },
    async defaultServerUrl(): Promise<string> {
      const fallback = ctx.options.defaultServerUrl;
      try {
        const stored = await storage.get(STORAGE_KEYS.serverUrl);
        return (stored && normalizeServerUrl(stored)) || serverUrl || fallback || '';
      } catch {
        return serverUrl ?? fallback ?? '';
      }
    },
    me: (): User | null => me,
    serverUrl: (): string | null => serverUrl,
    accessToken: (): string | null => accessToken,
    /** Forgets the access token so the next use refreshes it (the server refused it). */
    dropAccessToken(): void {
      accessToken = null;
    },
  };
}
