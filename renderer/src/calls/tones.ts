/**
 * Ringtone and ringback, synthesised with Web Audio so the app ships no sound files.
 *
 * Each tone is a pattern of short notes repeated every `periodMs`; notes are scheduled on the
 * audio clock one period ahead, so timer jitter never makes the loop stutter.
 */

export type ToneKind = 'ringtone' | 'ringback';

interface Note {
  /** Offset in the period, seconds. */
  at: number;
  duration: number;
  frequencies: number[];
  gain: number;
}

const PATTERNS: Record<ToneKind, { periodMs: number; notes: Note[] }> = {
  // A bright two-note chime, twice, then a pause: clearly "someone is calling you".
  ringtone: {
    periodMs: 2400,
    notes: [
      { at: 0, duration: 0.18, frequencies: [880], gain: 0.18 },
      { at: 0.2, duration: 0.28, frequencies: [660], gain: 0.18 },
      { at: 0.6, duration: 0.18, frequencies: [880], gain: 0.18 },
      { at: 0.8, duration: 0.28, frequencies: [660], gain: 0.18 },
    ],
  },
  // The classic telephone ringback (440 + 480 Hz, 2 s on, 4 s off), quieter.
  ringback: {
    periodMs: 6000,
    notes: [{ at: 0, duration: 2, frequencies: [440, 480], gain: 0.06 }],
  },
};

/** Starts a looping tone; returns a function that stops it. Silent where Web Audio is missing. */
export function startTone(kind: ToneKind): () => void {
  const Ctx = window.AudioContext as typeof AudioContext | undefined;
  if (!Ctx) return () => {};
  const ctx = new Ctx();
  const pattern = PATTERNS[kind];
  const master = ctx.createGain();
  master.connect(ctx.destination);

  const schedulePeriod = (start: number) => {
    for (const note of pattern.notes) {
      const t0 = start + note.at;
      const env = ctx.createGain();
      // A short attack and release avoid clicks at note edges.
      env.gain.setValueAtTime(0, t0);
      env.gain.linearRampToValueAtTime(note.gain, t0 + 0.02);
      env.gain.setValueAtTime(note.gain, t0 + note.duration - 0.03);
      env.gain.linearRampToValueAtTime(0, t0 + note.duration);
      env.connect(master);
      for (const f of note.frequencies) {
        const osc = ctx.createOscillator();
        osc.type = 'sine';
        osc.frequency.value = f;
        osc.connect(env);
        osc.start(t0);
        osc.stop(t0 + note.duration + 0.01);
      }
    }
  };

  let next = ctx.currentTime + 0.05;
  const tick = () => {
    // Keep one period scheduled ahead of the audio clock.
    while (next < ctx.currentTime + pattern.periodMs / 1000) {
      schedulePeriod(next);
      next += pattern.periodMs / 1000;
    }
  };
  // Autoplay policy may start the context suspended until a user gesture; try to resume.
  void ctx.resume().catch(() => {});
  tick();
  const timer = window.setInterval(tick, pattern.periodMs / 2);
  return () => {
    window.clearInterval(timer);
    master.gain.setValueAtTime(0, ctx.currentTime);
    void ctx.close().catch(() => {});
  };
}
