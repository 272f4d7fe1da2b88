import { randomBytes, randomUUID } from 'node:crypto';
import type { CallSignalEventName } from '@parley/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { ParleyRemoteSocket } from '../context.js';
import {
  createCallRegistry,
  type Actor,
  type CallPorts,
  type CallRegistry,
  type CallResult,
  type CallSnapshot,
  type CallTimings,
  type InitiateInput,
  type RelayInput,
} from './call-registry.js';
import { createCallTakeover } from './takeover.js';

/**
 * Calls across several nodes (REDIS_URL), built around the same in-memory state machine.
 *
 * Design:
 * - **The node that handles `call:initiate` owns the call.** Its in-memory registry
 *   (call-registry.ts, unchanged rules) holds the state and runs the timers. The call id names
 *   the owner (`<node tag>.<uuid>`), so any node can route an event for a call without a
 *   lookup, and a call id from a client can never point at state that is not there.
 * - **Other nodes forward** `call:accept/reject/cancel/end/offer/answer/ice-candidate` to the
 *   owner over a Redis pub/sub channel of that node (`<prefix>:calls:node:<tag>`), and wait for
 *   the owner's answer on their own channel. A channel per node (rather than
 *   `io.serverSideEmit`, which goes to every node and waits for all of them) reaches only the
 *   owner, and PUBLISH says how many nodes listen: 0 means the owner is gone, so the event is
 *   answered `not_found` at once instead of after a timeout. Pub/sub keeps one sender's order,
 *   so offer, answer and candidates arrive in the order they were sent.
 * - **Emits need no forwarding**: the owner emits to socket ids and user rooms, and the
 *   Socket.IO Redis adapter delivers to whichever node holds the socket.
 * - **Busy is shared**: `<prefix>:calls:user:<userId>` holds the call id of every user who is
 *   calling, ringing or in a call. `initiate` checks and sets the caller's and callees' entries
 *   in one Lua script (atomic, so two nodes can never put one user in two calls); the owner
 *   deletes them (compare-and-delete: only if they still name this call) when the state machine
 *   releases users, and refreshes their expiry while the call lives. A node that dies stops
 *   refreshing, so its users are free again after at most BUSY_TTL_MS instead of forever.
 * - **Reconnect grace across nodes**: on every connect and disconnect the node looks up the
 *   user's busy entry and tells the call's owner, which rebinds a participant's new socket
 *   wherever it connected. Because a disconnect on node B and the reconnect on node A travel
 *   different paths, the owner may hear them in either order; when it hears a bound socket
 *   drop, a socket of the same user that connected shortly before (REORDER_WINDOW_MS) counts as
 *   the reconnect.
 *
 * - **A node that dies takes its calls along, but not into silence**: each owner keeps what
 *   ending its calls needs in Redis and beats; the survivors end a silent node's calls
 *   (`connection_lost`, busy entries freed, the record stored). See takeover.ts.
 *
 * Every Redis write a transition causes is ordered before that transition's emits (see
 * `ordered`), and every answer waits for them: a client that hears `call:ended` or gets an ack
 * can call again at once without being told `busy`.
 */

/** How long a busy entry outlives its last refresh: the most a dead node leaves users busy. */
const BUSY_TTL_MS = 30_000;
const BUSY_REFRESH_MS = 10_000;
/** How long a node waits for the owner of a call to answer a forwarded event. */
const FORWARD_TIMEOUT_MS = 5_000;
/** See "Reconnect grace across nodes" above; bounded by the grace period itself. */
const REORDER_WINDOW_MS = 5_000;

/** `<12 hex: owner node>.<uuid>`: 49 characters, within the contract's 64 for ids (and `call:` + id for the record's clientId). */
const CALL_ID = /^([0-9a-f]{12})\.[0-9a-f-]{36}$/;

const NOT_FOUND = { ok: false, code: 'not_found', message: 'No such call' } as const;
const OWNER_SILENT = {
  ok: false,
  code: 'unavailable',
  message: 'The server handling this call did not answer; try again',
} as const;

