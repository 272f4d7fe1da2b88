import { t } from '../i18n';
import type { CallSignal, ParleyHost } from '@parley/shared';
import { getDeviceTrack, getLocalMedia, getScreenTrack, HD_VIDEO, listDevices, mediaAllowed } from './media';
import type { PeerConnection, PeerConnectionOptions, PeerSignal } from './peer-connection';
import type { CallMarks, CallSession, CallSessionSnapshot, PeerLibrary } from './call-session-types';

/**
 * The media side of one call: local tracks, the peer connection, and what the call UI shows.
 * It lives outside React (one per call id, see `sessionFor` in current-session.ts) so re-renders, StrictMode's
 * double effects and remounts never create a second peer or a second getUserMedia.
 *
 * Signaling goes through the host: outgoing signal data via `calls.sendSignal`, incoming via
 * `calls.onSignal` (filtered by call id and buffered until the peer exists, because the offer
 * can arrive before the callee's camera is open).
 *
 * Setup is arranged so that little is left to do once the callee presses Accept (see
 * docs/performance.md, "Call setup"):
 * - the caller opens its media and builds its peer while ringing ({@link CallSession.prewarm})
 *   and sends the offer and candidates at once; the server holds them and hands them to the
 *   device that accepts, right after the accept (an older server refuses them while ringing:
 *   they are then sent again once the call is accepted);
 * - the callee opens its media while ringing when the user has already allowed the camera and
 *   microphone ({@link CallSession.ring}), and shows it as a preview. Nothing leaves the device
 *   before Accept: the peer connection is built on Accept (its answer and candidates are held
 *   until the server confirmed the accept), so no ICE check can tell the caller where the
 *   callee is before they answer;
 * - video starts at 640×480 (quicker to capture and encode) and goes up to 720p after the first
 *   frame from the other side.
 */

/** A message on the data channel. Unknown types are ignored, so later versions can add some. */
interface MuteMessage {
  type: 'mute';
  audio: boolean;
  video: boolean;
}

const describe = (err: unknown): string => {
  if (err instanceof DOMException) {
    if (err.name === 'NotAllowedError') return t('calls.errors.permission');
    if (err.name === 'NotFoundError') return t('calls.errors.noMicrophone');
    if (err.name === 'NotReadableError') return t('calls.errors.inUse');
  }
  return err instanceof Error ? err.message : String(err);
};

