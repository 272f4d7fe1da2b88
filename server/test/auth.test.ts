import type { AuthResponse, ErrorResponse, MeResponse, TokenPair } from '@parley/shared';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  loginUser,
  registerUser,
  startTestServer,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ loginRate: 3 });
});
afterAll(async () => {
  await server.close();
});

const disconnected = (socket: ClientSocket) =>
  new Promise<string>((resolve) => {
    if (socket.disconnected) resolve('already');
    socket.once('disconnect', (reason) => resolve(reason));
  });

describe('register', () => {
  it('creates a user, lower-cases the username and returns tokens', async () => {
    const name = uniqueName('Mixed');
    const res = await api<AuthResponse>(server.url, '/api/auth/register', {
      body: { username: `  ${name.toUpperCase()} `, password: 'correct horse' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username: name.toLowerCase(), displayName: name.toLowerCase() });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.refreshToken.length).toBeGreaterThan(20);
    expect(Date.parse(res.body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    const me = await api<MeResponse>(server.url, '/api/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('refuses a taken username regardless of case with 409 username_taken', async () => {
    const name = uniqueName();
    await registerUser(server.url, name);
    const res = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: name.toUpperCase(), password: 'another password' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('username_taken');
  });

  it('answers 400 invalid_input naming each bad field', async () => {
    const res = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: 'a!', password: 'short', displayName: '' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(Object.keys(res.body.error.fields ?? {}).sort()).toEqual(['displayName', 'password', 'username']);
  });

  it('refuses NUL characters in text with 400 invalid_input naming the field', async () => {
    const res = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: uniqueName(), password: 'long enough', displayName: 'a\u0000b' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('displayName');
  });

  it('answers 400 for malformed JSON, a non-object body and no body', async () => {
    for (const body of ['{"username":', '"just a string"', '[]']) {
      const res = await api<ErrorResponse>(server.url, '/api/auth/register', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const empty = await api<ErrorResponse>(server.url, '/api/auth/register', { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_input');
  });

  it('answers 413 payload_too_large for a body over MAX_PAYLOAD_BYTES', async () => {
    const res = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: 'big', password: 'x'.repeat(server.config.maxPayloadBytes + 10) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('login', () => {
  it('signs in with the right password, case-insensitively', async () => {
    const user = await registerUser(server.url);
    const res = await api<AuthResponse>(server.url, '/api/auth/login', {
      body: { username: user.user.username.toUpperCase(), password: user.password },
    });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.user.id);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
  });

  it('answers 401 invalid_credentials for a wrong password and for an unknown user alike', async () => {
    const user = await registerUser(server.url);
    const wrong = await api<ErrorResponse>(server.url, '/api/auth/login', {
      body: { username: user.user.username, password: 'not the password' },
    });
    const unknown = await api<ErrorResponse>(server.url, '/api/auth/login', {
      body: { username: uniqueName('nobody'), password: 'whatever1' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('throttles attempts per username and IP with 429 rate_limited, and a success resets the count', async () => {
    const user = await registerUser(server.url);
    const attempt = (password: string) =>
      api<ErrorResponse>(server.url, '/api/auth/login', { body: { username: user.user.username, password } });
    // LOGIN_RATE is 3 here: two failures, a success (resets), then three failures and the fourth is refused.
    expect((await attempt('wrong-one')).status).toBe(401);
    expect((await attempt('wrong-two')).status).toBe(401);
    expect((await attempt(user.password)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-again')).status).toBe(401);
    const limited = await attempt(user.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    // Another username from the same IP is not affected.
    const other = await registerUser(server.url);
    expect((await loginUser(server.url, other)).user.id).toBe(other.user.id);
  });

  it('throttles one address trying many usernames (ten times the per-username limit)', async () => {
    const own = await startTestServer({ loginRate: 1 });
    try {
      const attempt = (username: string) =>
        api<ErrorResponse>(own.url, '/api/auth/login', { body: { username, password: 'guess-1234' } });
      for (let i = 0; i < 10; i++) expect((await attempt(`nobody${i}`)).status).toBe(401);
      const limited = await attempt('nobody-else');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
    } finally {
      await own.close();
    }
  });
});

describe('refresh', () => {
  it('rotates the refresh token on every refresh', async () => {
    const user = await registerUser(server.url);
    const first = await api<TokenPair>(server.url, '/api/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    const me = await api<MeResponse>(server.url, '/api/me', { token: first.body.accessToken });
    expect(me.body.user.id).toBe(user.user.id);
    const second = await api<TokenPair>(server.url, '/api/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(second.status).toBe(200);
  });

  it('answers 401 invalid_token for an unknown refresh token', async () => {
    const res = await api<ErrorResponse>(server.url, '/api/auth/refresh', { body: { refreshToken: 'nope' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('revokes the whole login session when a rotated token is presented again', async () => {
    const user = await registerUser(server.url);
    const otherDevice = await loginUser(server.url, user);
    const rotated = await api<TokenPair>(server.url, '/api/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    const socket = await connectSocket(server.url, rotated.body.accessToken);
    const otherSocket = await connectSocket(server.url, otherDevice.accessToken);
    const gone = disconnected(socket);

    const reuse = await api<ErrorResponse>(server.url, '/api/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_reused');
    expect(await gone).toBe('io server disconnect');

    // Everything descended from that login is dead: the newest refresh token and access token too.
    const next = await api<ErrorResponse>(server.url, '/api/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe('invalid_token');
    expect((await api(server.url, '/api/me', { token: rotated.body.accessToken })).status).toBe(401);
    await expect(connectSocket(server.url, rotated.body.accessToken)).rejects.toMatchObject({
      message: 'unauthorized',
      data: { code: 'invalid_token' },
    });
    // The other login of the same user is untouched.
    expect(otherSocket.connected).toBe(true);
    expect((await api(server.url, '/api/me', { token: otherDevice.accessToken })).status).toBe(200);
    otherSocket.close();
  });
});

describe('logout', () => {
  it('revokes the session and disconnects only its sockets', async () => {
    const user = await registerUser(server.url);
    const other = await loginUser(server.url, user);
    const a1 = await connectSocket(server.url, user.accessToken);
    const a2 = await connectSocket(server.url, user.accessToken);
    const b = await connectSocket(server.url, other.accessToken);
    const gone = Promise.all([disconnected(a1), disconnected(a2)]);

    const res = await api(server.url, '/api/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(res.status).toBe(204);
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    expect(b.connected).toBe(true);
    expect((await api(server.url, '/api/me', { token: user.accessToken })).status).toBe(401);
    const refresh = await api<ErrorResponse>(server.url, '/api/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // Logging out twice is fine.
    expect(
      (await api(server.url, '/api/auth/logout', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(204);
    b.close();
  });
});

describe('access tokens', () => {
  const sign = (claims: { sub: string; sid: string }, exp: number, secret = server.config.jwtSecret!) =>
    new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuedAt(exp - 60)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));

  it('answers 401 without a token, with garbage, with a forged one', async () => {
    const user = await registerUser(server.url);
    const forged = await sign(
      { sub: user.user.id, sid: 'x' },
      Math.floor(Date.now() / 1000) + 60,
      'another-secret-another-secret-0123456789',
    );
    const cases: [string | undefined, string][] = [
      [undefined, 'unauthorized'],
      ['garbage', 'invalid_token'],
      [forged, 'invalid_token'],
    ];
    for (const [token, code] of cases) {
      const res = await api<ErrorResponse>(server.url, '/api/me', token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(code);
    }
  });

  it('refuses an expired token over HTTP and on the socket with token_expired', async () => {
    const user = await registerUser(server.url);
    const [, payload] = user.accessToken.split('.');
    const { sid } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sid: string };
    const expired = await sign({ sub: user.user.id, sid }, Math.floor(Date.now() / 1000) - 10);
    const res = await api<ErrorResponse>(server.url, '/api/me', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
    await expect(connectSocket(server.url, expired)).rejects.toMatchObject({
      message: 'unauthorized',
      data: { code: 'token_expired' },
    });
    await expect(connectSocket(server.url, 'garbage')).rejects.toMatchObject({
      message: 'unauthorized',
      data: { code: 'invalid_token' },
    });
  });
});
