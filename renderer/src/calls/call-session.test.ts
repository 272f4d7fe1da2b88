/**
 * The call session (call-session.ts) between a caller and a callee, without a browser: the
 * media devices, simple-peer and the server are stand-ins, so what is tested is the session's
 * own order of work. The stand-in server follows the relay rules of server/src/calls
 * (call-registry.ts): the caller's signals sent while ringing are held for the device that
 * accepts (`holds`), or refused like a server from before that rule (`refuses`). simple-peer's
 * stand-in comes in through createCallSession's peer library parameter.
 * Real WebRTC between two Chromium pages is tested in e2e/calls.spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallSignal, HostResult, ParleyHost } from '@parley/shared';
import type { PeerConnectionOptions, PeerEvents, PeerSignal } from './peer-connection';
import { createCallSession } from './call-session';
import type { CallSession } from './call-session-types';

// ---- stand-in media ----

class FakeTrack {
  enabled = true;
  stopped = false;
  readonly applyConstraints = vi.fn(async (_c: MediaTrackConstraints) => {});
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label = `${kind} device`,
  ) {}
  stop() {
    this.stopped = true;
  }
  getSettings() {
    return { deviceId: `${this.kind}-1` };
  }
}

class FakeMediaStream {
  private tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks = () => [...this.tracks];
  getAudioTracks = () => this.tracks.filter((t) => t.kind === 'audio');
  getVideoTracks = () => this.tracks.filter((t) => t.kind === 'video');
  addTrack = (t: FakeTrack) => void this.tracks.push(t);
  removeTrack = (t: FakeTrack) => void (this.tracks = this.tracks.filter((x) => x !== t));
  addEventListener() {}
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
const deferred = <T>(): Deferred<T> => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

/** What getUserMedia was asked for and what it handed out, per test. */
let media: {
  permission: PermissionState;
  requests: MediaStreamConstraints[];
  opened: FakeMediaStream[];
  /** When set, getUserMedia waits for it (a slow camera). */
  gate: Deferred<void> | null;
};

function installMedia() {
  media = { permission: 'granted', requests: [], opened: [], gate: null };
  vi.stubGlobal('MediaStream', FakeMediaStream);
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia: async (c: MediaStreamConstraints) => {
        media.requests.push(c);
        if (media.gate) await media.gate.promise;
        const stream = new FakeMediaStream([
          new FakeTrack('audio'),
          ...(c.video ? [new FakeTrack('video')] : []),
        ]);
        media.opened.push(stream);
        return stream;
      },
      enumerateDevices: async () => [],
    },
    permissions: { query: async () => ({ state: media.permission }) },
  });
}

// ---- stand-in simple-peer: two fake peers that "connect" once the offerer has the answer ----

class FakePeer {
  static all: FakePeer[] = [];
  readonly id = FakePeer.all.length + 1;
  readonly received: PeerSignal[] = [];
  destroyed = false;
  private listeners = new Map<string, Array<(...args: never[]) => void>>();
  private other: FakePeer | null = null;

  constructor(readonly options: PeerConnectionOptions) {
    FakePeer.all.push(this);
    if (options.initiator) {
      // Like simple-peer: the offer, then trickled candidates, each in its own task.
      setTimeout(() => {
        this.emit('signal', { type: 'offer', sdp: `offer from ${this.id}` });
        this.emit('signal', { type: 'candidate', candidate: { candidate: `c1 of ${this.id}` } });
        this.emit('signal', { type: 'candidate', candidate: { candidate: `c2 of ${this.id}` } });
      });
    }
  }

  emit(event: keyof PeerEvents, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }

  private byId(sdp: unknown) {
    return FakePeer.all.find((p) => p.id === Number(String(sdp).split(' ').at(-1))) ?? null;
  }

  readonly api = {
    signal: (data: PeerSignal) => {
      if (this.destroyed) return;
      this.received.push(data);
      if (data.type === 'offer') {
        this.other = this.byId(data.sdp);
        setTimeout(() => {
          this.emit('signal', { type: 'answer', sdp: `answer from ${this.id}` });
          this.emit('signal', { type: 'candidate', candidate: { candidate: `c1 of ${this.id}` } });
        });
      } else if (data.type === 'answer') {
        const other = this.byId(data.sdp);
        this.other = other;
        setTimeout(() => {
          for (const p of [this, other]) {
            p?.emit('connect');
            p?.emit('stream', new FakeMediaStream([new FakeTrack('video'), new FakeTrack('audio')]));
          }
        });
      }
    },
    send: () => true,
    replaceTrack: () => {},
    on: (event: string, listener: (...args: never[]) => void) => {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    },
    rtc: null,
    destroy: () => {
      if (this.destroyed) return;
      this.destroyed = true;
      this.other?.emit('close');
    },
  };
}

const fakePeers = async () => ({
  createPeerConnection: (options: PeerConnectionOptions) => new FakePeer(options).api,
});

// ---- stand-in server and hosts ----