export function createCallSession(
  host: ParleyHost,
  callId: string,
  // simple-peer is a chunk of its own: fetched now, alongside the camera and the ICE servers,
  // so it is there by the time the peer is built (and absent from the first paint).
  loadPeerLibrary: () => Promise<PeerLibrary> = () => import('./peer-connection'),
): CallSession {
  let snapshot: CallSessionSnapshot = {
    callId,
    localPreview: null,
    remoteStream: null,
    remoteHasVideo: false,
    micMuted: false,
    cameraOff: false,
    hasCamera: false,
    screenSharing: false,
    remoteMuted: { audio: false, video: false },
    link: 'idle',
    devices: { audioInputs: [], videoInputs: [] },
    selected: { audioInput: null, videoInput: null },
    error: null,
  };
  const listeners = new Set<() => void>();
  const failureListeners = new Set<(reason: string) => void>();
  const marks: CallMarks = {
    acceptRequestedAt: null,
    acceptedAt: null,
    localMediaAt: null,
    firstSignalAt: null,
    firstSignalSentAt: null,
    transportUpAt: null,
    connectedAt: null,
    firstRemoteFrameAt: null,
  };
  let closed = false;

  /** The stream handed to the peer; its identity must not change (simple-peer keys senders by it). */
  let stream: MediaStream | null = null;
  let mic: MediaStreamTrack | null = null;
  let camera: MediaStreamTrack | null = null;
  let screen: MediaStreamTrack | null = null;
  let peer: PeerConnection | null = null;
  let prepared: Promise<void> | null = null;
  const pendingSignals: PeerSignal[] = [];
  /**
   * Signals are released once the call is accepted here. Before that, a prewarmed caller sends
   * them at once (the server holds them for whoever accepts: {@link sendEarly}), while the
   * callee holds its own until the server confirmed its accept.
   */
  let released = false;
  const heldSignals: PeerSignal[] = [];
  const sendSignal = (data: PeerSignal) => {
    marks.firstSignalSentAt ??= Date.now();
    void host.calls.sendSignal(callId, data).then((r) => {
      if (!r.ok) console.warn('parley: signal not delivered', r.error);
    });
  };
  /**
   * The caller's signals while ringing. A server that predates held signals refuses them
   * (`not_found`): those are sent again once the call is accepted, in their order.
   */
  const early: Array<{ data: PeerSignal; state: 'sent' | 'ok' | 'refused' }> = [];
  const sendEarly = (data: PeerSignal) => {
    marks.firstSignalSentAt ??= Date.now();
    const entry = { data, state: 'sent' as 'sent' | 'ok' | 'refused' };
    early.push(entry);
    void host.calls.sendSignal(callId, data).then(
      (r) => {
        entry.state = r.ok ? 'ok' : 'refused';
        if (!r.ok && released && !closed) sendSignal(data);
      },
      () => (entry.state = 'refused'),
    );
  };
  /** The camera goes from 640×480 to 720p once the other side's video showed (see top). */
  let raised = false;
  const raiseVideo = () => {
    if (raised || !camera) return;
    raised = true;
    camera.applyConstraints(HD_VIDEO).catch(() => {
      // The camera cannot do more: it keeps sending what it sends.
    });
  };

  const set = (patch: Partial<CallSessionSnapshot>) => {
    snapshot = { ...snapshot, ...patch };
    for (const l of listeners) l();
  };
  const fail = (reason: string) => {
    if (closed) return;
    set({ link: 'failed', error: reason });
    for (const l of failureListeners) l(reason);
  };
  const refreshPreview = () => {
    const shown = screen ?? camera;
    set({
      localPreview: shown ? new MediaStream([shown]) : null,
      hasCamera: camera !== null,
      screenSharing: screen !== null,
    });
  };
  const sendMuteState = () => {
    const message: MuteMessage = {
      type: 'mute',
      audio: snapshot.micMuted,
      // A shared screen is video even while the camera is off.
      video: snapshot.cameraOff && screen === null,
    };
    peer?.send(JSON.stringify(message));
  };

  const icePromise: Promise<RTCIceServer[]> = host.calls.iceServers().then(
    (r) => (r.ok ? (r.value.iceServers as RTCIceServer[]) : []),
    () => [],
  );
  const peerLibrary = loadPeerLibrary();
  const peerInputs = (ready: Promise<unknown>) => Promise.all([ready, icePromise, peerLibrary]);

  const unsubscribeSignals = host.calls.onSignal((s: CallSignal) => {
    if (s.callId !== callId || closed) return;
    marks.firstSignalAt ??= Date.now();
    if (peer) peer.signal(s.signal);
    else pendingSignals.push(s.signal);
  });

  function buildPeer(
    create: (options: PeerConnectionOptions) => PeerConnection,
    initiator: boolean,
    iceServers: RTCIceServer[],
  ) {
    if (closed || peer || !stream) return;
    const p = create({ initiator, stream, iceServers });
    peer = p;
    set({ link: 'connecting' });
    const rtc = p.rtc;
    rtc?.addEventListener('connectionstatechange', () => {
      if (rtc.connectionState === 'connected') marks.transportUpAt ??= Date.now();
    });
    p.on('signal', (data) => {
      if (released) sendSignal(data);
      else if (initiator) sendEarly(data);
      else heldSignals.push(data);
    });
    p.on('connect', () => {
      marks.connectedAt ??= Date.now();
      set({ link: 'connected' });
      sendMuteState();
      // No video from the other side (an audio answer): go up anyway, a little later.
      setTimeout(() => {
        if (!closed && !snapshot.remoteHasVideo) raiseVideo();
      }, 2000);
    });
    p.on('stream', (remote) => {
      set({ remoteStream: remote, remoteHasVideo: remote.getVideoTracks().length > 0 });
      remote.addEventListener('addtrack', () => set({ remoteHasVideo: remote.getVideoTracks().length > 0 }));
    });
    p.on('data', (text) => {
      try {
        const msg = JSON.parse(text) as Partial<MuteMessage>;
        if (msg.type === 'mute')
          set({ remoteMuted: { audio: msg.audio === true, video: msg.video === true } });
      } catch {
        // Not JSON: nothing this version understands.
      }
    });
    p.on('ice', (state) => {
      if (state === 'disconnected') set({ link: 'reconnecting' });
      else if (state === 'connected' || state === 'completed') {
        if (snapshot.link !== 'idle') set({ link: marks.connectedAt !== null ? 'connected' : 'connecting' });
      }
    });
    p.on('error', (err) => fail(t('calls.errors.connectionFailedWith', { error: err.message })));
    p.on('close', () => fail(t('calls.errors.closed')));
    for (const s of pendingSignals.splice(0)) p.signal(s);
  }

  const session: CallSession = {
    callId,
    marks,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    prepare(media) {
      prepared ??= (async () => {
        try {
          const local = await getLocalMedia(media, snapshot.selected);
          if (closed) {
            for (const t of local.getTracks()) t.stop();
            return;
          }
          stream = local;
          marks.localMediaAt = Date.now();
          mic = local.getAudioTracks()[0] ?? null;
          camera = local.getVideoTracks()[0] ?? null;
          refreshPreview();
          set({
            selected: {
              audioInput: mic?.getSettings().deviceId ?? null,
              videoInput: camera?.getSettings().deviceId ?? null,
            },
          });
          // Device labels are only readable once a permission was granted, i.e. now.
          listDevices().then(
            (devices) => set({ devices }),
            () => {},
          );
        } catch (err) {
          set({ error: describe(err) });
          throw new Error(describe(err), { cause: err });
        }
      })();
      return prepared;
    },

    async ring(media) {
      if (prepared || closed) return;
      try {
        if (!(await mediaAllowed(media)) || prepared || closed) return;
        await session.prepare(media);
      } catch {
        // Not now: Accept asks again (and shows the error then).
        prepared = null;
        set({ error: null });
      }
    },

    answer(choice) {
      if (marks.acceptRequestedAt !== null || closed)
        return Promise.resolve({ ok: true as const, value: undefined });
      marks.acceptRequestedAt = Date.now();
      const accepted = host.calls.accept(callId);
      const ready = (prepared ?? session.prepare(choice)).then(() => {
        // Opened with the camera while ringing, answered with audio only: the camera goes.
        if (choice === 'audio' && camera && stream) {
          stream.removeTrack(camera);
          camera.stop();
          camera = null;
          refreshPreview();
        }
      });
      ready.catch(() => {});
      void peerInputs(ready).then(
        ([, iceServers, lib]) => buildPeer(lib.createPeerConnection, false, iceServers),
        () => {},
      );
      return accepted.then((r) => {
        if (r.ok) session.connect(false);
        return r;
      });
    },

    prewarm() {
      if (closed || peer || marks.acceptedAt !== null || !prepared) return;
      // Errors surface on connect(), which awaits the same promises.
      void peerInputs(prepared).then(
        ([, iceServers, lib]) => buildPeer(lib.createPeerConnection, true, iceServers),
        () => {},
      );
    },

    connect(initiator) {
      if (marks.acceptedAt !== null || closed) return;
      marks.acceptedAt = Date.now();
      set({ link: 'connecting' });
      released = true;
      for (const s of heldSignals.splice(0)) sendSignal(s);
      for (const e of early) if (e.state === 'refused') sendSignal(e.data);
      const ready = prepared ?? Promise.reject(new Error('Local media was never requested'));
      void peerInputs(ready).then(
        ([, iceServers, lib]) => buildPeer(lib.createPeerConnection, initiator, iceServers),
        (err: unknown) => fail(describe(err)),
      );
    },

    toggleMic() {
      const muted = !snapshot.micMuted;
      if (mic) mic.enabled = !muted;
      set({ micMuted: muted });
      sendMuteState();
    },

    toggleCamera() {
      if (!camera) return;
      const off = !snapshot.cameraOff;
      camera.enabled = !off;
      set({ cameraOff: off });
      sendMuteState();
    },

    async toggleScreenShare() {
      if (!peer || !camera) {
        set({ error: t('calls.errors.screenShareNeedsCall') });
        return;
      }
      if (screen) {
        const old = screen;
        peer.replaceTrack(old, camera);
        screen = null;
        old.stop();
      } else {
        let track: MediaStreamTrack;
        try {
          track = await getScreenTrack();
        } catch (err) {
          // The user closed the picker: not an error worth showing.
          if (err instanceof DOMException && err.name === 'NotAllowedError') return;
          set({ error: describe(err) });
          return;
        }
        if (closed || !peer) {
          track.stop();
          return;
        }
        peer.replaceTrack(camera, track);
        screen = track;
        // "Stop sharing" in the browser's own UI ends the track: go back to the camera.
        track.addEventListener('ended', () => {
          if (screen === track) void session.toggleScreenShare();
        });
      }
      refreshPreview();
      sendMuteState();
    },

    async selectDevice(kind, deviceId) {
      const old = kind === 'audio' ? mic : camera;
      if (!old || !stream) return;
      let next: MediaStreamTrack;
      try {
        next = await getDeviceTrack(kind, deviceId);
      } catch (err) {
        set({ error: describe(err) });
        return;
      }
      if (closed) {
        next.stop();
        return;
      }
      next.enabled = kind === 'audio' ? !snapshot.micMuted : !snapshot.cameraOff;
      // While a screen is shared the sender carries the screen; ending the share swaps the new
      // camera in (replaceTrack(screen, camera) finds the sender by the screen track).
      if (peer && !(kind === 'video' && screen)) peer.replaceTrack(old, next);
      stream.removeTrack(old);
      stream.addTrack(next);
      old.stop();
      if (kind === 'audio') mic = next;
      else camera = next;
      refreshPreview();
      set({
        selected: { ...snapshot.selected, [kind === 'audio' ? 'audioInput' : 'videoInput']: deviceId },
      });
    },

    markFirstRemoteFrame() {
      marks.firstRemoteFrameAt ??= Date.now();
      raiseVideo();
    },

    get rtc() {
      return peer?.rtc ?? null;
    },

    onFailure(listener) {
      failureListeners.add(listener);
    },

    close() {
      if (closed) return;
      closed = true;
      unsubscribeSignals();
      peer?.destroy();
      peer = null;
      for (const t of [mic, camera, screen, ...(stream?.getTracks() ?? [])]) t?.stop();
      mic = camera = screen = null;
      failureListeners.clear();
      set({ localPreview: null, remoteStream: null, link: 'idle' });
      listeners.clear();
    },
  };
  return session;
}
