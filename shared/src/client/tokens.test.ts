import { describe, expect, it } from 'vitest';
import { decodeJwtClaims, isTokenPair, parseStoredUser, tokenLifetimeMs } from './tokens.js';

// A JWT's payload is base64url without padding.
const jwt = (claims: object): string =>
  `h.${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.s`;

describe('tokens', () => {
  it('reads the lifetime from the token itself, whatever the local clock says', () => {
    const pair = { accessToken: jwt({ iat: 100, exp: 1000 }), refreshToken: 'r', accessTokenExpiresAt: 'x' };
    expect(decodeJwtClaims(pair.accessToken)).toEqual({ iat: 100, exp: 1000 });
    expect(tokenLifetimeMs(pair, 5e12)).toBe(900_000);
  });

  it('falls back to accessTokenExpiresAt, with a floor, when the token is opaque', () => {
    const now = Date.parse('2026-11-22T10:00:00.000Z');
    const pair = {
      accessToken: 'opaque',
      refreshToken: 'r',
      accessTokenExpiresAt: '2026-11-22T10:05:00.000Z',
    };
    expect(tokenLifetimeMs(pair, now)).toBe(300_000);
    expect(tokenLifetimeMs({ ...pair, accessTokenExpiresAt: '2026-11-22T09:00:00.000Z' }, now)).toBe(10_000);
    expect(tokenLifetimeMs({ ...pair, accessTokenExpiresAt: 'never' }, now)).toBe(60_000);
  });

  it('checks answers and stored users', () => {
    expect(isTokenPair({ accessToken: 'a', refreshToken: 'r', accessTokenExpiresAt: 'x' })).toBe(true);
    expect(isTokenPair({ accessToken: 'a' })).toBe(false);
    expect(parseStoredUser(JSON.stringify({ id: 'u', username: 'sam', displayName: 'Sam' }))?.id).toBe('u');
    expect(parseStoredUser('{broken')).toBeNull();
    expect(parseStoredUser(null)).toBeNull();
  });
});
