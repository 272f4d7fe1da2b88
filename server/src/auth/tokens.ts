import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.js';

/** Who is calling: the user and the login session the access token belongs to. */
export interface AuthInfo {
  userId: string;
  sessionId: string;
}

/** Access tokens (JWT, HS256) and opaque refresh tokens. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
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

  /** Verifies signature and expiry. Rejects with `token_expired` or `invalid_token`. */
  async verifyAccessToken(token: unknown): Promise<AuthInfo> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new AppError('invalid_token', 'Missing or malformed access token');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
        throw new AppError('invalid_token', 'Malformed access token');
      }
      return { userId: payload.sub, sessionId: payload.sid };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired)
        throw new AppError('token_expired', 'The access token has expired');
      throw new AppError('invalid_token', 'Invalid access token');
    }
  }
}

/** A fresh opaque refresh token: 32 random bytes. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');

/** Refresh tokens are stored only as this hash. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
