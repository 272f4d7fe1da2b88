import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { registerAvatarRoutes } from './accounts/avatars.js';
import { registerAccountRoutes } from './accounts/routes.js';
import { registerInviteRoutes } from './accounts/invites.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerAuthRoutes } from './auth/routes.js';
import { TokenService, type AuthInfo } from './auth/tokens.js';
import { activeCallCount, registerCallRoutes } from './calls/index.js';
import { resolveJwtSecret, type Config } from './config.js';
import type { CallsContext, ParleyIo, ServerContext } from './context.js';
import { registerConversationRoutes } from './conversations/routes.js';
import { openAttachmentStore, registerAttachmentRoutes } from './attachments/index.js';
import { registerSearchRoutes } from './search/routes.js';
import { AppError } from './errors.js';
import { preRouteErrorOptions, registerErrorHandler } from './http/errors.js';
import { registerCompression } from './http/compression.js';
import { registerServerInfoRoute } from './http/server-info.js';
import { registerWebClient } from './http/web.js';
import { postMessage } from './messages/service.js';
import { createMetrics, type MetricSources } from './observability/metrics.js';
import { databaseState, registerHealthRoutes } from './observability/routes.js';
import { MemoryPresence, type Presence } from './presence.js';
import { createMemoryRateLimits, type RateLimits } from './rate-limits.js';
import { announceOffline, announceOnline, attachSocketServer } from './realtime/socket-server.js';
import { attachRedis } from './scale/redis.js';
import { openRepository } from './storage/database.js';
import type { SqliteWriterChoice } from './storage/sqlite-writer-choice.js';
import type { Repository } from './storage/repository.js';

/** Replaceable parts, for tests and for other backends (Redis presence, shared limits). */
export interface ServerDeps {
  repository?: Repository;
  presence?: Presence;
  limits?: RateLimits;
}

export interface ParleyServer {
  /** Starts listening; resolves to the base URL clients connect to (e.g. `http://127.0.0.1:8080`). */
  listen(): Promise<string>;
  /**
   * Graceful stop: no new connections, transports closed, in-flight writes finished,
   * cleanups run, then the database closed. Safe to call twice.
   */
  close(): Promise<void>;
  /** The base URL once listening, else undefined. */
  readonly url: string | undefined;
  readonly io: ParleyIo;
  readonly app: FastifyInstance;
  readonly repository: Repository;
  readonly config: Config;
}

/**
 * Builds the whole server (HTTP API, Socket.IO, storage) without listening yet. Opens the
 * database and runs migrations; rejects if that fails.
 */
