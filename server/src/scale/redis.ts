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
 *
 * The node's own share is also kept here, in memory, as the truth: every change writes the
 * user's absolute count for this node (not a +1/-1 that a lost or replayed command would
 * skew), and when Redis comes back (restarted empty, or after a blip) the whole share is
 * written again, so presence heals without anyone reconnecting.
 */
class RedisPresence implements Presence {
  readonly nodeId = randomUUID();
  private readonly countKey: string;
  private readonly nodesKey: string;
  private readonly nodeKey: string;
  private timer: NodeJS.Timeout | undefined;
  private onOrphans: ((userIds: string[]) => void) | undefined;
  private onBack: ((userIds: string[]) => void) | undefined;
  /** This node's connected devices per user. */
  private readonly local = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.countKey = `${prefix}:presence:count`;
    this.nodesKey = `${prefix}:presence:nodes`;
    this.nodeKey = `${prefix}:presence:node:${this.nodeId}`;
    redis.defineCommand('parleyPresenceSet', {
      numberOfKeys: 2,
      // KEYS: count, node. ARGV: userId, this node's devices of the user.
      // Returns the user's total before and after.
      lua: `
        local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        local n = tonumber(ARGV[2])
        local before = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local total = before
        if n ~= mine then total = redis.call('HINCRBY', KEYS[1], ARGV[1], n - mine) end
        if n > 0 then redis.call('HSET', KEYS[2], ARGV[1], n) else redis.call('HDEL', KEYS[2], ARGV[1]) end
        if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return {before, total}`,
    });
    redis.defineCommand('parleyPresenceResync', {
      numberOfKeys: 2,
      // KEYS: count, node. ARGV: userId, devices, userId, devices... (this node's whole share).
      // Replaces the node's share; returns {users now online that were not, users now offline}.
      lua: `
        local before = {}
        local users = {}
        local function note(u)
          if before[u] == nil then
            before[u] = tonumber(redis.call('HGET', KEYS[1], u) or '0')
            table.insert(users, u)
          end
        end
        local old = redis.call('HGETALL', KEYS[2])
        for i = 1, #old, 2 do
          note(old[i])
          redis.call('HINCRBY', KEYS[1], old[i], -tonumber(old[i + 1]))
        end
        redis.call('DEL', KEYS[2])
        for i = 1, #ARGV, 2 do
          note(ARGV[i])
          redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1]))
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
        end
        local back, gone = {}, {}
        for _, u in ipairs(users) do
          local total = tonumber(redis.call('HGET', KEYS[1], u) or '0')
          if total <= 0 then redis.call('HDEL', KEYS[1], u) end
          if before[u] <= 0 and total > 0 then table.insert(back, u) end
          if before[u] > 0 and total <= 0 then table.insert(gone, u) end
        end
        return {back, gone}`,
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
      parleyPresenceSet(
        count: string,
        node: string,
        userId: string,
        devices: number,
      ): Promise<[number, number]>;
      parleyPresenceResync(
        count: string,
        node: string,
        ...pairs: (string | number)[]
      ): Promise<[string[], string[]]>;
      parleyPresenceReap(count: string, node: string, nodes: string, nodeId: string): Promise<string[]>;
    };
  }

  /**
   * Starts the heartbeat; `onOrphans` hears about users whose devices were all on a dead node,
   * `onBack` about users online again once Redis came back and this node re-registered.
   */
  async start(onOrphans: (userIds: string[]) => void, onBack?: (userIds: string[]) => void): Promise<void> {
    this.onOrphans = onOrphans;
    this.onBack = onBack;
    await this.beat();
    // Every 'ready' after this one is a reconnect: Redis may have restarted empty.
    this.redis.on('ready', this.onReady);
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

  private readonly onReady = () => {
    this.resync().catch((err: unknown) => this.logger.warn({ err }, 'presence re-registration failed'));
  };

  /** Writes this node's whole share again, and is back in the node list at once. */
  private async resync(): Promise<void> {
    const pairs = [...this.local].flat();
    const [back, gone] = await this.commands.parleyPresenceResync(this.countKey, this.nodeKey, ...pairs);
    await this.beat();
    this.logger.info({ users: this.local.size, back: back.length }, 'redis is back: presence re-registered');
    if (back.length > 0) this.onBack?.(back);
    if (gone.length > 0) this.onOrphans?.(gone);
  }

  /** Counts a device in or out here first (the truth), then tells Redis the user's new share. */
  private change(userId: string, delta: number): Promise<[number, number]> {
    const n = Math.max(0, (this.local.get(userId) ?? 0) + delta);
    if (n > 0) this.local.set(userId, n);
    else this.local.delete(userId);
    return this.commands.parleyPresenceSet(this.countKey, this.nodeKey, userId, n);
  }

  async connect(userId: string): Promise<boolean> {
    const [before, total] = await this.change(userId, 1);
    return before <= 0 && total > 0;
  }

  async disconnect(userId: string): Promise<boolean> {
    const [, total] = await this.change(userId, -1);
    return total <= 0;
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
    this.redis.off('ready', this.onReady);
    return this.commands.parleyPresenceReap(this.countKey, this.nodeKey, this.nodesKey, this.nodeId);
  }
}

/** What a node hears from the shared layer about things it could not see for itself. */
export interface ScaleOutListeners {
  /** Users left offline by a dead node. */
  orphaned(userIds: string[]): void;
  /** Users online again after Redis came back (their contacts were not told meanwhile). */
  back(userIds: string[]): void;
  /**
   * The adapter's subscriber reconnected and has subscribed again: broadcasts other nodes
   * published while it was away never reached this node's sockets.
   */
  resubscribed(): void;
}

export interface RedisScaleOut {
  presence: Presence;
  limits: RateLimits;
  /**
   * The command connection (not the adapter's pub/sub pair), for other shared state such as
   * call busy entries. Closed by `close()`; users that subscribe must `duplicate()` it.
   */
  client: Redis;
  /** Starts the presence heartbeat and the listeners below. */
  start(listeners: ScaleOutListeners): Promise<void>;
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
    async start(listeners) {
      await presence.start(listeners.orphaned, listeners.back);
      // Every 'ready' after the first connect is a reconnect. ioredis emits it before it sends
      // the PSUBSCRIBE again; a PING queued now is answered after it, once the subscription is
      // back, so nothing published after the listener runs can be missed.
      sub.on('ready', () => {
        sub
          .ping()
          .then(() => listeners.resubscribed())
          .catch((err: unknown) => logger.warn({ err }, 'redis subscriber came back but did not answer'));
      });
    },
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
