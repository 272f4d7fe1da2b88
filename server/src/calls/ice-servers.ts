import { createHmac } from 'node:crypto';
import type { IceServer, IceServersResponse } from '@parley/shared';

/** Default lifetime of TURN credentials: a day, long enough for any call that starts today. */
export const DEFAULT_TURN_TTL_SECONDS = 24 * 60 * 60;

export interface IceServerConfig {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  /** coturn's `static-auth-secret`; without it TURN URLs are not handed out (they could not work). */
  turnSecret: string | null | undefined;
  ttlSeconds?: number;
}

/**
 * Time-limited TURN credentials as coturn's `use-auth-secret` (the "TURN REST API") expects:
 * the username is `<expiry unix seconds>:<user id>` and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses the username once
 * its expiry has passed, so no per-user state is shared between Parley and coturn.
 */
export function turnCredentials(
  secret: string,
  userId: string,
  ttlSeconds: number,
  nowMs: number,
): { username: string; credential: string } {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** What `GET /api/ice-servers` answers for `userId`. */
export function iceServersFor(
  config: IceServerConfig,
  userId: string,
  nowMs = Date.now(),
): IceServersResponse {
  const ttlSeconds = config.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  const iceServers: IceServer[] = [];
  const stun = config.stunUrls.filter((u) => u.length > 0);
  if (stun.length > 0) iceServers.push({ urls: [...stun] });
  const turn = config.turnUrls.filter((u) => u.length > 0);
  if (turn.length > 0 && config.turnSecret) {
    iceServers.push({ urls: [...turn], ...turnCredentials(config.turnSecret, userId, ttlSeconds, nowMs) });
  }
  return { iceServers, ttlSeconds };
}