export interface ClusterCallOptions {
  /** A command connection; the registry duplicates it for its subscription. */
  redis: Redis;
  prefix: string;
  logger: FastifyBaseLogger;
  timings: CallTimings;
  /** Emits, records, timers: the same ports the single-node registry gets. */
  ports: CallPorts;
  /** The user's connected sockets on every node (via the adapter). */
  socketsOfUser(userId: string): Promise<ParleyRemoteSocket[]>;
}

/** What one node asks the owner of a call to do. */
type Op =
  | { op: 'accept' | 'reject' | 'cancel' | 'end'; actor: Actor; callId: string }
  | { op: 'relay'; actor: Actor; event: CallSignalEventName; input: RelayInput }
  | { op: 'socketConnected' | 'socketDisconnected'; actor: Actor }
  | { op: 'callOf'; userId: string };

type Envelope = { t: 'req'; id: number; from: string; req: Op } | { t: 'res'; id: number; result: unknown };

interface ReserveScripts {
  parleyCallReserve(...keysAndArgs: (string | number)[]): Promise<string[]>;
  parleyCallRelease(...keysAndArgs: (string | number)[]): Promise<number>;
  parleyCallRefresh(...keysAndArgs: (string | number)[]): Promise<number>;
}

function defineScripts(redis: Redis): Redis & ReserveScripts {
  // defineCommand on a connection shared with other code: names are prefixed to stay apart.
  // No numberOfKeys: each call passes its key count first (the number of callees varies).
  redis.defineCommand('parleyCallReserve', {
    // KEYS[1]: the caller's entry, KEYS[2..]: the callees'. ARGV[1]: call id, ARGV[2]: ttl ms,
    // ARGV[3..]: '1' if that callee has a connected device. Returns the outcome, then one state
    // per callee: 'busy', 'free' (not reachable, left alone) or 'ring' (reserved).
    lua: `
      if redis.call('EXISTS', KEYS[1]) == 1 then return {'caller_busy'} end
      local states = {}
      local free, ring = 0, 0
      for i = 2, #KEYS do
        if redis.call('EXISTS', KEYS[i]) == 1 then
          states[i - 1] = 'busy'
        elseif ARGV[i + 1] == '1' then
          states[i - 1] = 'ring'; free = free + 1; ring = ring + 1
        else
          states[i - 1] = 'free'; free = free + 1
        end
      end
      if free == 0 then return {'busy'} end
      if ring == 0 then table.insert(states, 1, 'unavailable'); return states end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      for i = 2, #KEYS do
        if states[i - 1] == 'ring' then redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
      end
      table.insert(states, 1, 'ring')
      return states`,
  });
  redis.defineCommand('parleyCallRelease', {
    // Deletes the entries that still name this call (ARGV[1]); a newer call keeps its own.
    lua: `
      local n = 0
      for i = 1, #KEYS do
        if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]); n = n + 1 end
      end
      return n`,
  });
  redis.defineCommand('parleyCallRefresh', {
    // Extends the entries of a live call (ARGV[1], ttl ARGV[2]); one lost while Redis was
    // unreachable comes back, unless the user has meanwhile been put in another call.
    lua: `
      for i = 1, #KEYS do
        local v = redis.call('GET', KEYS[i])
        if v == false or v == ARGV[1] then redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
      end
      return #KEYS`,
  });
  return redis as Redis & ReserveScripts;
}

