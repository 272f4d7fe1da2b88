/** Reconnect delays: exponential backoff with full jitter. */
export interface BackoffOptions {
  /** The base of the first delay in ms (default 500). */
  initialDelayMs?: number;
  /** The largest delay in ms (default 30 000). */
  maxDelayMs?: number;
}

export const DEFAULT_INITIAL_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/**
 * The delay before reconnect attempt number `attempt` (0 for the first retry).
 *
 * Full jitter (a uniformly random delay between 0 and the exponential ceiling) spreads out
 * the reconnects of every client after a server restart, so they do not arrive in waves.
 * The ceiling is `initial * 2^attempt`, capped at `maxDelayMs`; it never gives up.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = Math.max(1, options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS);
  const cap = Math.max(initial, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  // 2^attempt overflows to Infinity long after it passed the cap; clamp the exponent anyway.
  const ceiling = Math.min(cap, initial * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * ceiling);
}