type Mode = 'holds' | 'refuses';
const ok = <T>(value: T): HostResult<T> => ({ ok: true, value }) as HostResult<T>;
const notFound: HostResult = { ok: false, code: 'not_found', error: 'No such call' } as HostResult;

function world(mode: Mode = 'holds') {
  const callId = 'call-1';
  let state: 'ringing' | 'active' | 'ended' = 'ringing';
  const early: PeerSignal[] = [];
  const listeners = {
    caller: new Set<(s: CallSignal) => void>(),
    callee: new Set<(s: CallSignal) => void>(),
  };
  /** Every signal each side sent, with the server's answer. */
  type Sent = Array<{ signal: PeerSignal; ok: boolean }>;
  const sent: { caller: Sent; callee: Sent } = { caller: [], callee: [] };
  const deliver = (to: 'caller' | 'callee', signal: PeerSignal) => {
    const event =
      signal.type === 'offer'
        ? 'call:offer'
        : signal.type === 'answer'
          ? 'call:answer'
          : 'call:ice-candidate';
    for (const l of listeners[to])
      l({ callId, event, from: to === 'caller' ? 'bob' : 'alice', signal } as CallSignal);
  };
  const host = (side: 'caller' | 'callee'): ParleyHost => {
    const other = side === 'caller' ? 'callee' : 'caller';
    return {
      calls: {
        iceServers: async () => ok({ iceServers: [] }),
        sendSignal: async (_id: string, signal: PeerSignal) => {
          await Promise.resolve();
          let result: HostResult = ok(undefined);
          if (state === 'ringing' && side === 'caller' && mode === 'holds') early.push(signal);
          else if (state === 'active') deliver(other, signal);
          else result = notFound;
          sent[side].push({ signal, ok: result.ok });
          return result;
        },
        onSignal: (l: (s: CallSignal) => void) => {
          listeners[side].add(l);
          return () => listeners[side].delete(l);
        },
        accept: async () => {
          await Promise.resolve();
          if (state !== 'ringing') return notFound;
          state = 'active';
          // The held signals reach the accepting device before the ack of its accept.
          for (const s of early.splice(0)) deliver('callee', s);
          return ok(undefined);
        },
      },
    } as unknown as ParleyHost;
  };
  const caller = createCallSession(host('caller'), callId, fakePeers);
  const callee = createCallSession(host('callee'), callId, fakePeers);
  return {
    caller,
    callee,
    sent,
    early,
    end: () => (state = 'ended'),
    get state() {
      return state;
    },
  };
}

/** The caller's side while it rings, as CallLayer drives it: media, then the prewarmed peer. */
async function startCalling(caller: CallSession) {
  await caller.prepare('video');
  caller.prewarm();
}

const until = (what: string, check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`not yet: ${what}`);
    },
    { timeout: 2000, interval: 2 },
  );

const peerOf = (initiator: boolean) => FakePeer.all.find((p) => p.options.initiator === initiator);

