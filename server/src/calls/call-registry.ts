import type {
  CallAcceptedEvent,
  CallEndReason,
  CallEndedEvent,
  CallIncomingEvent,
  CallMedia,
  CallOutcome,
  CallSignalEvent,
  CallSignalEventName,
  ErrorCode,
  User,
} from '@parley/shared';

/**
 * The call state machine, in memory on one node.
 *
 * It knows nothing about Socket.IO, the database or the clock: everything it does to the outside
 * world goes through {@link CallPorts} (emit to a socket or to a user's devices, store the call
 * record, timers, ids). That keeps it testable without sockets, and lets cluster.ts run the
 * very same rules across several nodes: there this machine runs on the node that owns a call,
 * other nodes forward events to it, and the optional `released` port keeps busy state in Redis.
 *
 * Every transition runs synchronously from start to end (no await in between), so two
 * `accept`s racing on one node are decided by arrival order: the first wins.
 *
 * Rules it implements (see protocol.md "Call rules"):
 * - initiate: `busy` when the caller is in (or ringing for) a call, or when the callee is; in a
 *   group every member but the caller rings, busy members are skipped, and `busy` is answered
 *   only when all of them are. `unavailable` when no callee device is connected; a `missed`
 *   record is still stored.
 * - the first `accept` wins: its socket is bound to the call; the callee's other devices (and, in
 *   a group, every other member's devices) get `answered_elsewhere`; the caller's socket gets
 *   `call:accepted`. A v1 call, group or not, has exactly two participants: the caller's socket
 *   and the accepting socket.
 * - signals are relayed only between those two sockets, untouched, with `from` added. The
 *   caller's signals sent while the call rings (its offer and candidates, built early) are held,
 *   at most {@link MAX_EARLY_SIGNALS}, and relayed to the accepting socket right after its
 *   accept, so the callee need not wait for the caller to hear `call:accepted` and send them.
 * - `reject` by a callee stops that callee's devices; when every callee has rejected, the caller
 *   gets `rejected` and the call ends. `cancel` (or `end`) by the caller before anyone accepted
 *   ends it for every callee device with `cancelled`.
 * - `end` by a participant after accept: the other participant gets `hangup`.
 * - no accept within the ring timeout: `no_answer` to everyone involved.
 * - a bound socket that disconnects starts a grace timer; if no socket of that user takes its
 *   place in time, everyone else gets `connection_lost`. See {@link CallRegistry.socketConnected}
 *   for how a reconnecting socket takes the call back.
 */
type MaybePromise<T> = T | Promise<T>;

/**
 * What the socket handlers use. Results may be promises so that a shared implementation (one
 * whose state lives in Redis, for several nodes) fits the same seam; the handlers await them.
 */
export interface CallRegistry {
  initiate(input: InitiateInput): MaybePromise<CallResult<{ callId: string }>>;
  accept(actor: Actor, callId: string): MaybePromise<CallResult>;
  reject(actor: Actor, callId: string): MaybePromise<CallResult>;
  cancel(actor: Actor, callId: string): MaybePromise<CallResult>;
  end(actor: Actor, callId: string): MaybePromise<CallResult>;
  relay(actor: Actor, event: CallSignalEventName, input: RelayInput): MaybePromise<CallResult>;
  /**
   * A socket of `userId` connected. If that user is a participant whose bound socket dropped and
   * the grace period is still running, this socket takes the call over (the first new socket of
   * that user wins). A socket of that user that sends any call event for the call while the
   * participant is disconnected takes it over too (see {@link relay} and {@link end}).
   */
  socketConnected(actor: Actor): MaybePromise<void>;
  /** A socket disconnected: a participant's bound socket starts the reconnect grace period. */
  socketDisconnected(actor: Actor): MaybePromise<void>;
  /** The call a user is part of (caller, ringing callee or participant), if any. */
  callOf(userId: string): MaybePromise<CallSnapshot | null>;
  /** Shutdown: ends every call (participants hear `connection_lost`, each call leaves its record) and clears timers. */
  close(): MaybePromise<void>;
  /** Calls this registry (this node) owns: ringing or in progress. */
  activeCalls(): CallSnapshot[];
}

