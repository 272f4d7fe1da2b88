import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClientState, ParleyHost } from '@parley/shared';
import type { HostStore } from './host-store';

export interface ParleyContextValue {
  host: ParleyHost;
  store: HostStore;
}

export const ParleyContext = createContext<ParleyContextValue | null>(null);

function useParleyContext(): ParleyContextValue {
  const ctx = useContext(ParleyContext);
  if (!ctx) throw new Error('ParleyContext is missing: render inside <ParleyProvider>');
  return ctx;
}

/** The host API (`window.parley`). */
export function useHost(): ParleyHost {
  return useParleyContext().host;
}

/**
 * Reads a slice of the client state. The selector must return something stable for an
 * unchanged state (a field of it, or a primitive): snapshots are immutable, so selecting
 * a field re-renders only when that field changed.
 */
export function useClientState<T>(selector: (state: ClientState) => T): T {
  const { store } = useParleyContext();
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot().state));
}

/** False until the host delivered its first snapshot. */
export function useReady(): boolean {
  const { store } = useParleyContext();
  return useSyncExternalStore(store.subscribe, () => store.getSnapshot().ready);
}
