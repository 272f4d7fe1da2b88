/**
 * Helpers for the client core's own tests (not exported from the package): waiting for a
 * state or an event without fixed sleeps.
 */
import type { ClientState } from './state.js';
import type { ClientEvent, ParleyClient } from './types.js';
import { clearTimer, setTimer } from './runtime.js';

/**
 * Resolves with the first snapshot that satisfies `predicate`; rejects after `timeoutMs`
 * with `what` and a summary of the last snapshot, so a failing test says what it waited for.
 */
export function waitForState(
  client: ParleyClient,
  predicate: (state: ClientState) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<ClientState> {
  return new Promise((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const check = (): boolean => {
      const state = client.getSnapshot();
      if (!predicate(state)) return false;
      clearTimer(timer);
      unsubscribe();
      resolve(state);
      return true;
    };
    const timer = setTimer(() => {
      unsubscribe();
      reject(new Error(`Timed out waiting for ${what}; last state: ${summarize(client.getSnapshot())}`));
    }, timeoutMs);
    if (check()) return;
    unsubscribe = client.subscribe(() => void check());
  });
}

/** Resolves with the first client event that satisfies `predicate`. */
export function waitForEvent(
  client: ParleyClient,
  predicate: (event: ClientEvent) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<ClientEvent> {
  return new Promise((resolve, reject) => {
    const unsubscribe = client.onEvent((event) => {
      if (!predicate(event)) return;
      clearTimer(timer);
      unsubscribe();
      resolve(event);
    });
    const timer = setTimer(() => {
      unsubscribe();
      reject(new Error(`Timed out waiting for ${what}`));
    }, timeoutMs);
  });
}

export function summarize(state: ClientState): string {
  return JSON.stringify({
    session: state.session.status,
    connection: state.connection,
    catchUp: state.catchUp,
    conversations: state.conversations.map((c) => ({ id: c.id, lastSeq: c.lastSeq, unread: c.unreadCount })),
    windows: Object.fromEntries(
      Object.entries(state.messages).map(([id, w]) => [
        id,
        w.items.map((m) => `${m.seq}:${m.status}`).join(','),
      ]),
    ),
  });
}

/**
 * Polls `check` (for things outside the state, such as storage) until it holds; rejects
 * after `timeoutMs` naming `what`.
 */
export function waitUntil(
  check: () => boolean,
  what: string,
  timeoutMs = 15_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`Timed out waiting for ${what}`));
      setTimer(tick, everyMs);
    };
    tick();
  });
}