export async function createServer(config: Config, deps: ServerDeps = {}): Promise<ParleyServer> {
  const jwtSecret = await resolveJwtSecret(config);
  // The gauges are read at scrape time, through `sources` (set up below, once the parts exist).
  const metrics = createMetrics({
    connections: () => sources.connections(),
    authenticatedUsers: () => sources.authenticatedUsers(),
    activeCalls: () => sources.activeCalls(),
    pingDatabase: () => sources.pingDatabase(),
    redisUp: config.redisUrl ? () => sources.redisUp?.() ?? false : undefined,
  });
  let writerChoice: SqliteWriterChoice | undefined;
  const repo =
    deps.repository ??
    (await openRepository(config, {
      onQuery: (seconds) => metrics.observeQuery(seconds),
      onWriterChoice: (choice) => (writerChoice = choice),
      // The logger exists only once Fastify does; the writer thread cannot die before that.
      onWriterError: (err, fatal) =>
        logger.error(
          { err },
          fatal
            ? 'the SQLite writer thread keeps dying: message writes are refused until a restart'
            : 'the SQLite writer thread died; its writes in flight were answered unavailable',
        ),
    }));
  const startedAt = Date.now();

  const app = Fastify({
    logger: { level: config.logLevel },
    // A proxy's X-Request-Id (deploy/nginx sets one) ties its access log to ours; else our own.
    requestIdHeader: 'x-request-id',
    // Requests are logged once, on completion, by the hook below (at debug for health checks).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxPayloadBytes,
    // Behind a reverse proxy request.ip should be the client's (login throttling); only
    // trusted when configured, or anyone could pick their own address with X-Forwarded-For.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (() => {
            const hops = config.trustProxy;
            return (_address: string, hop: number) => hop < hops;
          })()
        : config.trustProxy,
    // Keep-alive HTTP connections would otherwise hold close() open.
    forceCloseConnections: 'idle',
    ...preRouteErrorOptions,
  });
  const logger: FastifyBaseLogger = app.log;
  if (writerChoice) {
    logger.info(
      { writer: writerChoice.mode, reason: writerChoice.reason, fsyncMs: writerChoice.fsyncMs },
      writerChoice.mode === 'thread'
        ? 'SQLite message writes run in a writer thread'
        : 'SQLite message writes run on the main connection',
    );
  }

  const corsOrigin = config.corsOrigins.includes('*')
    ? true
    : config.corsOrigins.length > 0
      ? config.corsOrigins
      : false;
  await app.register(cors, { origin: corsOrigin, credentials: false });
  await registerCompression(app);
  registerErrorHandler(app);
  app.addHook('onResponse', async (request, reply) => {
    const polled = request.url === '/health' || request.url === '/metrics';
    request.log[polled ? 'debug' : 'info'](
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });
  app.addHook('onSend', async (request, reply) => {
    // The id in our log line, handed back so a user's report or a proxy log can point at it.
    void reply.header('x-request-id', request.id);
    // Cheap hardening for the API and the web client alike; the page's CSP is the web client's own.
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
  });

  const io: ParleyIo = new Server(app.server, {
    maxHttpBufferSize: config.maxPayloadBytes,
    cors: corsOrigin ? { origin: corsOrigin } : undefined,
    serveClient: false,
  });

  const tokens = new TokenService(jwtSecret, config.accessTokenTtlSeconds);
  const cleanups: (() => void | Promise<void>)[] = [];

  // REDIS_URL: adapter, presence and rate limits shared by every node (unless a test injects its own).
  let redis: Awaited<ReturnType<typeof attachRedis>> | undefined;
  try {
    redis = config.redisUrl && !deps.presence ? await attachRedis(config, io, app.log) : undefined;
  } catch (err) {
    // Redis out of reach at boot: parley-server retries the whole start, so let go of the
    // database connection opened above rather than leak one per attempt.
    if (!deps.repository) await repo.close();
    throw err;
  }

  const authenticateToken = async (token: unknown): Promise<AuthInfo> => {
    const auth = await tokens.verifyAccessToken(token);
    // Checked on every use so logout and refresh-reuse take effect at once, not at expiry. The
    // session must also be the token's user's: a token is only as good as the login it names.
    const session = await repo.getActiveSession(auth.sessionId);
    if (!session || session.userId !== auth.userId) {
      throw new AppError('invalid_token', 'This session has ended; please sign in again');
    }
    return auth;
  };

  const ctx: ServerContext = {
    config,
    repo,
    tokens,
    io,
    logger,
    presence: deps.presence ?? redis?.presence ?? new MemoryPresence(),
    limits: deps.limits ?? redis?.limits ?? createMemoryRateLimits(config),
    authenticateToken,
    authenticate: (request) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match)
        return Promise.reject(new AppError('unauthorized', 'Sign in first (Authorization: Bearer <token>)'));
      return authenticateToken(match[1]);
    },
    inflight: new Set(),
    closing: false,
    onClose: (fn) => void cleanups.push(fn),
    files: await openAttachmentStore(config),
    metrics,
  };

  const callsCtx: CallsContext = {
    io,
    repo,
    config,
    logger,
    isUserConnected: async (userId) => (await io.in(`user:${userId}`).fetchSockets()).length > 0,
    socketsOfUser: (userId) => io.in(`user:${userId}`).fetchSockets(),
    postMessage: async (input) => (await postMessage(ctx, input)).message,
    authenticate: ctx.authenticate,
    onClose: ctx.onClose,
    limits: ctx.limits,
    // Several nodes: call state must be shared too (busy entries, forwarding to the call's owner).
    cluster: redis ? { redis: redis.client, prefix: config.redisPrefix } : undefined,
  };

  const sources: MetricSources = {
    connections: () => io.engine.clientsCount,
    authenticatedUsers: () => ctx.presence.onlineUserCount(),
    activeCalls: () => activeCallCount(callsCtx),
    pingDatabase: async () => {
      if ((await databaseState(ctx)) === 'down') throw new Error('database down');
    },
    redisUp: redis ? () => redis.client.status === 'ready' : undefined,
  };
  registerHealthRoutes(app, {
    ctx,
    metrics,
    startedAt,
    redisUp: redis ? () => redis.client.status === 'ready' : undefined,
    metricsToken: config.metricsToken,
  });

  // Read once: the epoch changes only with the servers stopped (restore, admin new-epoch).
  registerServerInfoRoute(app, config, await repo.getEpoch());
  registerAuthRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerAvatarRoutes(app, ctx);
  registerInviteRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  await registerAttachmentRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerCallRoutes(app, callsCtx);
  await registerWebClient(app, config.webDir);
  attachSocketServer(ctx, callsCtx);
  if (redis) {
    ctx.onClose(() => redis.close());
    await redis.start({
      orphaned(userIds) {
        for (const userId of userIds) {
          announceOffline(ctx, userId).catch((err: unknown) =>
            logger.error({ err, userId }, 'offline announcement failed'),
          );
        }
      },
      back(userIds) {
        for (const userId of userIds) {
          announceOnline(ctx, userId).catch((err: unknown) =>
            logger.error({ err, userId }, 'online announcement failed'),
          );
        }
      },
      resubscribed() {
        // Only this node's sockets missed anything; the other nodes hear it from their own.
        logger.info("redis subscriber is back: telling this node's clients to catch up");
        io.local.emit('sync:needed', {});
      },
    });
  }

  // Expired refresh tokens and long-revoked sessions are useless; drop them hourly. A rotated
  // token is kept until it would have expired, so its reuse is still recognised until then.
  const purge = () => {
    repo
      .purgeExpired(new Date(Date.now() - 86_400_000).toISOString())
      .then((n) => n > 0 && logger.info({ rows: n }, 'purged expired sessions and tokens'))
      .catch((err: unknown) => logger.warn({ err }, 'purging expired sessions failed'));
  };
  const purgeTimer = setInterval(purge, 3_600_000);
  purgeTimer.unref();
  ctx.onClose(() => clearInterval(purgeTimer));

  let url: string | undefined;
  let closing: Promise<void> | undefined;

  const close = async () => {
    ctx.closing = true;
    // Stop taking new HTTP requests and connections; Fastify waits for requests in flight.
    const httpClosed = app.close();
    // Socket events already being handled finish and are acknowledged while their sockets are
    // still connected; new ones are answered `unavailable` (clients retry after reconnecting).
    while (ctx.inflight.size > 0) await Promise.allSettled([...ctx.inflight]);
    // Close this node's transports, not the Socket.IO sessions: a client then sees "transport
    // close" and reconnects by itself (the contract's "Server restarts" rule), whereas a
    // Socket.IO-level disconnect ("io server disconnect") strands default clients for good.
    // `io.of('/').sockets` is this node's only, unlike io.disconnectSockets() with the adapter.
    for (const socket of io.of('/').sockets.values()) socket.conn.close();
    // Disconnect bookkeeping (presence, lastSeenAt) is tracked as in flight too.
    while (ctx.inflight.size > 0) await Promise.allSettled([...ctx.inflight]);
    // A connection still open after a grace period (a client that went quiet mid-request, a
    // transport stuck half-way through an upgrade) must not hold the shutdown forever.
    const forceClose = setTimeout(() => app.server.closeAllConnections(), 3000);
    await httpClosed;
    clearTimeout(forceClose);
    await new Promise<void>((resolve) => {
      // io.close() also closes the HTTP server, which Fastify already did; its error is expected.
      void io.close(() => resolve());
    });
    for (const fn of cleanups) {
      try {
        await fn();
      } catch (err) {
        logger.error({ err }, 'cleanup on close failed');
      }
    }
    await repo.close();
  };

  return {
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const { port } = app.server.address() as AddressInfo;
      // 0.0.0.0 / :: listen everywhere; the URL handed out must be one a client can open.
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return url;
    },
    close() {
      closing ??= close();
      return closing;
    },
    get url() {
      return url;
    },
    io,
    app,
    repository: repo,
    config,
  };
}
