import { describe, expect, it } from 'vitest';
import type { User } from '@parley/shared';
import { createCallRegistry, MAX_EARLY_SIGNALS, type CallPorts, type FinishedCall } from './call-registry.js';
import { iceServersFor, turnCredentials } from './ice-servers.js';
import { createHmac } from 'node:crypto';

// Unit tests of the state machine with hand-driven time. The same rules are tested over real
// sockets in server/test/calls.test.ts; these cover the timer edges without waiting.

const user = (id: string): User => ({ id, username: id, displayName: id.toUpperCase() });

interface Sent {
  to: string;
  event: string;
  payload: unknown;
}

/** `released`: also report freed users (as `{ to: 'released', event: callId, payload: userIds }`). */
function setup(options: { released?: boolean } = {}) {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let timerSeq = 0;
  const sent: Sent[] = [];
  const records: FinishedCall[] = [];
  /** userId → socket ids of that user's devices, so emitToUser can fan out like a user room. */
  const devices = new Map<string, string[]>();
  const ports: CallPorts = {
    emitToSocket: (socketId, event, payload) => sent.push({ to: socketId, event, payload }),
    emitToUser: (userId, event, payload, except) => {
      for (const s of devices.get(userId) ?? []) if (s !== except) sent.push({ to: s, event, payload });
    },
    recordCall: (r) => records.push(r),
    now: () => now,
    setTimer: (ms, fn) => {
      timerSeq += 1;
      timers.set(timerSeq, { at: now + ms, fn });
      return timerSeq;
    },
    clearTimer: (h) => timers.delete(h as number),
    newCallId: () => `call${nextId++}`,
    ...(options.released
      ? {
          released: (callId: string, userIds: string[]) =>
            void sent.push({ to: 'released', event: callId, payload: userIds }),
        }
      : {}),
  };
  const registry = createCallRegistry(ports, { ringTimeoutMs: 30_000, reconnectGraceMs: 10_000 });
  return {
    registry,
    sent,
    records,
    devices,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && timers.has(id)) {
          timers.delete(id);
          t.fn();
        }
      }
    },
    take() {
      return sent.splice(0, sent.length);
    },
    pendingTimers: () => timers.size,
  };
}

function direct() {
  const t = setup();
  t.devices.set('a', ['a1']);
  t.devices.set('b', ['b1', 'b2']);
  const res = t.registry.initiate({
    caller: user('a'),
    callerSocketId: 'a1',
    conversationId: 'conv',
    media: 'video',
    calleeIds: ['b'],
    connectedCalleeIds: new Set(['b']),
  });
  if (!res.ok) throw new Error(res.message);
  return { ...t, callId: res.callId };
}

