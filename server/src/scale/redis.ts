import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { ParleyIo } from '../context.js';
import type { Presence } from '../presence.js';
import { createRateLimits, type RateLimits } from '../rate-limits.js';

/** How often a node says it is alive, and how long silence means it died. */
const HEARTBEAT_MS = 5_000;
const NODE_DEAD_AFTER_MS = 20_000;

/**
 * Per-user device counts shared by every node through Redis. Each node also keeps its own
 * share (`node:<id>` hash), and announces itself in a sorted set with a heartbeat, so when a
 * node dies without closing, another node subtracts its share and reports the users that
 * went offline with it. Without that, a crashed node would leave its users "online" forever.
 */
class RedisPresence implements Presence {
  readonly nodeId = randomUUID();
  private readonly countKey: string;
  private readonly nodesKey: string;
  private readonly nodeKey: string;
  private timer: NodeJS.Timeout | undefined;
  private onOrphans: ((userIds: string[]) => void) | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.countKey = `${prefix}:presence:count`;
    this.nodesKey = `${prefix}:presence:nodes`;
    this.nodeKey = `${prefix}:presence:node:${this.nodeId}`;
    redis.defineCommand('parleyPresenceAdd', {
      numberOfKeys: 2,
      // KEYS: count, node. ARGV: userId, delta. Returns the user's new total.
      lua: `
        local total = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
        local mine = redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
        if mine <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
        if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return total`,
    });
    redis.defineCommand('parleyPresenceReap', {
      numberOfKeys: 3,
      // KEYS: count, dead node's hash, nodes set. ARGV: dead node id. Returns users now offline.
      lua: `
        local gone = {}
        local entries = redis.call('HGETALL', KEYS[2])
        for i = 1, #entries, 2 do
          local total = redis.call('HINCRBY', KEYS[1], entries[i], -tonumber(entries[i + 1]))
          if total <= 0 then
            redis.call('HDEL', KEYS[1], entries[i])
            table.insert(gone, entries[i])
          end
        end
        redis.call('DEL', KEYS[2])
        redis.call('ZREM', KEYS[3], ARGV[1])
        return gone`,
    });
  }

  private get commands() {
    return this.redis as Redis & {
      parleyPresenceAdd(count: string, node: string, userId: string, delta: number): Promise<number>;
      parleyPresenceReap(count: string, node: string, nodes: string, nodeId: string): Promise<string[]>;
    };
  }

  /** Starts the heartbeat; `onOrphans` hears about users whose devices were all on a dead node. */
  async start(onOrphans: (userIds: string[]) => void): Promise<void> {
    this.onOrphans = onOrphans;
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.logger.warn({ err }, 'presence heartbeat failed'));
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    await this.redis.zadd(this.nodesKey, now, this.nodeId);
    const dead = await this.redis.zrangebyscore(this.nodesKey, 0, now - NODE_DEAD_AFTER_MS);
    for (const nodeId of dead) {
      const prefix = this.nodeKey.slice(0, this.nodeKey.length - this.nodeId.length);
      const gone = await this.commands.parleyPresenceReap(
        this.countKey,
        prefix + nodeId,
        this.nodesKey,
        nodeId,
      );
      if (gone.length > 0) {
        this.logger.warn({ nodeId, users: gone.length }, 'reaped presence of a node that stopped answering');
        this.onOrphans?.(gone);
      }
    }
  }

  async connect(userId: string): Promise<boolean> {
    return (await this.commands.parleyPresenceAdd(this.countKey, this.nodeKey, userId, 1)) === 1;
  }

  async disconnect(userId: string): Promise<boolean> {
    return (await this.commands.parleyPresenceAdd(this.countKey, this.nodeKey, userId, -1)) <= 0;
  }

  async isOnline(userId: string): Promise<boolean> {
    return Number(await this.redis.hget(this.countKey, userId)) > 0;
  }

  async onlineOf(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const counts = await this.redis.hmget(this.countKey, ...userIds);
    return new Set(userIds.filter((_, i) => Number(counts[i]) > 0));
  }

  onlineUserCount(): Promise<number> {
    return this.redis.hlen(this.countKey);
  }

  /** A clean stop: this node's devices are gone, so its share is subtracted now. */
  async stop(): Promise<string[]> {
    if (this.timer) clearInterval(this.timer);
    return this.commands.parleyPresenceReap(this.countKey, this.nodeKey, this.nodesKey, this.nodeId);
  }
}

export interface RedisScaleOut {
  presence: Presence;
  limits: RateLimits;
  /**
   * The command connection (not the adapter's pub/sub pair), for other shared state such as
   * call busy entries. Closed by `close()`; users that subscribe must `duplicate()` it.
   */
  client: Redis;
  /** Starts the presence heartbeat; `onOrphans` gets users left offline by a dead node. */
  start(onOrphans: (userIds: string[]) => void): Promise<void>;
  /** Subtracts this node's presence and closes the Redis connections. */
  close(): Promise<void>;
}

/**
 * REDIS_URL: the Socket.IO Redis adapter (rooms and broadcasts span nodes), presence counts
 * and rate limits in Redis. Every key and channel starts with REDIS_PREFIX, so deployments
 * (and test runs) sharing one Redis never see each other.
 */
export async function attachRedis(
  config: Config,
  io: ParleyIo,
  logger: FastifyBaseLogger,
): Promise<RedisScaleOut> {
  const url = config.redisUrl!;
  const prefix = config.redisPrefix;
  const clients = [0, 1, 2].map(() => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 }));
  for (const client of clients) {
    // An unhandled 'error' on a Redis client would crash the process; reconnects are automatic.
    client.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  }
  const [pub, sub, data] = clients as [Redis, Redis, Redis];
  try {
    await Promise.all(clients.map((c) => c.connect()));
  } catch (err) {
    clients.forEach((c) => c.disconnect());
    throw new Error(`Cannot reach Redis at REDIS_URL: ${(err as Error).message}`, { cause: err });
  }
  io.adapter(createAdapter(pub, sub, { key: `${prefix}:socket.io` }));

  const presence = new RedisPresence(data, prefix, logger);
  const limits = createRateLimits(
    config,
    (options) =>
      new RateLimiterRedis({ storeClient: data, ...options, keyPrefix: `${prefix}:rl:${options.keyPrefix}` }),
  );

  return {
    presence,
    limits,
    client: data,
    start: (onOrphans) => presence.start(onOrphans),
    async close() {
      try {
        await presence.stop();
      } catch (err) {
        logger.warn({ err }, 'could not remove this node from redis presence');
      }
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
