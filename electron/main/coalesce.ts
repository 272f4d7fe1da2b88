/**
 * Coalesces a stream of "something changed" into at most one push per interval. The client
 * core may change state many times per message burst (catch-up, typing, presence); sending a
 * full snapshot over IPC for each would flood the renderer, which only paints once per frame.
 */
export interface Coalescer {
  /** Note a change; a push follows within one interval. */
  schedule(): void;
  /** Push now if a change is pending (e.g. before the window closes). */
  flush(): void;
  cancel(): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** About one animation frame. */
export const STATE_PUSH_INTERVAL_MS = 16;

export function createCoalescer(
  push: () => void,
  intervalMs = STATE_PUSH_INTERVAL_MS,
  timers = realTimers,
): Coalescer {
  let handle: unknown = null;
  const run = () => {
    handle = null;
    push();
  };
  return {
    schedule() {
      if (handle === null) handle = timers.setTimeout(run, intervalMs);
    },
    flush() {
      if (handle === null) return;
      timers.clearTimeout(handle);
      run();
    },
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