export function createClusterCallRegistry(options: ClusterCallOptions): CallRegistry {
  const { prefix, logger, timings, ports: base } = options;
  const redis = defineScripts(options.redis);
  /** This node's tag in call ids and in its channel name. */
  const tag = randomBytes(6).toString('hex');
  const userKey = (userId: string) => `${prefix}:calls:user:${userId}`;
  const channelOf = (node: string) => `${prefix}:calls:node:${node}`;
  const ownerOf = (callId: string) => CALL_ID.exec(callId)?.[1] ?? null;

  // ---- ordering: Redis writes of a transition before its emits ----
  let pendingOps = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const logFailure = (what: string) => (err: unknown) => logger.error({ err }, what);
  /**
   * Runs `fn` after everything queued before it. With nothing queued, a plain emit runs at once
   * (so relays cost nothing extra); behind a pending Redis write it waits its turn.
   */
  function ordered(fn: () => void | Promise<unknown>): void {
    if (pendingOps === 0) {
      const result = fn();
      if (!result) return;
      pendingOps += 1;
      tail = result.catch(logFailure('call state write failed')).finally(() => (pendingOps -= 1));
      return;
    }
    pendingOps += 1;
    tail = tail
      .then(fn)
      .catch(logFailure('call state write failed'))
      .finally(() => (pendingOps -= 1));
  }
  /** Resolves once every write and emit queued so far is done. */
  const settled = () => tail;

  const release = (callId: string, userIds: string[]) =>
    redis.parleyCallRelease(userIds.length, ...userIds.map(userKey), callId);

  const takeover = createCallTakeover({ redis: options.redis, prefix, tag, logger, ports: base, release });
  /** Redis's copy of one of this node's calls, for the survivors should this node die. */
  const saveCall = (callId: string) => {
    const call = core.activeCalls().find((c) => c.callId === callId);
    if (call) ordered(() => takeover.save(call));
  };

  const ports: CallPorts = {
    ...base,
    // Every finished call is recorded: that is when its copy in Redis goes.
    recordCall: (record) => {
      ordered(() => takeover.forget(record.callId));
      base.recordCall(record);
    },
    emitToSocket: (socketId, event, payload) => ordered(() => base.emitToSocket(socketId, event, payload)),
    emitToUser: (userId, event, payload, except) =>
      ordered(() => base.emitToUser(userId, event, payload, except)),
    released: (callId, userIds) => ordered(() => release(callId, userIds)),
  };
  const core = createCallRegistry(ports, timings);

  // ---- keeping the busy entries of live calls from expiring ----
  const refreshTimer = setInterval(() => {
    for (const call of core.activeCalls()) {
      const users = [...new Set([call.callerId, ...call.ringing, ...call.participants.map((p) => p.userId)])];
      redis
        .parleyCallRefresh(users.length, ...users.map(userKey), call.callId, BUSY_TTL_MS)
        .catch((err: unknown) =>
          logger.warn({ err, callId: call.callId }, 'could not refresh call busy entries'),
        );
    }
  }, BUSY_REFRESH_MS);
  refreshTimer.unref();

  // ---- forwarding between nodes ----
  const subscriber = options.redis.duplicate();
  subscriber.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis (calls) connection error'));
  let nextRequestId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  let closed = false;

  const publish = (node: string, envelope: Envelope) =>
    redis.publish(channelOf(node), JSON.stringify(envelope));

  async function forward(owner: string, req: Op): Promise<unknown> {
    if (closed) return OWNER_SILENT;
    const id = nextRequestId++;
    const answer = new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        logger.warn({ owner, op: req.op }, 'the node owning a call did not answer in time');
        resolve(OWNER_SILENT);
      }, FORWARD_TIMEOUT_MS);
      timer.unref();
      waiting.set(id, (result) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(result);
      });
    });
    const listeners = await publish(owner, { t: 'req', id, from: tag, req });
    if (listeners === 0) {
      // The owning node is gone (crashed or shut down), and its calls with it.
      waiting.get(id)?.(req.op === 'callOf' ? null : NOT_FOUND);
    }
    return answer;
  }

  /** Runs an operation on a call this node owns, once its writes and emits are out. */
  async function runLocal(req: Op): Promise<unknown> {
    let result: unknown;
    switch (req.op) {
      case 'accept':
        result = core.accept(req.actor, req.callId);
        saveCall(req.callId);
        break;
      case 'reject':
      case 'cancel':
      case 'end':
        result = core[req.op](req.actor, req.callId);
        break;
      case 'relay':
        await recoverReceiver(req.actor, req.input.callId);
        result = core.relay(req.actor, req.event, req.input);
        break;
      case 'socketConnected':
        core.socketConnected(req.actor);
        break;
      case 'socketDisconnected':
        core.socketDisconnected(req.actor);
        await recover(req.actor.userId);
        break;
      case 'callOf':
        result = core.callOf(req.userId);
        break;
    }
    await settled();
    return result ?? null;
  }

  /**
   * Participant `userId` lost its socket and is in its grace period. On one node the new
   * socket's connect rebinds the call before that client can send or receive anything. Across
   * nodes the connect reaches the owner later, by another path, and may even overtake the
   * disconnect. So the owner also looks for itself: a socket of that user that connected after
   * the lost one was bound, and no earlier than shortly before the loss (REORDER_WINDOW_MS), is
   * the one that came back and takes the call. Devices that were connected all along (the
   * callee's other devices that rang) never qualify.
   */
  async function recover(userId: string): Promise<void> {
    const lost = core.lostBinding(userId);
    if (lost === null) return;
    const since = Math.max(lost.boundAt, lost.lostAt - Math.min(REORDER_WINDOW_MS, timings.reconnectGraceMs));
    try {
      const sockets = await options.socketsOfUser(userId);
      const comeback = sockets
        .filter((s) => s.handshake.issued > since)
        .sort((x, y) => y.handshake.issued - x.handshake.issued)[0];
      // Still lost (nothing rebound it while we looked)? Then the newest such socket takes it.
      if (comeback && core.lostBinding(userId)?.lostAt === lost.lostAt) {
        core.socketConnected({ userId, socketId: comeback.id });
      }
    } catch (err) {
      logger.warn({ err, userId }, 'could not look for a call participant’s new socket');
    }
  }

  /** Recoveries in progress per call: later signals of that call wait, so none overtakes another. */
  const recovering = new Map<string, Promise<void>>();

  /**
   * Before relaying to a participant whose socket is lost, see whether it came back on another
   * node (see `recover`): the signal then reaches the new socket instead of being dropped.
   */
  async function recoverReceiver(actor: Actor, callId: string): Promise<void> {
    const running = recovering.get(callId);
    if (running) return running;
    const call = core.callOf(actor.userId);
    if (!call || call.callId !== callId) return;
    const receiver = call.participants.find((p) => p.userId !== actor.userId);
    if (!receiver || receiver.socketId !== null) return;
    const done = recover(receiver.userId).finally(() => recovering.delete(callId));
    recovering.set(callId, done);
    return done;
  }

  /** Where an event about `callId` is handled: here, at its owner, or nowhere (not_found). */
  async function route(callId: string, req: Op): Promise<CallResult> {
    const owner = ownerOf(callId);
    if (owner === null) return NOT_FOUND;
    const result = owner === tag ? await runLocal(req) : await forward(owner, req);
    return (result ?? NOT_FOUND) as CallResult;
  }

  /** Connect and disconnect concern the user's current call, wherever it is owned. */
  async function routeByUser(req: Extract<Op, { op: 'socketConnected' | 'socketDisconnected' }>) {
    const callId = await redis.get(userKey(req.actor.userId));
    const owner = callId === null ? null : ownerOf(callId);
    if (owner === null) return;
    if (owner === tag) await runLocal(req);
    else await forward(owner, req);
  }

  async function onEnvelope(raw: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      logger.warn('ignored a malformed call message from another node');
      return;
    }
    if (envelope.t === 'res') {
      waiting.get(envelope.id)?.(envelope.result);
      return;
    }
    if (envelope.t !== 'req' || typeof envelope.from !== 'string') return;
    let result: unknown;
    try {
      result = closed ? OWNER_SILENT : await runLocal(envelope.req);
    } catch (err) {
      logger.error({ err, op: envelope.req?.op }, 'forwarded call event failed');
      result = { ok: false, code: 'unavailable', message: 'Something went wrong with this call' };
    }
    await publish(envelope.from, { t: 'res', id: envelope.id, result });
  }

  subscriber.on('message', (_channel: string, raw: string) => {
    onEnvelope(raw).catch(logFailure('could not answer a forwarded call event'));
  });
  // Calls are only created after this (initiate waits for it), so no request can miss us.
  const ready = subscriber.subscribe(channelOf(tag)).then(
    () => undefined,
    (err: unknown) => {
      logger.error({ err }, 'could not subscribe to the calls channel');
      throw err;
    },
  );
  ready.catch(() => undefined);

  async function initiate(input: InitiateInput): Promise<CallResult<{ callId: string }>> {
    await ready;
    const callerId = input.caller.id;
    const calleeIds = [...new Set(input.calleeIds)].filter((id) => id !== callerId);
    // Nobody to call: the state machine answers that without touching Redis.
    if (calleeIds.length === 0) return core.initiate(input);
    const callId = `${tag}.${randomUUID()}`;
    const [outcome, ...states] = await redis.parleyCallReserve(
      calleeIds.length + 1,
      userKey(callerId),
      ...calleeIds.map(userKey),
      callId,
      BUSY_TTL_MS,
      ...calleeIds.map((id) => (input.connectedCalleeIds.has(id) ? '1' : '0')),
    );
    if (outcome === 'caller_busy') return { ok: false, code: 'busy', message: 'You are already in a call' };
    if (outcome === 'busy')
      return { ok: false, code: 'busy', message: 'The other side is already in a call' };
    const free = calleeIds.filter((_, i) => states[i] !== 'busy');
    const ring = calleeIds.filter((_, i) => states[i] === 'ring');
    // The state machine rings exactly the reserved callees (or, with none, records the missed call).
    const result = core.initiate({ ...input, callId, calleeIds: free, connectedCalleeIds: new Set(ring) });
    if (result.ok) saveCall(callId);
    if (outcome === 'ring') {
      const ringing = result.ok ? (core.callOf(callerId)?.ringing ?? []) : [];
      // Entries reserved for a call that did not start (or a callee it did not ring) go again.
      const stray = [...(result.ok ? [] : [callerId]), ...ring.filter((id) => !ringing.includes(id))];
      if (stray.length > 0) ordered(() => release(callId, stray));
    }
    await settled();
    return result;
  }

  return {
    activeCalls: () => core.activeCalls(),
    initiate,
    accept: (actor, callId) => route(callId, { op: 'accept', actor, callId }),
    reject: (actor, callId) => route(callId, { op: 'reject', actor, callId }),
    cancel: (actor, callId) => route(callId, { op: 'cancel', actor, callId }),
    end: (actor, callId) => route(callId, { op: 'end', actor, callId }),
    relay: (actor, event, input) => route(input.callId, { op: 'relay', actor, event, input }),
    socketConnected: (actor) => routeByUser({ op: 'socketConnected', actor }),
    socketDisconnected: (actor) => routeByUser({ op: 'socketDisconnected', actor }),
    async callOf(userId) {
      const callId = await redis.get(userKey(userId));
      const owner = callId === null ? null : ownerOf(callId);
      if (owner === null) return null;
      const req: Op = { op: 'callOf', userId };
      return ((owner === tag ? await runLocal(req) : await forward(owner, req)) ??
        null) as CallSnapshot | null;
    },
    async close() {
      closed = true;
      clearInterval(refreshTimer);
      // This node's calls cannot move to another node, but their participants may well be
      // connected elsewhere (or reconnect there now): they hear `connection_lost` instead of
      // silence, each call keeps its record, and the users' busy entries go at once rather than
      // when they expire. Emits still leave through the adapter's publishing connection, which
      // closes after this; the records are stored before the database closes (see index.ts).
      core.endAll();
      core.close();
      await settled();
      await takeover.stop();
      for (const resolve of waiting.values()) resolve(OWNER_SILENT);
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
