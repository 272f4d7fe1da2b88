import type { CallMedia } from '@parley/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { CallPorts, CallSnapshot } from './call-registry.js';

/**
 * When the node that owns a call dies (a crash, `kill -9`, a machine gone), its call state dies
 * with it. So that the participants on the surviving nodes are not left in a call that no
 * longer exists, each owner keeps a copy of what ending a call needs in Redis, and the
 * survivors end the calls of a node that stopped beating: `call:ended` with
 * `connection_lost` to everyone involved, their busy entries freed, and the call record
 * stored (its clientId is `call:<callId>`, so a record the owner already stored is not
 * stored twice).
 *
 * Keys (all under the deployment's prefix):
 * - `calls:alive:<tag>`: set every BEAT_MS, expiring after ALIVE_TTL_MS: the owner lives;
 * - `calls:beat:<tag>`: the time of its last beat (when a call of a dead node counts as over);
 * - `calls:live:<tag>`: a hash, call id → what ending it needs (see `LiveCall`);
 * - `calls:owners`: the tags that have live calls, for the survivors to look at;
 * - `calls:reaping:<tag>`: taken by the one survivor that ends a dead node's calls.
 * Detection takes at most ALIVE_TTL_MS + SCAN_MS (8 s), well within the 15 s a participant
 * should wait at most.
 */
const BEAT_MS = 2_000;
const ALIVE_TTL_MS = 6_000;
const SCAN_MS = 2_000;
const REAP_LOCK_MS = 30_000;

/** What ending a call from another node needs. */
interface LiveCall {
  conversationId: string;
  callerId: string;
  media: CallMedia;
  /** Everyone who would hear `call:ended`: the caller, the ringing callees or the participant. */
  users: string[];
  acceptedAt: number | null;
}

export interface CallTakeoverOptions {
  redis: Redis;
  prefix: string;
  /** This node's tag (the one in its call ids). */
  tag: string;
  logger: FastifyBaseLogger;
  ports: Pick<CallPorts, 'emitToUser' | 'recordCall' | 'now'>;
  /** Frees these users' busy entries if they still name the call. */
  release(callId: string, userIds: string[]): Promise<unknown>;
}

export interface CallTakeover {
  /** Keeps Redis's copy of a call this node owns up to date (after it starts or is accepted). */
  save(call: CallSnapshot): Promise<unknown>;
  /** The call is over here: Redis's copy goes. */
  forget(callId: string): Promise<unknown>;
  /** Stops beating and watching; a clean stop removes this node's keys. */
  stop(): Promise<void>;
}

export function createCallTakeover(options: CallTakeoverOptions): CallTakeover {
  const { redis, prefix, tag, logger, ports } = options;
  const key = (what: string, node = tag) => `${prefix}:calls:${what}:${node}`;
  const ownersKey = `${prefix}:calls:owners`;
  /** acceptedAt of this node's calls, first seen active (the snapshot does not carry it). */
  const acceptedAt = new Map<string, number>();

  const beat = async () => {
    const now = ports.now();
    await redis
      .multi()
      .set(key('alive'), String(now), 'PX', ALIVE_TTL_MS)
      .set(key('beat'), String(now))
      .exec();
  };

  async function reap(node: string): Promise<void> {
    if ((await redis.set(key('reaping', node), tag, 'PX', REAP_LOCK_MS, 'NX')) !== 'OK') return;
    const [calls, lastBeat] = await Promise.all([
      redis.hgetall(key('live', node)),
      redis.get(key('beat', node)),
    ]);
    const endedAt = lastBeat ? Number(lastBeat) : ports.now();
    for (const [callId, raw] of Object.entries(calls)) {
      let call: LiveCall;
      try {
        call = JSON.parse(raw) as LiveCall;
      } catch {
        continue;
      }
      await options.release(callId, call.users);
      for (const userId of call.users)
        ports.emitToUser(userId, 'call:ended', { callId, reason: 'connection_lost' });
      ports.recordCall({
        callId,
        conversationId: call.conversationId,
        callerId: call.callerId,
        media: call.media,
        outcome: call.acceptedAt === null ? 'missed' : 'completed',
        durationSeconds:
          call.acceptedAt === null ? null : Math.max(0, Math.round((endedAt - call.acceptedAt) / 1000)),
        endReason: 'connection_lost',
      });
    }
    await redis.multi().del(key('live', node), key('beat', node)).srem(ownersKey, node).exec();
    if (Object.keys(calls).length > 0) {
      logger.warn(
        { node, calls: Object.keys(calls).length },
        'ended the calls of a node that stopped answering',
      );
    }
  }

  async function scan(): Promise<void> {
    const owners = await redis.smembers(ownersKey);
    for (const node of owners) {
      if (node === tag) continue;
      if ((await redis.exists(key('alive', node))) === 0) await reap(node);
    }
  }

  const beatTimer = setInterval(() => {
    beat().catch((err: unknown) => logger.warn({ err }, 'call heartbeat failed'));
  }, BEAT_MS);
  beatTimer.unref();
  const scanTimer = setInterval(() => {
    scan().catch((err: unknown) => logger.warn({ err }, 'looking for calls of dead nodes failed'));
  }, SCAN_MS);
  scanTimer.unref();
  beat().catch((err: unknown) => logger.warn({ err }, 'call heartbeat failed'));

  return {
    save(call) {
      if (call.state === 'active' && !acceptedAt.has(call.callId)) acceptedAt.set(call.callId, ports.now());
      const live: LiveCall = {
        conversationId: call.conversationId,
        callerId: call.callerId,
        media: call.media,
        users: [...new Set([call.callerId, ...call.ringing, ...call.participants.map((p) => p.userId)])],
        acceptedAt: acceptedAt.get(call.callId) ?? null,
      };
      return redis.multi().hset(key('live'), call.callId, JSON.stringify(live)).sadd(ownersKey, tag).exec();
    },
    forget(callId) {
      acceptedAt.delete(callId);
      return redis.hdel(key('live'), callId);
    },
    async stop() {
      clearInterval(beatTimer);
      clearInterval(scanTimer);
      await redis
        .multi()
        .del(key('alive'), key('beat'), key('live'))
        .srem(ownersKey, tag)
        .exec()
        .catch((err: unknown) => logger.warn({ err }, 'could not remove this node’s call keys'));
    },
  };
}