/** The in-memory registry answers synchronously (which its unit tests rely on). */
export interface InMemoryCallRegistry extends CallRegistry {
  initiate(input: InitiateInput): CallResult<{ callId: string }>;
  accept(actor: Actor, callId: string): CallResult;
  reject(actor: Actor, callId: string): CallResult;
  cancel(actor: Actor, callId: string): CallResult;
  end(actor: Actor, callId: string): CallResult;
  relay(actor: Actor, event: CallSignalEventName, input: RelayInput): CallResult;
  socketConnected(actor: Actor): void;
  socketDisconnected(actor: Actor): void;
  callOf(userId: string): CallSnapshot | null;
  close(): void;
  /** Every call this registry holds; a shared busy ledger refreshes its entries from these. */
  activeCalls(): CallSnapshot[];
  /**
   * Ends every call as if its connection was lost: everyone still involved hears
   * `connection_lost` and each call leaves its record. `close()` starts with it.
   */
  endAll(): void;
  /**
   * While participant `userId` is in its grace period: when its socket was bound and when it
   * was lost; otherwise null. Lets a multi-node registry tell a socket that came back from one
   * that was there all along.
   */
  lostBinding(userId: string): { boundAt: number; lostAt: number } | null;
}

/** Who sent an event: the user and the exact socket it came from. */
export interface Actor {
  userId: string;
  socketId: string;
}

export interface InitiateInput {
  caller: User;
  callerSocketId: string;
  conversationId: string;
  media: CallMedia;
  /** Every member of the conversation but the caller. */
  calleeIds: string[];
  /** The callees that have at least one connected device right now. */
  connectedCalleeIds: ReadonlySet<string>;
  /**
   * The id to give the call instead of `ports.newCallId()`. A multi-node registry picks the id
   * first (it names the owning node) and reserves the users' shared busy entries under it
   * before the call exists here.
   */
  callId?: string;
}

export interface RelayInput {
  callId: string;
  to?: string | null;
  signal: Record<string, unknown>;
}

export type CallResult<T extends object = object> =
  | ({ ok: true } & T)
  | {
      ok: false;
      code: Extract<ErrorCode, 'not_found' | 'busy' | 'unavailable' | 'invalid_input'>;
      message: string;
    };

/** What the state machine needs from the outside world. */
export interface CallPorts {
  emitToSocket<E extends OutgoingCallEvent>(socketId: string, event: E, payload: OutgoingPayload<E>): void;
  /** To every connected device of a user, optionally except one socket. */
  emitToUser<E extends OutgoingCallEvent>(
    userId: string,
    event: E,
    payload: OutgoingPayload<E>,
    exceptSocketId?: string,
  ): void;
  /** Stores the call's `kind: "call"` message and broadcasts it; failures are the port's to log. */
  recordCall(record: FinishedCall): void;
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
  newCallId(): string;
  /**
   * Optional: these users no longer have any part in the call (it ended, or they stopped
   * ringing). A multi-node registry frees their shared busy entries here; called before the
   * `call:ended` emits of the same transition, so a port that orders its work can free the
   * entry before the client hears the call is over (and may call again at once).
   */
  released?(callId: string, userIds: string[]): void;
}

export interface OutgoingCallEvents {
  'call:incoming': CallIncomingEvent;
  'call:accepted': CallAcceptedEvent;
  'call:ended': CallEndedEvent;
  'call:offer': CallSignalEvent;
  'call:answer': CallSignalEvent;
  'call:ice-candidate': CallSignalEvent;
}
export type OutgoingCallEvent = keyof OutgoingCallEvents;
export type OutgoingPayload<E extends OutgoingCallEvent> = OutgoingCallEvents[E];

