import { createHash, randomBytes } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { AppError } from '../errors.js';

/** Who is calling: the user and the login session the access token belongs to. */
export interface AuthInfo {
  userId: string;
  sessionId: string;
}

/**
 * Access tokens (JWT, HS256) and opaque refresh tokens. fast-jwt, not jose: jose verifies
 * through WebCrypto, an async job per token that was an eighth of accepting a socket
 * (issue 14's capacity profile); fast-jwt uses node:crypto's HMAC in place. Its cache keeps
 * recently verified tokens (until their `exp`), so a client's requests with the same token
 * pay once; a token's session is still checked on every use (sessions.ts).
 */
export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    // iat and exp are set here, so the answer's expiry is the token's.
    this.sign = createSigner({ key: secret, algorithm: 'HS256', noTimestamp: true });
    this.verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub', 'sid'],
      cache: VERIFIED_TOKENS_CACHED,
    });
  }

  async issueAccessToken(auth: AuthInfo): Promise<{ accessToken: string; accessTokenExpiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtlSeconds;
    const accessToken = this.sign({ sub: auth.userId, sid: auth.sessionId, iat: now, exp });
    return { accessToken, accessTokenExpiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Verifies signature and expiry. Rejects with `token_expired` or `invalid_token`. */
  async verifyAccessToken(token: unknown): Promise<AuthInfo> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new AppError('invalid_token', 'Missing or malformed access token');
    }
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(token);
    } catch (err) {
      if (err instanceof TokenError && err.code === TokenError.codes.expired)
        throw new AppError('token_expired', 'The access token has expired');
      throw new AppError('invalid_token', 'Invalid access token');
    }
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      throw new AppError('invalid_token', 'Malformed access token');
    }
    return { userId: payload.sub, sessionId: payload.sid };
  }
}

/** Verified access tokens remembered (the verifier's LRU cache). */
const VERIFIED_TOKENS_CACHED = 10_000;

/** A fresh opaque refresh token: 32 random bytes. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');

/** Refresh tokens are stored only as this hash. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