describe('call registry', () => {
  it('rings every device of the callee and binds the first accepting socket', () => {
    const t = direct();
    expect(t.take()).toEqual([
      {
        to: 'b1',
        event: 'call:incoming',
        payload: expect.objectContaining({ callId: t.callId, media: 'video' }),
      },
      { to: 'b2', event: 'call:incoming', payload: expect.objectContaining({ from: user('a') }) },
    ]);
    expect(t.registry.accept({ userId: 'b', socketId: 'b2' }, t.callId)).toEqual({ ok: true });
    expect(t.registry.accept({ userId: 'b', socketId: 'b1' }, t.callId)).toMatchObject({ code: 'not_found' });
    expect(t.take()).toEqual([
      { to: 'b1', event: 'call:ended', payload: { callId: t.callId, reason: 'answered_elsewhere' } },
      { to: 'a1', event: 'call:accepted', payload: { callId: t.callId, userId: 'b' } },
    ]);
    // No ring timer left once accepted.
    expect(t.pendingTimers()).toBe(0);
  });

  it('holds the caller’s signals while ringing and hands them, in order, to the socket that accepts', () => {
    const t = direct();
    t.take();
    const a = { userId: 'a', socketId: 'a1' };
    const offer = { type: 'offer', sdp: 'v=0' };
    const candidate = { type: 'candidate', candidate: { candidate: 'c1' } };
    expect(t.registry.relay(a, 'call:offer', { callId: t.callId, signal: offer })).toEqual({ ok: true });
    expect(t.registry.relay(a, 'call:ice-candidate', { callId: t.callId, signal: candidate })).toEqual({
      ok: true,
    });
    // Nothing reaches a ringing device: the callee's network learns nothing before Accept.
    expect(t.take()).toEqual([]);
    // A ringing callee may not send any; neither may the caller from another socket.
    expect(
      t.registry.relay({ userId: 'b', socketId: 'b1' }, 'call:answer', { callId: t.callId, signal: offer }),
    ).toMatchObject({ code: 'not_found' });
    expect(
      t.registry.relay({ userId: 'a', socketId: 'a9' }, 'call:offer', { callId: t.callId, signal: offer }),
    ).toMatchObject({ code: 'not_found' });
    t.registry.accept({ userId: 'b', socketId: 'b2' }, t.callId);
    expect(t.take()).toEqual([
      { to: 'b1', event: 'call:ended', payload: { callId: t.callId, reason: 'answered_elsewhere' } },
      { to: 'a1', event: 'call:accepted', payload: { callId: t.callId, userId: 'b' } },
      { to: 'b2', event: 'call:offer', payload: { callId: t.callId, from: 'a', signal: offer } },
      { to: 'b2', event: 'call:ice-candidate', payload: { callId: t.callId, from: 'a', signal: candidate } },
    ]);
    // After the accept, signals go straight through again (and are not held twice).
    expect(t.registry.relay(a, 'call:ice-candidate', { callId: t.callId, signal: candidate })).toEqual({
      ok: true,
    });
    expect(t.take()).toEqual([
      { to: 'b2', event: 'call:ice-candidate', payload: { callId: t.callId, from: 'a', signal: candidate } },
    ]);
  });

  it('holds at most MAX_EARLY_SIGNALS, and drops them with a call that ends unanswered', () => {
    const t = direct();
    const a = { userId: 'a', socketId: 'a1' };
    const signal = { type: 'candidate' };
    for (let i = 0; i < MAX_EARLY_SIGNALS; i++) {
      expect(t.registry.relay(a, 'call:ice-candidate', { callId: t.callId, signal })).toEqual({ ok: true });
    }
    expect(t.registry.relay(a, 'call:ice-candidate', { callId: t.callId, signal })).toMatchObject({
      code: 'invalid_input',
    });
    expect(t.registry.cancel(a, t.callId)).toEqual({ ok: true });
    t.take();
    expect(t.registry.relay(a, 'call:ice-candidate', { callId: t.callId, signal })).toMatchObject({
      code: 'not_found',
    });
    expect(t.take()).toEqual([]);
  });

  it('relays only between the two bound sockets and records the duration', () => {
    const t = direct();
    t.registry.accept({ userId: 'b', socketId: 'b1' }, t.callId);
    t.take();
    const signal = { type: 'offer', sdp: 'v=0' };
    expect(
      t.registry.relay({ userId: 'a', socketId: 'a1' }, 'call:offer', { callId: t.callId, signal }),
    ).toEqual({
      ok: true,
    });
    // b's other device may not inject signals, and neither may a stranger.
    expect(
      t.registry.relay({ userId: 'b', socketId: 'b2' }, 'call:answer', { callId: t.callId, signal }),
    ).toMatchObject({ code: 'not_found' });
    expect(
      t.registry.relay({ userId: 'c', socketId: 'c1' }, 'call:answer', { callId: t.callId, signal }),
    ).toMatchObject({ code: 'not_found' });
    expect(t.take()).toEqual([
      { to: 'b1', event: 'call:offer', payload: { callId: t.callId, from: 'a', signal } },
    ]);
    t.advance(65_400);
    expect(t.registry.end({ userId: 'b', socketId: 'b1' }, t.callId)).toEqual({ ok: true });
    expect(t.take()).toEqual([
      { to: 'a1', event: 'call:ended', payload: { callId: t.callId, reason: 'hangup' } },
    ]);
    expect(t.records).toEqual([expect.objectContaining({ outcome: 'completed', durationSeconds: 65 })]);
    expect(t.registry.callOf('a')).toBeNull();
    expect(t.registry.callOf('b')).toBeNull();
  });

  it('answers busy while either side is in a call, and unavailable with a missed record', () => {
    const t = direct();
    t.devices.set('c', ['c1']);
    const again = (caller: string, callees: string[], connected = callees) =>
      t.registry.initiate({
        caller: user(caller),
        callerSocketId: `${caller}1`,
        conversationId: 'other',
        media: 'audio',
        calleeIds: callees,
        connectedCalleeIds: new Set(connected),
      });
    expect(again('c', ['b'])).toMatchObject({ ok: false, code: 'busy' });
    expect(again('a', ['c'])).toMatchObject({ ok: false, code: 'busy' });
    expect(again('c', ['d'], [])).toMatchObject({ ok: false, code: 'unavailable' });
    expect(t.records).toEqual([expect.objectContaining({ conversationId: 'other', outcome: 'missed' })]);
    expect(t.registry.callOf('c')).toBeNull();
  });

  it('ends unanswered calls with no_answer', () => {
    const t = direct();
    t.take();
    t.advance(29_999);
    expect(t.take()).toEqual([]);
    t.advance(1);
    expect(t.take().map((s) => [s.to, (s.payload as { reason: string }).reason])).toEqual([
      ['b1', 'no_answer'],
      ['b2', 'no_answer'],
      ['a1', 'no_answer'],
    ]);
    expect(t.records).toEqual([expect.objectContaining({ outcome: 'missed' })]);
  });

  it('keeps the call when the socket comes back within the grace period, ends it after', () => {
    const t = direct();
    t.registry.accept({ userId: 'b', socketId: 'b1' }, t.callId);
    t.take();
    t.registry.socketDisconnected({ userId: 'b', socketId: 'b1' });
    t.advance(5_000);
    t.registry.socketConnected({ userId: 'b', socketId: 'b9' });
    t.advance(20_000);
    expect(t.registry.callOf('b')?.participants).toContainEqual({ userId: 'b', socketId: 'b9' });
    t.registry.socketDisconnected({ userId: 'a', socketId: 'a1' });
    t.advance(10_000);
    expect(t.take()).toEqual([
      { to: 'b9', event: 'call:ended', payload: { callId: t.callId, reason: 'connection_lost' } },
    ]);
    expect(t.records).toEqual([expect.objectContaining({ outcome: 'completed', durationSeconds: 25 })]);
  });

  it('a rejected 1:1 call ends for the caller; a cancelled one stops every callee device', () => {
    const t = direct();
    t.take();
    expect(t.registry.reject({ userId: 'b', socketId: 'b2' }, t.callId)).toEqual({ ok: true });
    expect(t.take()).toEqual([
      { to: 'b1', event: 'call:ended', payload: { callId: t.callId, reason: 'rejected' } },
      { to: 'a1', event: 'call:ended', payload: { callId: t.callId, reason: 'rejected' } },
    ]);
    const second = t.registry.initiate({
      caller: user('a'),
      callerSocketId: 'a1',
      conversationId: 'conv',
      media: 'audio',
      calleeIds: ['b'],
      connectedCalleeIds: new Set(['b']),
    });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    t.take();
    expect(t.registry.cancel({ userId: 'b', socketId: 'b1' }, second.callId)).toMatchObject({
      code: 'not_found',
    });
    expect(t.registry.cancel({ userId: 'a', socketId: 'a1' }, second.callId)).toEqual({ ok: true });
    expect(t.take().map((s) => [s.to, (s.payload as { reason: string }).reason])).toEqual([
      ['b1', 'cancelled'],
      ['b2', 'cancelled'],
    ]);
    expect(t.records.map((r) => r.outcome)).toEqual(['rejected', 'cancelled']);
  });

  it('in a group, the first member to accept wins and the others stop ringing', () => {
    const t = setup();
    t.devices.set('a', ['a1']);
    t.devices.set('b', ['b1']);
    t.devices.set('c', ['c1']);
    const res = t.registry.initiate({
      caller: user('a'),
      callerSocketId: 'a1',
      conversationId: 'group',
      media: 'audio',
      calleeIds: ['b', 'c', 'a'],
      connectedCalleeIds: new Set(['b', 'c']),
    });
    if (!res.ok) throw new Error(res.message);
    t.take();
    t.registry.accept({ userId: 'c', socketId: 'c1' }, res.callId);
    expect(t.take()).toEqual([
      { to: 'b1', event: 'call:ended', payload: { callId: res.callId, reason: 'answered_elsewhere' } },
      { to: 'a1', event: 'call:accepted', payload: { callId: res.callId, userId: 'c' } },
    ]);
    const signal = { candidate: 'x' };
    expect(
      t.registry.relay({ userId: 'a', socketId: 'a1' }, 'call:ice-candidate', {
        callId: res.callId,
        to: 'b',
        signal,
      }),
    ).toMatchObject({ code: 'not_found' });
    expect(
      t.registry.relay({ userId: 'a', socketId: 'a1' }, 'call:ice-candidate', {
        callId: res.callId,
        to: 'c',
        signal,
      }),
    ).toEqual({ ok: true });
    expect(t.registry.callOf('b')).toBeNull();
  });
});