/** The record of a call that finished, for the `kind: "call"` message. */
export interface FinishedCall {
  callId: string;
  conversationId: string;
  callerId: string;
  media: CallMedia;
  outcome: CallOutcome;
  /** Whole seconds between accept and end; only for `completed`. */
  durationSeconds: number | null;
  endReason: CallEndReason | 'unavailable';
}

export interface CallSnapshot {
  callId: string;
  conversationId: string;
  media: CallMedia;
  callerId: string;
  state: 'ringing' | 'active';
  /** Callees still ringing (not accepted, not rejected). */
  ringing: string[];
  participants: Array<{ userId: string; socketId: string | null }>;
}

export interface CallTimings {
  /** Unanswered calls end with `no_answer` after this long. */
  ringTimeoutMs: number;
  /** A participant's socket may stay away this long before the call ends with `connection_lost`. */
  reconnectGraceMs: number;
}

interface Participant {
  userId: string;
  /** The bound socket; null while disconnected within the grace period. */
  socketId: string | null;
  /** When `socketId` was bound (created, accepted, or taken over). */
  boundAt: number;
  lostAt: number | null;
  graceTimer: unknown;
}

interface Call {
  id: string;
  conversationId: string;
  media: CallMedia;
  callerId: string;
  state: 'ringing' | 'active';
  /** Callees whose devices still ring. */
  ringing: Set<string>;
  rejected: Set<string>;
  caller: Participant;
  /** The accepted callee, once someone accepted. */
  callee: Participant | null;
  acceptedAt: number | null;
  ringTimer: unknown;
  /** The caller's signals sent while ringing, for whoever accepts. */
  early: Array<{ event: CallSignalEventName; signal: Record<string, unknown> }>;
}

/** The most signals a caller may send before anyone accepted (an offer and its candidates need far fewer). */
export const MAX_EARLY_SIGNALS = 64;

const NOT_FOUND = { ok: false, code: 'not_found', message: 'No such call' } as const;

