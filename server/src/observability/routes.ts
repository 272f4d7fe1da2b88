import { timingSafeEqual } from 'node:crypto';
import { PROTOCOL_VERSION, type HealthResponse } from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { AppError } from '../errors.js';
import { SERVER_VERSION } from '../version.js';
import type { ServerMetrics } from './metrics.js';

/** A dependency's state as `/health` reports it. */
export type DependencyState = 'up' | 'down';

/** How long a health check waits for the database before calling it down. */
const PING_TIMEOUT_MS = 2000;

/** The database's state: a ping that fails, or does not answer in time, is down. */
export async function databaseState(ctx: Pick<ServerContext, 'repo'>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ctx.repo.ping(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthOptions {
  ctx: ServerContext;
  metrics: ServerMetrics;
  startedAt: number;
  /** Whether Redis is connected; absent when the server runs without Redis. */
  redisUp?: () => boolean;
  /** `METRICS_TOKEN`: when set, `/metrics` wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/**
 * `/health` for load balancers and `/metrics` for Prometheus. Both are logged at debug (see
 * the request logging in app.ts): they are polled every few seconds and would drown the log.
 */
export function registerHealthRoutes(app: FastifyInstance, options: HealthOptions): void {
  const { ctx, metrics, startedAt, redisUp, metricsToken } = options;

  app.get('/health', async (_request, reply) => {
    const database = await databaseState(ctx);
    const redis: DependencyState | undefined = redisUp ? (redisUp() ? 'up' : 'down') : undefined;
    const dependencies = { database, ...(redis ? { redis } : {}) };
    if (database === 'down' || redis === 'down') {
      ctx.logger.error(dependencies, 'health check: a dependency is down');
      const down = database === 'down' ? 'The database is unreachable' : 'Redis is unreachable';
      return reply.code(503).send({ error: new AppError('unavailable', down).toBody(), ...dependencies });
    }
    const body: HealthResponse = {
      status: 'ok',
      version: SERVER_VERSION,
      protocol: PROTOCOL_VERSION,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      connections: ctx.io.engine.clientsCount,
      authenticatedUsers: await ctx.presence.onlineUserCount(),
      ...dependencies,
    };
    return body;
  });

  app.get('/metrics', async (request, reply) => {
    if (metricsToken && !bearerMatches(request.headers.authorization, metricsToken)) {
      throw new AppError(
        'unauthorized',
        'Metrics need the metrics token (Authorization: Bearer <METRICS_TOKEN>)',
      );
    }
    void reply.header('cache-control', 'no-store').type(metrics.contentType);
    return metrics.render();
  });
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
