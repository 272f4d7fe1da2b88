import { useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import type { CallSession, CallSessionSnapshot } from './call-session-types';

const noop = () => () => {};

/** The session's snapshot, re-rendering on change; null without a session. */
export function useSessionSnapshot(session: CallSession | null): CallSessionSnapshot | null {
  return useSyncExternalStore(session ? session.subscribe : noop, () =>
    session ? session.getSnapshot() : null,
  );
}

/** Attaches a MediaStream to a <video>/<audio> element (srcObject cannot be set from JSX). */
export function useMediaStream<T extends HTMLMediaElement>(stream: MediaStream | null): RefObject<T | null> {
  const ref = useRef<T | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) {
      // play() rejects when autoplay is refused; the element stays ready for the next gesture.
      el.play().catch(() => {});
    }
  }, [stream]);
  return ref;
}

/** Calls `onFrame` once when the video element presents its first frame. */
export function useFirstFrame(
  ref: RefObject<HTMLVideoElement | null>,
  stream: MediaStream | null,
  onFrame: () => void,
) {
  useEffect(() => {
    const el = ref.current;
    if (!el || !stream) return;
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      onFrame();
    };
    if ('requestVideoFrameCallback' in el) {
      const handle = el.requestVideoFrameCallback(fire);
      return () => el.cancelVideoFrameCallback(handle);
    }
    const v = el as HTMLVideoElement;
    v.addEventListener('loadeddata', fire, { once: true });
    return () => v.removeEventListener('loadeddata', fire);
  }, [ref, stream, onFrame]);
}

/**
 * The speaking level (0..1) of a stream's audio, written to the CSS variable `--level` on the
 * element behind `ref` every animation frame; going through a CSS variable instead of React
 * state keeps it from re-rendering 60 times a second.
 */
export function useAudioLevel(ref: RefObject<HTMLElement | null>, stream: MediaStream | null) {
  useEffect(() => {
    const el = ref.current;
    if (!el || !stream || stream.getAudioTracks().length === 0) return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    let raf = 0;
    let smoothed = 0;
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += ((v - 128) / 128) ** 2;
      const rms = Math.sqrt(sum / data.length);
      smoothed = smoothed * 0.8 + Math.min(1, rms * 4) * 0.2;
      el.style.setProperty('--level', smoothed.toFixed(3));
      raf = requestAnimationFrame(tick);
    };
    void ctx.resume().catch(() => {});
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      void ctx.close().catch(() => {});
    };
  }, [ref, stream]);
}

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** A rough connection quality from round-trip time and packet loss, sampled every 2 s. */
export function useConnectionQuality(session: CallSession | null, active: boolean): Quality {
  const [quality, setQuality] = useState<Quality>('unknown');
  useEffect(() => {
    if (!session || !active) return;
    let lastLost = 0;
    let lastReceived = 0;
    const sample = async () => {
      const pc = session.rtc;
      if (!pc) return;
      const report = await pc.getStats();
      let rtt: number | null = null;
      let lost = 0;
      let received = 0;
      report.forEach((s: Record<string, unknown>) => {
        if (
          s.type === 'candidate-pair' &&
          s.nominated === true &&
          typeof s.currentRoundTripTime === 'number'
        ) {
          rtt = s.currentRoundTripTime;
        }
        if (s.type === 'inbound-rtp') {
          lost += typeof s.packetsLost === 'number' ? s.packetsLost : 0;
          received += typeof s.packetsReceived === 'number' ? s.packetsReceived : 0;
        }
      });
      const dLost = lost - lastLost;
      const dTotal = dLost + (received - lastReceived);
      lastLost = lost;
      lastReceived = received;
      const loss = dTotal > 0 ? dLost / dTotal : 0;
      if (rtt === null) setQuality('unknown');
      else if (rtt < 0.15 && loss < 0.02) setQuality('good');
      else if (rtt < 0.4 && loss < 0.08) setQuality('fair');
      else setQuality('poor');
    };
    const timer = setInterval(() => void sample().catch(() => {}), 2000);
    return () => clearInterval(timer);
  }, [session, active]);
  return quality;
}

/**
 * Whether the call controls should show: always, unless `autoHide` (there is video to watch),
 * and then for `ms` after the last pointer move, tap or key press (keyboard users get them
 * back with any key; CSS also keeps them while focus is inside).
 */
export function useControlsVisible(
  ref: RefObject<HTMLElement | null>,
  ms: number,
  autoHide: boolean,
): boolean {
  const [recent, setRecent] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || !autoHide) return;
    let timer = setTimeout(() => setRecent(false), ms);
    const onActivity = () => {
      setRecent(true);
      clearTimeout(timer);
      timer = setTimeout(() => setRecent(false), ms);
    };
    el.addEventListener('pointermove', onActivity);
    el.addEventListener('pointerdown', onActivity);
    window.addEventListener('keydown', onActivity);
    return () => {
      clearTimeout(timer);
      el.removeEventListener('pointermove', onActivity);
      el.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('keydown', onActivity);
    };
  }, [ref, ms, autoHide]);
  return recent || !autoHide;
}
