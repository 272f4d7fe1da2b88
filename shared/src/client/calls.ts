/**
 * Calls (`ClientState.call`): starting, answering and ending a call, and relaying
 * simple-peer's signals. `sendSignal` routes by `type`: `offer` → `call:offer`, `answer` →
 * `call:answer`, everything else (`candidate`, `renegotiate`, `transceiverRequest`) →
 * `call:ice-candidate`; the receiving side hands every signal to simple-peer alike.
 */
import type { HostResult } from '../host-api.js';
import type { IceServersResponse } from '../protocol/http.js';
import type { User } from '../protocol/models.js';
import type {
  CallAcceptedEvent,
  CallEndReason,
  CallEndedEvent,
  CallIncomingEvent,
  CallSignalEvent,
  CallSignalEventName,
} from '../protocol/socket.js';
import { emitWithAck } from './ack.js';
import type { ClientContext } from './context.js';
import { fail, guard, ok, type Result } from './http.js';
import type { CallState } from './state.js';
import type { ParleyClient } from './types.js';

/** The module that owns the current call (`ClientState.call`) and the `calls` API, as other modules reach it through `ctx`. */
export type CallsModule = ReturnType<typeof createCalls>;

/** Creates the module that owns the current call (`ClientState.call`) and the `calls` API. */
export function createCalls(ctx: ClientContext) {
  function updateCall(callId: string, fn: (call: CallState) => CallState): void {
    ctx.update((s) => {
      if (!s.call || s.call.callId !== callId) return s;
      const next = fn(s.call);
      return next === s.call ? s : { ...s, call: next };
    });
  }

  function findMember(conversationId: string, userId: string): User | undefined {
    return ctx
      .state()
      .conversations.find((c) => c.id === conversationId)
      ?.members.find((m) => m.id === userId);
  }

  async function callRef(
    event: 'call:accept' | 'call:reject' | 'call:cancel' | 'call:end',
    callId: string,
  ): Promise<Result<void>> {
    const s = ctx.connection.socket();
    if (!s) return fail('offline', 'Not connected to the server');
    const ack = await emitWithAck(s, event, { callId });
    return ack.ok ? ok(undefined) : ack;
  }

  /** Ends the call locally at once (the UI must not wait for the network to hang up). */
  async function finish(
    event: 'call:reject' | 'call:cancel' | 'call:end',
    callId: string,
    reason: CallEndReason,
  ): Promise<Result<void>> {
    updateCall(callId, (call) =>
      call.phase === 'ended' ? call : { ...call, phase: 'ended', endReason: reason },
    );
    return callRef(event, callId);
  }

  async function initiate(
    conversationId: string,
    media: 'audio' | 'video',
  ): Promise<Result<{ callId: string }>> {
    if (typeof conversationId !== 'string' || (media !== 'audio' && media !== 'video')) {
      return fail('invalid_input', 'A call needs a conversation and media "audio" or "video"');
    }
    const current = ctx.state().call;
    if (current && current.phase !== 'ended') return fail('busy', 'You are already in a call');
    const s = ctx.connection.socket();
    if (!s) return fail('offline', 'Not connected to the server');
    const ack = await emitWithAck(s, 'call:initiate', { conversationId, media });
    const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
    const me = ctx.session.me();
    const peer = conversation?.members.find((m) => m.id !== me?.id) ?? {
      id: '',
      username: '',
      displayName: conversation?.title ?? 'Unknown',
    };
    const base: CallState = {
      callId: '',
      conversationId,
      media,
      phase: 'outgoing',
      direction: 'outgoing',
      peer,
      initiator: true,
      startedAt: null,
      endReason: null,
      error: null,
    };
    if (!ack.ok) {
      // Shown as a call that could not start ("busy", "unavailable") until dismissed.
      const endReason = ack.code === 'busy' ? 'busy' : null;
      ctx.update((st) => ({ ...st, call: { ...base, phase: 'ended', endReason, error: ack.code } }));
      return ack;
    }
    const callId = typeof ack.value.callId === 'string' ? ack.value.callId : '';
    if (!callId) return fail('bad_response', 'The server did not return a call id');
    ctx.update((st) => ({ ...st, call: { ...base, callId } }));
    return ok({ callId });
  }

  async function accept(callId: string): Promise<Result<void>> {
    const result = await callRef('call:accept', callId);
    if (result.ok) {
      updateCall(callId, (call) => ({ ...call, phase: 'active', initiator: false, startedAt: ctx.now() }));
    } else if (result.code === 'not_found') {
      updateCall(callId, (call) =>
        call.phase === 'ended'
          ? call
          : {
              ...call,
              phase: 'ended',
              endReason: call.endReason ?? 'answered_elsewhere',
              error: result.code,
            },
      );
    }
    return result;
  }

  async function sendSignal(callId: string, signal: Record<string, unknown>): Promise<Result<void>> {
    if (typeof callId !== 'string' || typeof signal !== 'object' || signal === null) {
      return fail('invalid_input', 'sendSignal needs a call id and the signal object');
    }
    const s = ctx.connection.socket();
    if (!s) return fail('offline', 'Not connected to the server');
    const event = signalEvent(signal);
    const call = ctx.state().call;
    const conversation =
      call?.callId === callId
        ? ctx.state().conversations.find((c) => c.id === call.conversationId)
        : undefined;
    // In group calls `to` picks the participant; in direct calls the server knows.
    const to = conversation?.type === 'group' && call?.peer.id ? call.peer.id : undefined;
    const ack = await emitWithAck(s, event, to ? { callId, to, signal } : { callId, signal });
    return ack.ok ? ok(undefined) : ack;
  }

  /** The public `calls` API. */
  const api: ParleyClient['calls'] = {
    iceServers: () =>
      guard(async () => {
        const result = await ctx.session.api<IceServersResponse>('GET', '/api/ice-servers');
        if (!result.ok) return result;
        if (!Array.isArray(result.value?.iceServers))
          return fail('bad_response', 'The server sent no ICE servers');
        return ok(result.value);
      }),
    initiate: (conversationId, media) => guard(() => initiate(conversationId, media)),
    accept: (callId) => guard(() => accept(callId)),
    reject: (callId) => guard(() => finish('call:reject', callId, 'rejected')),
    cancel: (callId) => guard(() => finish('call:cancel', callId, 'cancelled')),
    end: (callId) => guard(() => finish('call:end', callId, 'hangup')),
    dismiss: (): Promise<HostResult> =>
      guard(async () => {
        const call = ctx.state().call;
        if (call && call.phase !== 'ended')
          return fail('invalid_input', 'The call is still going; end it first');
        ctx.update((s) => (s.call ? { ...s, call: null } : s));
        return ok(undefined);
      }),
    sendSignal: (callId, signal) => guard(() => sendSignal(callId, signal)),
    onSignal(listener) {
      ctx.signalListeners.add(listener);
      return () => {
        ctx.signalListeners.delete(listener);
      };
    },
  };

  return {
    api,
    incoming(call: CallIncomingEvent): void {
      const current = ctx.state().call;
      if (current && current.phase !== 'ended') return;
      ctx.update((st) => ({
        ...st,
        call: {
          callId: call.callId,
          conversationId: call.conversationId,
          media: call.media,
          phase: 'incoming',
          direction: 'incoming',
          peer: call.from,
          initiator: false,
          startedAt: null,
          endReason: null,
          error: null,
        },
      }));
      ctx.emitEvent({ type: 'call:incoming', call });
    },
    accepted(event: CallAcceptedEvent): void {
      updateCall(event.callId, (call) => {
        if (call.phase !== 'outgoing') return call;
        const peer = findMember(call.conversationId, event.userId) ?? call.peer;
        return { ...call, phase: 'active', startedAt: ctx.now(), peer };
      });
    },
    ended(event: CallEndedEvent): void {
      updateCall(event.callId, (call) =>
        call.phase === 'ended' ? call : { ...call, phase: 'ended', endReason: event.reason },
      );
    },
    signal(name: CallSignalEventName, event: CallSignalEvent): void {
      ctx.emitSignal({ callId: event.callId, event: name, from: event.from, signal: event.signal });
    },
  };
}

/**
 * simple-peer's signal data: {type:'offer'|'answer', sdp}, {type:'candidate', candidate},
 * {type:'renegotiate'} or {type:'transceiverRequest', ...}. Only SDP offers and answers
 * have their own events; everything else travels as call:ice-candidate.
 */
export function signalEvent(signal: Record<string, unknown>): CallSignalEventName {
  if (signal.type === 'offer') return 'call:offer';
  if (signal.type === 'answer') return 'call:answer';
  return 'call:ice-candidate';
}
