import {
  applyStatePatch,
  initialClientState,
  stateUpdateSchema,
  type ClientState,
  type ParleyHost,
} from '@parley/shared';
import { shareStructure } from './share-structure';

/**
 * A synchronous store over the host's async state feed, for `useSyncExternalStore`.
 * The feed (shared/src/state-patch.ts) starts with a snapshot the store asks for, then brings
 * patches (desktop) or snapshots (web). Patches are applied onto the current state and copy
 * only what they change; snapshots are shared with the current state (share-structure.ts), as
 * the desktop's arrive as fresh copies. Either way unchanged parts keep their identity, so a
 * typing or presence change re-renders no message row. A patch that does not follow the last
 * update (a gap in `seq`) or does not fit is dropped and a snapshot asked for again.
 * `ready` turns true with the first snapshot so the UI can show a splash instead of flashing
 * the sign-in screen while a stored session is restored.
 */
export interface HostStore {
  getSnapshot(): StoreSnapshot;
  subscribe(listener: () => void): () => void;
}

export interface StoreSnapshot {
  ready: boolean;
  state: ClientState;
}

export function createHostStore(host: ParleyHost): HostStore {
  let snapshot: StoreSnapshot = { ready: false, state: initialClientState };
  const listeners = new Set<() => void>();
  // The seq of the last update applied; null while waiting for a snapshot.
  let seq: number | null = null;

  const set = (state: ClientState) => {
    if (snapshot.ready && snapshot.state === state) return;
    snapshot = { ready: true, state };
    for (const l of listeners) l();
  };
  const resync = () => {
    seq = null;
    host.resyncState().catch((err: unknown) => {
      console.error('parley: could not read the state', err);
      if (!snapshot.ready) set(initialClientState);
    });
  };

  host.onState((incoming) => {
    const parsed = stateUpdateSchema.safeParse(incoming);
    if (!parsed.success) {
      console.error('parley: a state update did not parse', parsed.error);
      resync();
      return;
    }
    const update = parsed.data;
    if (update.kind === 'snapshot') {
      seq = update.seq;
      set(shareStructure(snapshot.state, update.state));
      return;
    }
    // Before the first snapshot (or while waiting for one) a patch has nothing to apply to.
    if (seq === null) return;
    if (update.seq !== seq + 1) {
      console.warn(`parley: state patch ${update.seq} after ${seq}; asking for a snapshot`);
      resync();
      return;
    }
    let next: ClientState;
    try {
      next = applyStatePatch(snapshot.state, update.ops, { share: shareStructure });
    } catch (err) {
      console.error('parley: a state patch did not fit; asking for a snapshot', err);
      resync();
      return;
    }
    seq = update.seq;
    set(next);
  });
  resync();

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