export function createCallRegistry(ports: CallPorts, timings: CallTimings): InMemoryCallRegistry {
  const calls = new Map<string, Call>();
  /** userId → callId, for the caller, every ringing callee and the accepted callee. */
  const callByUser = new Map<string, string>();

  const participants = (call: Call): Participant[] =>
    call.callee ? [call.caller, call.callee] : [call.caller];
  const participantOf = (call: Call, userId: string): Participant | null =>
    participants(call).find((p) => p.userId === userId) ?? null;

  /** The call `callId` if `userId` has any part in it; otherwise null (answered as not_found). */
  function findFor(userId: string, callId: string): Call | null {
    const call = calls.get(callId);
    if (!call) return null;
    if (call.callerId === userId || call.ringing.has(userId) || call.callee?.userId === userId) return call;
    return null;
  }

  /**
   * Whether `actor` speaks for participant `p`: its bound socket, or (while `p` is disconnected
   * within the grace period) any socket of the same user, which then takes the call over.
   */
  function claim(call: Call, p: Participant, actor: Actor): boolean {
    if (p.userId !== actor.userId) return false;
    if (p.socketId === actor.socketId) return true;
    if (p.socketId === null) {
      rebind(call, p, actor.socketId);
      return true;
    }
    return false;
  }

  function rebind(call: Call, p: Participant, socketId: string): void {
    if (p.graceTimer !== null) ports.clearTimer(p.graceTimer);
    p.graceTimer = null;
    p.lostAt = null;
    p.socketId = socketId;
    p.boundAt = ports.now();
    // A caller that was away when the callee accepted never heard call:accepted; say it again
    // on the new socket (clients ignore a repeat for a call that is already active).
    if (p === call.caller && call.state === 'active' && call.callee) {
      ports.emitToSocket(socketId, 'call:accepted', { callId: call.id, userId: call.callee.userId });
    }
  }

  function release(call: Call): void {
    calls.delete(call.id);
    if (call.ringTimer !== null) ports.clearTimer(call.ringTimer);
    call.ringTimer = null;
    for (const p of participants(call)) {
      if (p.graceTimer !== null) ports.clearTimer(p.graceTimer);
      p.graceTimer = null;
    }
    const freed: string[] = [];
    for (const userId of [call.callerId, ...call.ringing, ...(call.callee ? [call.callee.userId] : [])]) {
      if (callByUser.get(userId) === call.id) {
        callByUser.delete(userId);
        freed.push(userId);
      }
    }
    call.ringing.clear();
    if (freed.length > 0) ports.released?.(call.id, freed);
  }

  function stopRinging(call: Call, userId: string, reason: CallEndReason, exceptSocketId?: string): void {
    call.ringing.delete(userId);
    if (callByUser.get(userId) === call.id) {
      callByUser.delete(userId);
      ports.released?.(call.id, [userId]);
    }
    ports.emitToUser(userId, 'call:ended', { callId: call.id, reason }, exceptSocketId);
  }

  /**
   * Ends the call: tells everyone still involved (but `except`, who asked for it and gets the
   * ack), then stores the record. `endedAt` lets a lost connection count until it was lost.
   */
  function finish(
    call: Call,
    reason: CallEndReason,
    outcome: CallOutcome,
    except: Actor | null,
    endedAt = ports.now(),
  ): void {
    const ringing = [...call.ringing];
    const bound = participants(call);
    release(call);
    const payload: CallEndedEvent = { callId: call.id, reason };
    for (const userId of ringing) ports.emitToUser(userId, 'call:ended', payload);
    for (const p of bound) {
      if (p.socketId !== null && p.socketId !== except?.socketId)
        ports.emitToSocket(p.socketId, 'call:ended', payload);
    }
    const durationSeconds =
      outcome === 'completed' && call.acceptedAt !== null
        ? Math.max(0, Math.round((endedAt - call.acceptedAt) / 1000))
        : null;
    ports.recordCall({
      callId: call.id,
      conversationId: call.conversationId,
      callerId: call.callerId,
      media: call.media,
      outcome,
      durationSeconds,
      endReason: reason,
    });
  }

  function onRingTimeout(callId: string): void {
    const call = calls.get(callId);
    if (!call) return;
    call.ringTimer = null;
    if (call.state === 'ringing') {
      finish(call, 'no_answer', 'missed', null);
      return;
    }
    // An active call can still have no one ringing; nothing to do then.
  }

  function onGraceExpired(callId: string, p: Participant): void {
    const call = calls.get(callId);
    if (!call || p.socketId !== null) return;
    p.graceTimer = null;
    const outcome: CallOutcome = call.state === 'active' ? 'completed' : 'missed';
    finish(call, 'connection_lost', outcome, null, p.lostAt ?? ports.now());
  }

  function initiate(input: InitiateInput): CallResult<{ callId: string }> {
    const { caller, callerSocketId } = input;
    if (callByUser.has(caller.id)) {
      return { ok: false, code: 'busy', message: 'You are already in a call' };
    }
    const calleeIds = [...new Set(input.calleeIds)].filter((id) => id !== caller.id);
    if (calleeIds.length === 0) {
      return { ok: false, code: 'not_found', message: 'There is no one to call in this conversation' };
    }
    const free = calleeIds.filter((id) => !callByUser.has(id));
    if (free.length === 0) {
      return { ok: false, code: 'busy', message: 'The other side is already in a call' };
    }
    const reachable = free.filter((id) => input.connectedCalleeIds.has(id));
    const callId = input.callId ?? ports.newCallId();
    if (reachable.length === 0) {
      ports.recordCall({
        callId,
        conversationId: input.conversationId,
        callerId: caller.id,
        media: input.media,
        outcome: 'missed',
        durationSeconds: null,
        endReason: 'unavailable',
      });
      return { ok: false, code: 'unavailable', message: 'No device of the other side is online' };
    }
    const call: Call = {
      id: callId,
      conversationId: input.conversationId,
      media: input.media,
      callerId: caller.id,
      state: 'ringing',
      ringing: new Set(reachable),
      rejected: new Set(),
      caller: {
        userId: caller.id,
        socketId: callerSocketId,
        boundAt: ports.now(),
        lostAt: null,
        graceTimer: null,
      },
      callee: null,
      acceptedAt: null,
      ringTimer: null,
      early: [],
    };
    calls.set(callId, call);
    callByUser.set(caller.id, callId);
    for (const id of reachable) callByUser.set(id, callId);
    call.ringTimer = ports.setTimer(timings.ringTimeoutMs, () => onRingTimeout(callId));
    const incoming: CallIncomingEvent = {
      callId,
      conversationId: input.conversationId,
      from: caller,
      media: input.media,
    };
    for (const id of reachable) ports.emitToUser(id, 'call:incoming', incoming);
    return { ok: true, callId };
  }

  function accept(actor: Actor, callId: string): CallResult {
    const call = calls.get(callId);
    if (!call || call.state !== 'ringing' || !call.ringing.has(actor.userId)) return NOT_FOUND;
    call.state = 'active';
    call.acceptedAt = ports.now();
    call.callee = {
      userId: actor.userId,
      socketId: actor.socketId,
      boundAt: call.acceptedAt,
      lostAt: null,
      graceTimer: null,
    };
    if (call.ringTimer !== null) ports.clearTimer(call.ringTimer);
    call.ringTimer = null;
    call.ringing.delete(actor.userId);
    // The accepting user's other devices stop ringing; so does everyone else in a group call,
    // because a v1 call has exactly two participants.
    ports.emitToUser(actor.userId, 'call:ended', { callId, reason: 'answered_elsewhere' }, actor.socketId);
    for (const other of [...call.ringing]) stopRinging(call, other, 'answered_elsewhere');
    if (call.caller.socketId !== null) {
      ports.emitToSocket(call.caller.socketId, 'call:accepted', { callId, userId: actor.userId });
    }
    // They reach the callee before the ack of its accept, which lets it send its answer.
    for (const { event, signal } of call.early.splice(0)) {
      ports.emitToSocket(actor.socketId, event, { callId, from: call.callerId, signal });
    }
    return { ok: true };
  }

  function reject(actor: Actor, callId: string): CallResult {
    const call = findFor(actor.userId, callId);
    if (!call) return NOT_FOUND;
    if (call.ringing.has(actor.userId)) {
      call.rejected.add(actor.userId);
      stopRinging(call, actor.userId, 'rejected', actor.socketId);
      if (call.state === 'ringing' && call.ringing.size === 0) {
        // Everyone who was rung said no: the caller hears "rejected".
        finish(call, 'rejected', 'rejected', actor);
      }
      return { ok: true };
    }
    // A participant "rejecting" an accepted call (e.g. a late click) hangs up.
    return end(actor, callId);
  }

  function cancel(actor: Actor, callId: string): CallResult {
    const call = findFor(actor.userId, callId);
    if (!call || call.callerId !== actor.userId) return NOT_FOUND;
    if (!claim(call, call.caller, actor)) return NOT_FOUND;
    if (call.state === 'ringing') {
      finish(call, 'cancelled', 'cancelled', actor);
      return { ok: true };
    }
    // Cancel racing an accept that arrived first: the caller still wants out, so hang up.
    finish(call, 'hangup', 'completed', actor);
    return { ok: true };
  }

  function end(actor: Actor, callId: string): CallResult {
    const call = findFor(actor.userId, callId);
    if (!call) return NOT_FOUND;
    if (call.state === 'ringing') {
      if (actor.userId === call.callerId) return cancel(actor, callId);
      return reject(actor, callId);
    }
    const p = participantOf(call, actor.userId);
    if (!p || !claim(call, p, actor)) return NOT_FOUND;
    finish(call, 'hangup', 'completed', actor);
    return { ok: true };
  }

  function relay(actor: Actor, event: CallSignalEventName, input: RelayInput): CallResult {
    const call = findFor(actor.userId, input.callId);
    if (call?.state === 'ringing') return holdEarly(call, actor, event, input);
    if (!call || call.state !== 'active' || !call.callee) return NOT_FOUND;
    const sender = participantOf(call, actor.userId);
    if (!sender || !claim(call, sender, actor)) return NOT_FOUND;
    const receiver = sender === call.caller ? call.callee : call.caller;
    if (input.to != null && input.to !== receiver.userId) return NOT_FOUND;
    // While the receiver is reconnecting its signals are dropped; the ack still says ok because
    // the sender can do nothing better, and ICE restarts after the rebind anyway.
    if (receiver.socketId !== null) {
      ports.emitToSocket(receiver.socketId, event, {
        callId: call.id,
        from: actor.userId,
        signal: input.signal,
      });
    }
    return { ok: true };
  }

  /** The caller's signal while ringing: held for whoever accepts (see the rules above). */
  function holdEarly(call: Call, actor: Actor, event: CallSignalEventName, input: RelayInput): CallResult {
    if (actor.userId !== call.callerId || !claim(call, call.caller, actor)) return NOT_FOUND;
    // In a group the caller cannot know yet who answers; `to` may name any callee still ringing.
    if (input.to != null && !call.ringing.has(input.to)) return NOT_FOUND;
    if (call.early.length >= MAX_EARLY_SIGNALS) {
      return { ok: false, code: 'invalid_input', message: 'Too many signals before the call was answered' };
    }
    call.early.push({ event, signal: input.signal });
    return { ok: true };
  }

  const snapshot = (call: Call): CallSnapshot => ({
    callId: call.id,
    conversationId: call.conversationId,
    media: call.media,
    callerId: call.callerId,
    state: call.state,
    ringing: [...call.ringing],
    participants: participants(call).map((p) => ({ userId: p.userId, socketId: p.socketId })),
  });

  return {
    initiate,
    accept,
    reject,
    cancel,
    end,
    relay,

    socketConnected(actor) {
      const callId = callByUser.get(actor.userId);
      const call = callId === undefined ? undefined : calls.get(callId);
      if (!call) return;
      const p = participantOf(call, actor.userId);
      if (p && p.socketId === null) rebind(call, p, actor.socketId);
    },

    socketDisconnected(actor) {
      const callId = callByUser.get(actor.userId);
      const call = callId === undefined ? undefined : calls.get(callId);
      if (!call) return;
      const p = participantOf(call, actor.userId);
      if (!p || p.socketId !== actor.socketId) return;
      p.socketId = null;
      p.lostAt = ports.now();
      p.graceTimer = ports.setTimer(timings.reconnectGraceMs, () => onGraceExpired(call.id, p));
    },

    callOf(userId) {
      const callId = callByUser.get(userId);
      const call = callId === undefined ? undefined : calls.get(callId);
      return call ? snapshot(call) : null;
    },

    activeCalls() {
      return [...calls.values()].map(snapshot);
    },

    endAll() {
      for (const call of [...calls.values()]) {
        finish(call, 'connection_lost', call.state === 'active' ? 'completed' : 'missed', null);
      }
    },

    lostBinding(userId) {
      const callId = callByUser.get(userId);
      const call = callId === undefined ? undefined : calls.get(callId);
      const p = call ? participantOf(call, userId) : null;
      return p && p.socketId === null && p.lostAt !== null ? { boundAt: p.boundAt, lostAt: p.lostAt } : null;
    },

    close() {
      // The server is going away: every call still ringing or in progress ends now, so each
      // leaves its record while the database is still open.
      this.endAll();
      for (const call of [...calls.values()]) release(call);
      callByUser.clear();
    },
  };
}
