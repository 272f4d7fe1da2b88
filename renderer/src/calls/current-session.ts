import type { ParleyHost } from '@parley/shared';
import { createCallSession } from './call-session';
import type { CallMarks, CallSession } from './call-session-types';

/**
 * The current call's session: at most one call at a time, kept outside React so the call
 * screens (CallLayer) read it with useSyncExternalStore and every remount finds the same
 * session. Also the page's debug hook for e2e tests and the call-setup measurement.
 */

let current: CallSession | null = null;
const currentListeners = new Set<() => void>();
const setCurrent = (next: CallSession | null) => {
  current = next;
  for (const l of currentListeners) l();
};

/** The session for `callId`, created on first use; a session of another call is closed. */
export function sessionFor(host: ParleyHost, callId: string): CallSession {
  if (current?.callId === callId) return current;
  current?.close();
  const created = createCallSession(host, callId);
  setCurrent(created);
  exposeForTests();
  return created;
}

/** The current session (for useSyncExternalStore). */
export function getCurrentSession(): CallSession | null {
  return current;
}

export function subscribeCurrentSession(listener: () => void): () => void {
  currentListeners.add(listener);
  return () => currentListeners.delete(listener);
}

export function closeSession(): void {
  if (!current) return;
  current.close();
  setCurrent(null);
}

/** What e2e tests and the setup measurement read from the page. Not an API for the app. */
export interface ParleyCallDebug {
  readonly callId: string | null;
  readonly pc: RTCPeerConnection | null;
  readonly marks: CallMarks | null;
  getStats(): Promise<RTCStatsReport | null>;
}

declare global {
  interface Window {
    __parleyCall?: ParleyCallDebug;
  }
}

function exposeForTests() {
  if (window.__parleyCall) return;
  window.__parleyCall = {
    get callId() {
      return current?.callId ?? null;
    },
    get pc() {
      return current?.rtc ?? null;
    },
    get marks() {
      return current ? { ...current.marks } : null;
    },
    getStats: async () => (current?.rtc ? current.rtc.getStats() : null),
  };
}
