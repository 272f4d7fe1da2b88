import type { Unsubscribe } from '../host-api.js';
import { queueMicrotaskSafe } from './runtime.js';

/**
 * A minimal external store: one immutable snapshot, replaced on every change.
 *
 * Updaters must return a new object along the changed path only (or the same object when
 * nothing changed), so React's `useSyncExternalStore` and memoised selectors can compare by
 * identity. Listeners are notified once per microtask however many updates happened in it:
 * catch-up applies hundreds of messages in a burst, and in the desktop host every
 * notification becomes an IPC message.
 */
export interface Store<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): Unsubscribe;
  /** Applies `updater` now; `getSnapshot()` reflects it immediately, listeners hear it soon. */
  update(updater: (state: T) => T): void;
}

export function createStore<T>(
  initial: T,
  schedule: (flush: () => void) => void = queueMicrotaskSafe,
): Store<T> {
  let state = initial;
  let scheduled = false;
  let notifiedState = initial;
  const listeners = new Set<() => void>();

  const flush = (): void => {
    scheduled = false;
    // Several updates that end where they started are no change at all.
    if (state === notifiedState) return;
    notifiedState = state;
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch {
        // A failing listener must not starve the others or break the client core.
      }
    }
  };

  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    update(updater) {
      const next = updater(state);
      if (next === state) return;
      state = next;
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
  };
}
