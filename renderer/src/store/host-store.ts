import { initialClientState, type ClientState, type ParleyHost } from '@parley/shared';
import { shareStructure } from './share-structure';

/**
 * A synchronous store over the host's async state feed, for `useSyncExternalStore`.
 * The host pushes whole immutable snapshots; the store keeps the latest one, sharing every
 * unchanged part with the previous one (the desktop host's snapshots are fresh copies, see
 * share-structure.ts). `ready` turns true with the first snapshot so the UI can show a splash
 * instead of flashing the sign-in screen while a stored session is restored.
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
  let pushed = false;

  const set = (incoming: ClientState) => {
    const state = shareStructure(snapshot.state, incoming);
    if (snapshot.ready && snapshot.state === state) return;
    snapshot = { ready: true, state };
    for (const l of listeners) l();
  };

  host.onState((state) => {
    pushed = true;
    set(state);
  });
  host.getState().then(
    (state) => {
      // A pushed snapshot may be newer than the one this request answered.
      if (!pushed) set(state);
    },
    (err: unknown) => {
      console.error('parley: could not read the initial state', err);
      if (!pushed) set(initialClientState);
    },
  );

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
