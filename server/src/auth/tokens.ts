import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { AppError } from '../errors.js';

/** Who is calling: the user and the login session the access token belongs to. */
export interface AuthInfo {
  userId: string;
  sessionId: string;
}

/** Access tokens (JWT, HS256) and opaque refresh tokens. */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
    this.secret = Buffer.from(this.key);
  }

  async issueAccessToken(auth: AuthInfo): Promise<{ accessToken: string; accessTokenExpiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtlSeconds;
    const accessToken = await new SignJWT({ sid: auth.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(auth.userId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { accessToken, accessTokenExpiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * Verifies signature and expiry. Rejects with `token_expired` or `invalid_token`.
   *
   * Checked here with node:crypto's HMAC rather than jose's `jwtVerify`: jose verifies
   * through WebCrypto, an asynchronous job per token that was an eighth of the server's CPU
   * per accepted socket (issue 14's accept profile); this is a synchronous HMAC of a few
   * microseconds. It accepts exactly what `issueAccessToken` (jose's SignJWT) makes and
   * `jwtVerify(..., { algorithms: ['HS256'] })` accepted: a header whose alg is HS256 and
   * that names no `crit` extension, a valid signature (compared in constant time), `exp` in
   * the future, and no `nbf` in the future. The token tests check each refusal.
   */
  async verifyAccessToken(token: unknown): Promise<AuthInfo> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new AppError('invalid_token', 'Missing or malformed access token');
    }
    const claims = this.verifiedClaims(token);
    if (!claims) throw new AppError('invalid_token', 'Invalid access token');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) {
      throw new AppError('invalid_token', 'Invalid access token');
    }
    if (claims.exp <= now) throw new AppError('token_expired', 'The access token has expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) {
      throw new AppError('invalid_token', 'Invalid access token');
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
      throw new AppError('invalid_token', 'Malformed access token');
    }
    return { userId: claims.sub, sessionId: claims.sid };
  }

  /** The claims of a well-formed HS256 JWT signed with this secret; undefined otherwise. */
  private verifiedClaims(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const base64url = /^[A-Za-z0-9_-]+$/;
    if (!base64url.test(header) || !base64url.test(payload) || !base64url.test(signature)) return undefined;
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const head = parseObject(header);
    if (!head || head.alg !== 'HS256' || 'crit' in head || head.b64 === false) return undefined;
    return parseObject(payload);
  }
}

/** A base64url-encoded JSON object, or undefined. */
function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh opaque refresh token: 32 random bytes. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');

/** Refresh tokens are stored only as this hash. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
