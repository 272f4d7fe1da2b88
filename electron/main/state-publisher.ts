/**
 * Pushes the client state to one window: a full snapshot first, then patches against the last
 * pushed state (shared/src/state-patch.ts). A full `ClientState` with 1,000 conversations is
 * over a megabyte of structured clone; a message into the open chat changes a few hundred bytes
 * of it.
 *
 * Client-agnostic: it reads whatever `getSnapshot` returns, so a host that switches between
 * several client cores calls `reset()` on a switch and the next push is a snapshot of the new
 * one. The renderer asks for a reset (`resyncState`) when it (re)subscribes or misses a patch.
 */
import { diffState, type ClientState, type StateUpdate } from '@parley/shared';

export interface StatePublisherDeps {
  getSnapshot(): ClientState;
  /** Delivers one update, in order (e.g. `webContents.send` on the state channel). */
  send(update: StateUpdate): void;
}

export interface StatePublisher {
  /** Sends what changed since the last push: a snapshot after a reset, else a patch (or nothing). */
  push(): void;
  /** The next push is a full snapshot (new renderer, missed patch, sign-out, account switch). */
  reset(): void;
  /** The seq of the last update sent (0: none yet). */
  readonly seq: number;
}

export function createStatePublisher(deps: StatePublisherDeps): StatePublisher {
  let last: ClientState | null = null;
  let seq = 0;
  return {
    push() {
      const state = deps.getSnapshot();
      if (last === null) {
        last = state;
        deps.send({ kind: 'snapshot', seq: ++seq, state });
        return;
      }
      if (state === last) return;
      const ops = diffState(last, state);
      last = state;
      if (ops.length > 0) deps.send({ kind: 'patch', seq: ++seq, ops });
    },
    reset() {
      last = null;
    },
    get seq() {
      return seq;
    },
  };
}