beforeEach(() => {
  FakePeer.all = [];
  installMedia();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('call session', () => {
  it('rings, accepts and connects: the callee’s media opens while ringing, the offer waits on the server', async () => {
    const w = world();
    await startCalling(w.caller);
    // While ringing the caller's offer and candidates go out at once and the server holds them.
    await until('the offer is held', () => w.early.length === 3);
    expect(w.early.map((s) => s.type)).toEqual(['offer', 'candidate', 'candidate']);

    // The callee's dialog rings: the camera opens already (allowed before), as a preview.
    await w.callee.ring('video');
    expect(media.requests).toHaveLength(2);
    expect(w.callee.getSnapshot().localPreview).not.toBeNull();
    // But nothing is built or sent before Accept.
    expect(peerOf(false)).toBeUndefined();
    expect(w.sent.callee).toEqual([]);

    const accepted = await w.callee.answer('video');
    expect(accepted.ok).toBe(true);
    w.caller.connect(true); // CallLayer does this on call:accepted
    await until('both connected', () =>
      [w.caller, w.callee].every((s) => s.getSnapshot().link === 'connected'),
    );
    // The callee opened no media on Accept: it was open since the ring.
    expect(media.requests).toHaveLength(2);
    expect(w.callee.marks.localMediaAt!).toBeLessThanOrEqual(w.callee.marks.acceptRequestedAt!);
    // Each signal went over the network once: nothing was sent again after the accept.
    expect(w.sent.caller.map((s) => [s.signal.type, s.ok])).toEqual([
      ['offer', true],
      ['candidate', true],
      ['candidate', true],
    ]);
    expect(w.sent.callee.map((s) => s.signal.type)).toEqual(['answer', 'candidate']);
    expect(peerOf(false)!.received.map((s) => s.type)).toEqual(['offer', 'candidate', 'candidate']);
    expect(w.callee.getSnapshot().remoteHasVideo).toBe(true);
    // Video starts small and goes up once the other side's first frame showed.
    expect(media.requests[0]!.video).toMatchObject({ width: { ideal: 640 }, height: { ideal: 480 } });
    const camera = media.opened[1]!.getVideoTracks()[0]!;
    expect(camera.applyConstraints).not.toHaveBeenCalled();
    w.callee.markFirstRemoteFrame();
    expect(camera.applyConstraints).toHaveBeenCalledWith({ width: { ideal: 1280 }, height: { ideal: 720 } });
    w.caller.close();
    w.callee.close();
  });

  it('queues the offer and candidates that arrive before the callee’s peer exists (a slow camera)', async () => {
    const w = world();
    await startCalling(w.caller);
    await until('the offer is held', () => w.early.length === 3);
    // Never allowed before: nothing opens while ringing, and Accept opens a slow camera.
    media.permission = 'prompt';
    await w.callee.ring('video');
    expect(media.requests).toHaveLength(1);
    media.gate = deferred();
    const accepted = await w.callee.answer('video');
    expect(accepted.ok).toBe(true);
    // The server handed over the held signals with the accept; the camera is still opening.
    expect(w.callee.marks.firstSignalAt).not.toBeNull();
    expect(peerOf(false)).toBeUndefined();
    media.gate.resolve();
    w.caller.connect(true);
    await until('connected', () => w.caller.getSnapshot().link === 'connected');
    expect(peerOf(false)!.received.map((s) => s.type)).toEqual(['offer', 'candidate', 'candidate']);
    w.caller.close();
    w.callee.close();
  });

  it('sends the early signals again, in order, once accepted, when the server refuses them while ringing', async () => {
    const w = world('refuses');
    await startCalling(w.caller);
    await until('three refusals', () => w.sent.caller.length === 3);
    expect(w.sent.caller.every((s) => !s.ok)).toBe(true);
    await w.callee.ring('video');
    await w.callee.answer('video');
    w.caller.connect(true);
    await until('both connected', () =>
      [w.caller, w.callee].every((s) => s.getSnapshot().link === 'connected'),
    );
    expect(w.sent.caller.map((s) => [s.signal.type, s.ok])).toEqual([
      ['offer', false],
      ['candidate', false],
      ['candidate', false],
      ['offer', true],
      ['candidate', true],
      ['candidate', true],
    ]);
    w.caller.close();
    w.callee.close();
  });

  it('answers with audio only: the camera opened while ringing is stopped and never sent', async () => {
    const w = world();
    await startCalling(w.caller);
    await w.callee.ring('video');
    const camera = media.opened[1]!.getVideoTracks()[0]!;
    await w.callee.answer('audio');
    w.caller.connect(true);
    await until('connected', () => w.callee.getSnapshot().link === 'connected');
    expect(camera.stopped).toBe(true);
    expect(w.callee.getSnapshot()).toMatchObject({ hasCamera: false, localPreview: null });
    expect(peerOf(false)!.options.stream.getVideoTracks()).toEqual([]);
    w.caller.close();
    w.callee.close();
  });

  it('declined: the callee’s media opened while ringing is released and nothing was sent', async () => {
    const w = world();
    await startCalling(w.caller);
    await w.callee.ring('video');
    const opened = media.opened[1]!.getTracks();
    // CallLayer closes the session when the call ends (the user declined).
    w.end();
    w.callee.close();
    w.caller.close();
    expect(opened.every((t) => t.stopped)).toBe(true);
    expect(peerOf(false)).toBeUndefined();
    expect(w.sent.callee).toEqual([]);
    expect(peerOf(true)!.destroyed).toBe(true);
  });

  it('no answer (ring timeout): the caller’s peer and media go, and a late accept is refused', async () => {
    const w = world();
    await startCalling(w.caller);
    await until('the offer is held', () => w.early.length === 3);
    w.end();
    w.caller.close();
    expect(peerOf(true)!.destroyed).toBe(true);
    expect(media.opened[0]!.getTracks().every((t) => t.stopped)).toBe(true);
    // The callee's dialog was still up when the server gave up: its Accept gets not_found.
    const late = await w.callee.answer('video');
    expect(late.ok).toBe(false);
    w.callee.close();
    expect(media.opened.flatMap((s) => s.getTracks()).every((t) => t.stopped)).toBe(true);
  });

  it.each(['caller', 'callee'] as const)(
    'hang-up by the %s: the other side hears the connection close',
    async (who) => {
      const w = world();
      await startCalling(w.caller);
      await w.callee.ring('video');
      await w.callee.answer('video');
      w.caller.connect(true);
      await until('both connected', () =>
        [w.caller, w.callee].every((s) => s.getSnapshot().link === 'connected'),
      );
      const [leaving, staying] = who === 'caller' ? [w.caller, w.callee] : [w.callee, w.caller];
      const failure = vi.fn();
      staying.onFailure(failure);
      leaving.close();
      expect(leaving.getSnapshot()).toMatchObject({ link: 'idle', localPreview: null, remoteStream: null });
      // The other side's UI hangs up on this (CallLayer: onFailure → calls.end).
      expect(failure).toHaveBeenCalledWith('The connection closed.');
      expect(staying.getSnapshot().link).toBe('failed');
      staying.close();
      expect(media.opened.flatMap((s) => s.getTracks()).every((t) => t.stopped)).toBe(true);
    },
  );
});
