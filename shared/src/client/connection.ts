/**
 * The connection: one Socket.IO socket per attempt (`reconnection: false`), our own backoff
 * with full jitter, a token refresh when the server refuses an expired token, and the
 * binding of every server event to the handler table, each payload parsed first.
 */
import { io } from 'socket.io-client';
import type { MeResponse } from '../protocol/http.js';
import { userSchema } from '../protocol/models.js';
import { ACK_TIMEOUT_MS, type ParleySocket } from './ack.js';
import { backoffDelay } from './backoff.js';
import type { ClientContext } from './context.js';
import { createEventHandlers, dispatchServerEvent, SERVER_EVENTS } from './event-handlers.js';
import { describeError } from './http.js';
import { clearTimer, setTimer, type TimerHandle } from './runtime.js';
import type { ConnectionState } from './state.js';

/** The module that owns the socket, reconnect backoff and event binding, as other modules reach it through `ctx`. */
export type ConnectionModule = ReturnType<typeof createConnection>;

/** Creates the module that owns the socket, reconnect backoff and event binding. */
export function createConnection(ctx: ClientContext) {
  let offline = false;
  let socket: ParleySocket | null = null;
  /** Bumped on every connection attempt: events of older sockets are ignored. */
  let connGen = 0;
  let attempt = 0;
  let everConnected = false;
  let retryTimer: TimerHandle | null = null;
  /** One immediate retry after the server refused an expired token, then normal backoff. */
  let tokenRetryUsed = false;
  const handlers = createEventHandlers(ctx);

  function setConnection(patch: Partial<ConnectionState>): void {
    ctx.update((s) => {
      const next = { ...s.connection, ...patch };
      const same = (Object.keys(next) as (keyof ConnectionState)[]).every((k) => next[k] === s.connection[k]);
      return same ? s : { ...s, connection: next };
    });
  }

  function disposeSocket(): void {
    const s = socket;
    socket = null;
    if (!s) return;
    s.removeAllListeners();
    s.offAny();
    s.disconnect();
  }

  function connectNow(): void {
    clearTimer(retryTimer);
    retryTimer = null;
    if (!ctx.running || !ctx.session.serverUrl()) return;
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
    const stale = (): boolean => gen !== connGen || !ctx.running;
    const token = await ctx.session.ensureAccessToken();
    if (stale()) return;
    if (!token.ok) {
      scheduleRetry(token.error);
      return;
    }
    void ctx.serverInfo.check();
    if (!ctx.session.me()) {
      const result = await ctx.session.api<MeResponse>('GET', '/api/me');
      if (stale()) return;
      const user = result.ok ? userSchema.safeParse(result.value?.user) : null;
      if (!user?.success) {
        scheduleRetry(result.ok ? 'Unexpected answer from /api/me' : result.error);
        return;
      }
      await ctx.session.setMe(user.data);
      if (stale()) return;
    }
    const url = ctx.session.serverUrl();
    if (!url) return;
    // A server behind a reverse proxy under a path (https://host/parley) serves Socket.IO at
    // that path; in io()'s URL a path would name a namespace instead.
    const [, origin = url, basePath = ''] = /^(https?:\/\/[^/]+)(\/.*)?$/i.exec(url) ?? [];
    const s: ParleySocket = io(origin, {
      path: `${basePath}/socket.io`,
      // A function, so every (re)connect presents the token current at that moment.
      auth: (cb) => cb({ token: ctx.session.accessToken() ?? '' }),
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
    if (!ctx.running) return;
    clearTimer(retryTimer);
    retryTimer = null;
    if (offline) {
      setConnection({ status: 'offline', nextRetryAt: null, attempt, lastError: error });
      return;
    }
    const delay = backoffDelay(attempt, ctx.options.reconnect);
    attempt += 1;
    setConnection({ status: 'reconnecting', nextRetryAt: ctx.now() + delay, attempt, lastError: error });
    retryTimer = setTimer(connectNow, delay);
  }

  /** The connection broke (or its follow-up failed): drop this socket and retry with backoff. */
  function connectionLost(gen: number, error: string): void {
    if (gen !== connGen) return;
    connGen++;
    disposeSocket();
    ctx.catchUp.interrupted();
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
      void ctx.catchUp.run(gen).catch((error: unknown) => connectionLost(gen, describeError(error)));
    });

    s.on('connect_error', (error) => {
      if (!live()) return;
      const code: unknown = (error as { data?: { code?: unknown } }).data?.code;
      const tokenRefused = code === 'token_expired' || code === 'invalid_token';
      if (tokenRefused) ctx.session.dropAccessToken();
      if (tokenRefused && !tokenRetryUsed) {
        // The token expired (or the server's key changed): refresh, then try again at once.
        tokenRetryUsed = true;
        connectNow();
        return;
      }
      connectionLost(gen, error.message);
    });

    s.on('disconnect', (reason) => {
      if (!live()) return;
      // "io server disconnect" includes a logout elsewhere: the next attempt's refresh then
      // fails with invalid_token and signs out. Every other reason is a network problem.
      connectionLost(gen, reason);
    });

    // Every payload is parsed with the contract's schema before a handler sees it. Something
    // that does not parse (a broken or newer server) is not applied: the client refetches.
    for (const name of SERVER_EVENTS) {
      (s as unknown as { on(e: string, fn: (payload: unknown) => void): void }).on(name, (payload) => {
        if (live() && !dispatchServerEvent(handlers, name, payload))
          ctx.catchUp.resync(`an unreadable ${name} event`);
      });
    }
    s.onAny((name: string) => {
      if (!live() || (SERVER_EVENTS as string[]).includes(name)) return;
      ctx.catchUp.resync(`an event this client does not know (${name})`);
    });
  }

  return {
    connectNow,
    connectionLost,
    setConnection,
    /** The socket, when connected. */
    socket: (): ParleySocket | null => (socket?.connected ? socket : null),
    /** The current connection attempt; work started under an older one is stale. */
    generation: (): number => connGen,
    /** Stops this connection for good (teardown, session:ended). */
    stop(): void {
      connGen++;
      disposeSocket();
      clearTimer(retryTimer);
      retryTimer = null;
    },
    resetAttempts(): void {
      attempt = 0;
      everConnected = false;
      offline = false;
    },
    networkChanged(online: boolean): void {
      if (!online) {
        offline = true;
        if (!ctx.running) return;
        clearTimer(retryTimer);
        retryTimer = null;
        connGen++;
        disposeSocket();
        ctx.catchUp.interrupted();
        setConnection({ status: 'offline', nextRetryAt: null });
        return;
      }
      offline = false;
      if (ctx.running && ctx.state().connection.status !== 'connected') {
        // The network just came back: start over with short delays.
        attempt = 0;
        connectNow();
      }
    },
    /** The user asked explicitly: try now, even if the OS believes we are offline. */
    retryNow(): boolean {
      if (socket?.connected) return false;
      offline = false;
      connectNow();
      return true;
    },
  };
}
