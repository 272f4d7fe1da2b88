import { randomUUID } from 'node:crypto';
import {
  callInitiateSchema,
  callRefSchema,
  callSignalSchema,
  type CallSignalEventName,
  type IceServersResponse,
  callRecordBody,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { rooms, type CallsContext, type ParleySocket } from '../context.js';
import { AppError } from '../errors.js';
import { consume } from '../rate-limits.js';
import { on, type EventHandlers } from '../realtime/handlers.js';
import { createCallRegistry, type CallPorts, type CallRegistry, type CallResult } from './call-registry.js';
import { createClusterCallRegistry } from './cluster.js';
import { iceServersFor } from './ice-servers.js';

/**
 * Call signaling: the call:* socket events and GET /api/ice-servers.
 *
 * - `registerCallRoutes(app, ctx)` runs once per server, before it listens: it creates that
 *   server's call registry (kept per context, never in a module global, because tests run
 *   several servers in one process) and the ICE route.
 * - `registerCallHandlers(socket, ctx)` runs for every authenticated socket after it joined its
 *   rooms (`user:<id>` among them).
 *
 * On one node the call state lives in memory (call-registry.ts). With several nodes
 * (`ctx.cluster`, i.e. REDIS_URL), caller and callee may sit on different nodes: the same state
 * machine then runs on the node that took `call:initiate`, busy state is shared in Redis, and
 * the other nodes forward events to that owner (cluster.ts). Both implement `CallRegistry`, so
 * the handlers below do not know which one they talk to. Emits go through the adapter
 * (`io.to(socketId)`, `io.to('user:<id>')`) either way.
 */

const registries = new WeakMap<CallsContext, CallRegistry>();

/** Calls ringing or in progress held by this node's registry (the metrics' gauge). */
export function activeCallCount(ctx: CallsContext): number {
  return registries.get(ctx)?.activeCalls().length ?? 0;
}

export function registerCallRoutes(app: FastifyInstance, ctx: CallsContext): void {
  registries.set(ctx, createRegistry(ctx));

  app.get('/api/ice-servers', async (request, reply): Promise<IceServersResponse> => {
    const { userId } = await ctx.authenticate(request);
    // Credentials are per user and time-limited: no shared cache may keep them.
    void reply.header('cache-control', 'no-store');
    return iceServersFor(
      { stunUrls: ctx.config.stunUrls, turnUrls: ctx.config.turnUrls, turnSecret: ctx.config.turnSecret },
      userId,
    );
  });
}

function createRegistry(ctx: CallsContext): CallRegistry {
  const { io, logger } = ctx;
  const pendingRecords = new Set<Promise<unknown>>();
  // The typed emit wants a literal event name; the ports are generic over the call events, so
  // emitting goes through this loosely typed view of the same broadcast operator.
  type LooseEmit = { emit(event: string, payload: unknown): boolean };

  const ports: CallPorts = {
    emitToSocket: (socketId, event, payload) => {
      (io.to(socketId) as unknown as LooseEmit).emit(event, payload);
    },
    emitToUser: (userId, event, payload, exceptSocketId) => {
      const target = exceptSocketId
        ? io.to(rooms.user(userId)).except(exceptSocketId)
        : io.to(rooms.user(userId));
      (target as unknown as LooseEmit).emit(event, payload);
    },
    recordCall: (record) => {
      const done = ctx
        .postMessage({
          conversationId: record.conversationId,
          senderId: record.callerId,
          // Deterministic, so a retried record can never be stored twice.
          clientId: `call:${record.callId}`,
          kind: 'call',
          body: callRecordBody(record),
          call: {
            callId: record.callId,
            media: record.media,
            outcome: record.outcome,
            durationSeconds: record.durationSeconds,
            // It never rang: the caller's record says so rather than "No answer".
            ...(record.endReason === 'unavailable' ? { unavailable: true } : {}),
          },
        })
        .catch((err: unknown) =>
          logger.error({ err, callId: record.callId }, 'could not store the call record'),
        );
      pendingRecords.add(done);
      void done.finally(() => pendingRecords.delete(done));
    },
    now: () => Date.now(),
    setTimer: (ms, fn) => {
      const t = setTimeout(() => {
        try {
          fn();
        } catch (err) {
          logger.error({ err }, 'call timer failed');
        }
      }, ms);
      t.unref();
      return t;
    },
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
    newCallId: () => randomUUID(),
  };

  const timings = {
    ringTimeoutMs: ctx.config.callRingTimeoutMs,
    reconnectGraceMs: ctx.config.callReconnectGraceMs,
  };
  const registry: CallRegistry = ctx.cluster
    ? createClusterCallRegistry({
        redis: ctx.cluster.redis,
        prefix: ctx.cluster.prefix,
        logger,
        timings,
        ports,
        socketsOfUser: ctx.socketsOfUser,
      })
    : createCallRegistry(ports, timings);
  ctx.onClose(async () => {
    await registry.close();
    // Records already on their way are committed before the database closes.
    await Promise.allSettled([...pendingRecords]);
  });
  return registry;
}

/** Turns a registry refusal into the error the ack carries. */
function check<T extends object>(result: CallResult<T>): T {
  if (!result.ok) throw new AppError(result.code, result.message);
  return result;
}

type CallEvents =
  'call:initiate' | 'call:accept' | 'call:reject' | 'call:cancel' | 'call:end' | CallSignalEventName;

/**
 * The call:* handlers of one socket, for its handler table (realtime/handlers.ts), after
 * binding the socket to a call it may be returning to.
 */
export function callHandlers(socket: ParleySocket, ctx: CallsContext): Pick<EventHandlers, CallEvents> {
  const registry = registries.get(ctx);
  if (!registry) throw new Error('registerCallRoutes must run before callHandlers');
  const { userId } = socket.data;
  const actor = { userId, socketId: socket.id };

  const logFailure = (what: string) => (err: unknown) => ctx.logger.error({ err, userId }, what);
  // A participant reconnecting within the grace period gets its call back on this socket.
  void Promise.resolve(registry.socketConnected(actor)).catch(logFailure('call rebind failed'));
  socket.on('disconnect', () => {
    void Promise.resolve(registry.socketDisconnected(actor)).catch(
      logFailure('call disconnect bookkeeping failed'),
    );
  });

  const relay = (event: CallSignalEventName) =>
    on(callSignalSchema, async (payload) => {
      check(await registry.relay(actor, event, payload));
    });

  return {
    'call:initiate': on(callInitiateSchema, async ({ conversationId, media }) => {
      await consume(ctx.limits.calls, userId, 'calls started');
      const memberIds = await ctx.repo.memberIds(conversationId);
      // Not a member is answered exactly like no such conversation.
      if (!memberIds.includes(userId)) throw new AppError('not_found', 'No such conversation');
      const caller = await ctx.repo.getUser(userId);
      if (!caller) throw new AppError('not_found', 'No such user');
      const calleeIds = memberIds.filter((id) => id !== userId);
      const connected = await Promise.all(
        calleeIds.map(async (id) => [id, await ctx.isUserConnected(id)] as const),
      );
      // The caller may have gone while we looked things up; a call bound to a dead socket would
      // ring on with no one to take it (its disconnect came before the call existed).
      if (socket.disconnected) throw new AppError('not_found', 'The connection closed');
      const { callId } = check(
        await registry.initiate({
          // The callee's ringing dialog shows the caller's picture (they may not share a loaded
          // conversation yet); presence fields stay out, they are not the call's business.
          caller: {
            id: caller.id,
            username: caller.username,
            displayName: caller.displayName,
            ...(caller.avatarId ? { avatarId: caller.avatarId } : {}),
          },
          callerSocketId: socket.id,
          conversationId,
          media,
          calleeIds,
          connectedCalleeIds: new Set(connected.filter(([, isOn]) => isOn).map(([id]) => id)),
        }),
      );
      return { callId };
    }),
    'call:accept': on(callRefSchema, async ({ callId }) => {
      check(await registry.accept(actor, callId));
    }),
    'call:reject': on(callRefSchema, async ({ callId }) => {
      check(await registry.reject(actor, callId));
    }),
    'call:cancel': on(callRefSchema, async ({ callId }) => {
      check(await registry.cancel(actor, callId));
    }),
    'call:end': on(callRefSchema, async ({ callId }) => {
      check(await registry.end(actor, callId));
    }),
    'call:offer': relay('call:offer'),
    'call:answer': relay('call:answer'),
    'call:ice-candidate': relay('call:ice-candidate'),
  };
}
