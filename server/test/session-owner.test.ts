/**
 * A token is only as good as the login session it names, and that session must be its
 * user's. A token whose `sid` names someone else's live session (a leaked signing key, a
 * bug in issuing) is refused over HTTP and at the socket handshake alike.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens.js';
import { api, connectSocket, registerUser, startTestServer, uniqueName, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("a token naming another user's session", () => {
  it('is refused by HTTP and by the socket handshake', async () => {
    const alice = await registerUser(server.url, uniqueName('alice'));
    const bob = await registerUser(server.url, uniqueName('bob'));
    const bobsSession = decodeJwt(bob.accessToken).sid as string;
    // Signed with the server's own key, so only the session check can tell.
    const tokens = new TokenService(server.config.jwtSecret!, 900);
    const { accessToken: forged } = await tokens.issueAccessToken({
      userId: alice.user.id,
      sessionId: bobsSession,
    });

    expect((await api(server.url, '/api/me', { token: alice.accessToken })).status).toBe(200);
    const me = await api<{ error: { code: string } }>(server.url, '/api/me', { token: forged });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('invalid_token');
    await expect(connectSocket(server.url, forged)).rejects.toMatchObject({ message: 'unauthorized' });
  });
});