describe('call registry seams for several nodes', () => {
  it('takes a preset call id and frees users before telling them the call is over', () => {
    const t = setup({ released: true });
    t.devices.set('a', ['a1']);
    t.devices.set('b', ['b1']);
    t.devices.set('c', ['c1']);
    const res = t.registry.initiate({
      caller: user('a'),
      callerSocketId: 'a1',
      conversationId: 'group',
      media: 'audio',
      calleeIds: ['b', 'c'],
      connectedCalleeIds: new Set(['b', 'c']),
      callId: 'node1.preset',
    });
    expect(res).toEqual({ ok: true, callId: 'node1.preset' });
    t.take();
    t.registry.accept({ userId: 'b', socketId: 'b1' }, 'node1.preset');
    // c stops ringing: freed first, then told.
    expect(t.take().slice(0, 2)).toEqual([
      { to: 'released', event: 'node1.preset', payload: ['c'] },
      { to: 'c1', event: 'call:ended', payload: { callId: 'node1.preset', reason: 'answered_elsewhere' } },
    ]);
    expect(t.registry.activeCalls()).toEqual([
      expect.objectContaining({ callId: 'node1.preset', state: 'active', ringing: [] }),
    ]);
    t.registry.end({ userId: 'a', socketId: 'a1' }, 'node1.preset');
    expect(t.take()).toEqual([
      { to: 'released', event: 'node1.preset', payload: ['a', 'b'] },
      { to: 'b1', event: 'call:ended', payload: { callId: 'node1.preset', reason: 'hangup' } },
    ]);
    expect(t.registry.activeCalls()).toEqual([]);
  });

  it('endAll ends every call with connection_lost and records each', () => {
    const t = direct();
    t.registry.accept({ userId: 'b', socketId: 'b1' }, t.callId);
    t.take();
    t.advance(3_000);
    t.registry.endAll();
    expect(t.take()).toEqual([
      { to: 'a1', event: 'call:ended', payload: { callId: t.callId, reason: 'connection_lost' } },
      { to: 'b1', event: 'call:ended', payload: { callId: t.callId, reason: 'connection_lost' } },
    ]);
    expect(t.records).toEqual([expect.objectContaining({ outcome: 'completed', durationSeconds: 3 })]);
    expect(t.registry.activeCalls()).toEqual([]);
    expect(t.pendingTimers()).toBe(0);
  });

  it('tells when a lost participant was bound and lost, until a socket takes it back', () => {
    const t = direct();
    expect(t.registry.lostBinding('b')).toBeNull();
    t.advance(1_000);
    t.registry.accept({ userId: 'b', socketId: 'b1' }, t.callId);
    t.advance(2_000);
    t.registry.socketDisconnected({ userId: 'b', socketId: 'b1' });
    expect(t.registry.lostBinding('b')).toEqual({ boundAt: 1_001_000, lostAt: 1_003_000 });
    expect(t.registry.lostBinding('a')).toBeNull();
    t.registry.socketConnected({ userId: 'b', socketId: 'b7' });
    expect(t.registry.lostBinding('b')).toBeNull();
  });
});

describe('TURN credentials', () => {
  it('follow the TURN REST API scheme coturn checks', () => {
    const { username, credential } = turnCredentials('s3cret', 'user-1', 3600, 1_700_000_000_500);
    expect(username).toBe('1700003600:user-1');
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });

  it('hands out TURN only with a secret', () => {
    const config = { stunUrls: ['stun:stun.example.org:3478'], turnUrls: ['turn:turn.example.org:3478'] };
    expect(iceServersFor({ ...config, turnSecret: null }, 'u').iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
    ]);
    const withTurn = iceServersFor({ ...config, turnSecret: 'k', ttlSeconds: 60 }, 'u', 0);
    expect(withTurn).toEqual({
      ttlSeconds: 60,
      iceServers: [
        { urls: ['stun:stun.example.org:3478'] },
        { urls: ['turn:turn.example.org:3478'], username: '60:u', credential: expect.any(String) },
      ],
    });
  });
});
