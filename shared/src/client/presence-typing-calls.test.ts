import { describe, expect, it, vi } from 'vitest';
import { TYPING_REPEAT_MS } from '../rules/typing.js';
import { signalEvent } from './calls.js';
import { ALICE, conversation, fakeSocket, testContext } from './module-test-support.js';

describe('presence module', () => {
  it('a live event wins over presence in an answer requested before it', () => {
    const ctx = testContext();
    const requestedAt = ctx.presence.clock();
    ctx.presence.online('a');
    ctx.conversations.add([conversation('c1', { members: [{ ...ALICE, online: false }] })], requestedAt);
    expect(ctx.state().presence.a?.online).toBe(true);
    ctx.conversations.add([conversation('c1', { members: [{ ...ALICE, online: false, lastSeenAt: 'x' }] })]);
    expect(ctx.state().presence.a).toEqual({ online: false, lastSeenAt: 'x' });
  });
});

describe('typing module', () => {
  it('throttles typing:start and sends typing:stop only after a start', () => {
    let now = 1000;
    const { socket, emitted } = fakeSocket();
    const ctx = testContext({ socket });
    ctx.now = () => now;
    ctx.typing.setTyping('c1', false);
    ctx.typing.setTyping('c1', true);
    now += TYPING_REPEAT_MS - 1;
    ctx.typing.setTyping('c1', true);
    now += 1;
    ctx.typing.setTyping('c1', true);
    ctx.typing.setTyping('c1', false);
    expect(emitted.map(([e]) => e)).toEqual(['typing:start', 'typing:start', 'typing:stop']);
  });

  it("shows others' typing, never our own, and expires a start without a stop", () => {
    vi.useFakeTimers();
    try {
      const ctx = testContext();
      ctx.typing.remoteTyping({ conversationId: 'c1', userId: 'me', typing: true });
      ctx.typing.remoteTyping({ conversationId: 'c1', userId: 'a', typing: true });
      expect(ctx.state().typing).toEqual({ c1: ['a'] });
      vi.advanceTimersByTime(10_000);
      expect(ctx.state().typing).toEqual({});
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('calls module', () => {
  it('routes simple-peer signals: offers and answers by name, everything else as candidates', () => {
    expect(signalEvent({ type: 'offer' })).toBe('call:offer');
    expect(signalEvent({ type: 'answer' })).toBe('call:answer');
    expect(signalEvent({ type: 'renegotiate' })).toBe('call:ice-candidate');
    expect(signalEvent({ candidate: {} })).toBe('call:ice-candidate');
  });

  it('rings on call:incoming unless a call is going, and ends on call:ended', () => {
    const ctx = testContext();
    const events: string[] = [];
    ctx.eventListeners.add((e) => events.push(e.type));
    const call = { callId: 'k1', conversationId: 'c1', from: ALICE, media: 'video' as const };
    ctx.calls.incoming(call);
    ctx.calls.incoming({ ...call, callId: 'k2' });
    expect(ctx.state().call).toMatchObject({ callId: 'k1', phase: 'incoming', peer: { id: 'a' } });
    expect(events).toEqual(['call:incoming']);
    ctx.calls.ended({ callId: 'k1', reason: 'cancelled' });
    expect(ctx.state().call).toMatchObject({ phase: 'ended', endReason: 'cancelled' });
  });
});
