import type { TokenPair } from '../protocol/http.js';
import { userSchema, type User } from '../protocol/models.js';
import { base64Decode } from './runtime.js';

/** The claims of a JWT, without verifying it (only the lifetime is read). */
export function decodeJwtClaims(token: string): { exp?: unknown; iat?: unknown } | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json: unknown = JSON.parse(base64Decode(padded));
    return typeof json === 'object' && json !== null ? (json as { exp?: unknown; iat?: unknown }) : null;
  } catch {
    return null;
  }
}

/**
 * An access token's lifetime in ms, from its own `iat`/`exp` when readable: those are both
 * server clock, so a client clock that is off by minutes does not make us refresh in a loop
 * or too late. Falls back to `accessTokenExpiresAt` against the local clock `now`.
 */
export function tokenLifetimeMs(pair: TokenPair, now: number): number {
  const claims = decodeJwtClaims(pair.accessToken);
  if (claims && typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp > claims.iat) {
    return (claims.exp - claims.iat) * 1000;
  }
  const expiresAt = Date.parse(pair.accessTokenExpiresAt);
  return Number.isNaN(expiresAt) ? 60_000 : Math.max(10_000, expiresAt - now);
}

/** Whether an answer has the three fields of a token pair. */
export function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    typeof v.accessTokenExpiresAt === 'string'
  );
}

/** The signed-in user as stored (JSON); null when missing or unreadable. */
export function parseStoredUser(raw: string | null): User | null {
  if (!raw) return null;
  try {
    const parsed = userSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
