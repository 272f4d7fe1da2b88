import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { TokenService } from './tokens.js';

const SECRET = 'tokens-test-secret-tokens-test-secret-0123';
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const service = new TokenService(SECRET, 900);

/** A token signed like issueAccessToken's, with the given changes. */
function sign(
  claims: Record<string, unknown> = { sid: 's1' },
  options: { alg?: string; header?: Record<string, unknown>; sub?: string | null; exp?: number | null } = {},
) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', ...options.header });
  if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? 'u1');
  jwt = jwt.setIssuedAt();
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? now() + 60);
  return jwt.sign(key);
}

const codeOf = (token: unknown) =>
  service.verifyAccessToken(token).then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  );

describe('access tokens', () => {
  it('accepts what issueAccessToken makes', async () => {
    const { accessToken } = await service.issueAccessToken({ userId: 'u1', sessionId: 's1' });
    await expect(service.verifyAccessToken(accessToken)).resolves.toEqual({ userId: 'u1', sessionId: 's1' });
  });

  it('refuses a bad signature, another secret, another algorithm or an unsigned token', async () => {
    const good = await sign();
    const [h, p, s] = good.split('.');
    const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    const other = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode('another-secret-another-secret-0123456789'));
    const hs512 = await sign({ sid: 's1' }, { alg: 'HS512' });
    const unsigned = new UnsecuredJWT({ sid: 's1' })
      .setSubject('u1')
      .setExpirationTime(now() + 60)
      .encode();
    // A payload swapped in under a valid header and signature of another token.
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', sid: 's1', exp: now() + 60 })).toString('base64url')}.${s}`;
    for (const token of [flipped, other, hs512, unsigned, forged])
      expect(await codeOf(token)).toBe('invalid_token');
  });

  it('refuses expired, not-yet-valid, expiry-less and crit tokens, and missing claims', async () => {
    expect(await codeOf(await sign({ sid: 's1' }, { exp: now() - 1 }))).toBe('token_expired');
    expect(await codeOf(await sign({ sid: 's1', nbf: now() + 60 }))).toBe('invalid_token');
    expect(await codeOf(await sign({ sid: 's1' }, { exp: null }))).toBe('invalid_token');
    expect(await codeOf(await sign({ sid: 's1' }, { header: { crit: ['exp'] } }).catch(() => 'x.y.z'))).toBe(
      'invalid_token',
    );
    expect(await codeOf(await sign({}))).toBe('invalid_token');
    expect(await codeOf(await sign({ sid: 's1' }, { sub: null }))).toBe('invalid_token');
  });

  it('refuses a token once it expired, even one verified (and cached) while it was valid', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const short = new TokenService(SECRET, 60);
      const { accessToken } = await short.issueAccessToken({ userId: 'u1', sessionId: 's1' });
      await expect(short.verifyAccessToken(accessToken)).resolves.toEqual({ userId: 'u1', sessionId: 's1' });
      vi.setSystemTime(Date.now() + 61_000);
      expect(
        await short.verifyAccessToken(accessToken).then(
          () => 'accepted',
          (err: { code?: string }) => err.code,
        ),
      ).toBe('token_expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses malformed input', async () => {
    for (const token of [undefined, 42, '', 'a.b', 'a.b.c.d', 'a.b!.c', 'x'.repeat(5000), '..']) {
      expect(await codeOf(token)).toBe('invalid_token');
    }
  });
});
