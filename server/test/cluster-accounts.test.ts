/**
 * Accounts on two nodes sharing PostgreSQL and Redis: a password change, a signed-out session
 * a deactivation and an admin's password reset made through one node end the sockets on the
 * other at once (session:ended first), a profile change reaches contacts on the other node,
 * and invites made on one node work on the other. Needs PARLEY_TEST_DATABASE_URL
 * (postgres://) and PARLEY_TEST_REDIS_URL; skipped without them.
 */
import { randomBytes } from 'node:crypto';
import type { AuthResponse, MeResponse, SessionsResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedCode, sessionEnd } from './accounts-support.js';
import {
  api,
  connectSocket,
  createConversation,
  loginUser,
  nextEvent,
  registerUser,
  startTestServer,
  uniqueName,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && redisUrl);
if (!enabled) {
  console.info(
    'cluster-accounts.test.ts skipped: set PARLEY_TEST_DATABASE_URL=postgres://... and PARLEY_TEST_REDIS_URL',
  );
}

describe.runIf(enabled)('accounts across two nodes', () => {
  const suffix = randomBytes(6).toString('hex');
  const shared = {
    databaseUrl,
    databaseSchema: `parley_cluster_accounts_${suffix}`,
    redisUrl,
    redisPrefix: `parley-cluster-accounts-${suffix}`,
  };
  let a: TestServer;
  let b: TestServer;
  let admin: TestUser;
  const sockets: ClientSocket[] = [];
  const open = async (server: TestServer, token: string) => {
    const socket = await connectSocket(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    a = await startTestServer(shared);
    b = await startTestServer(shared);
    admin = await registerUser(a.url); // the first account is the server's admin
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${shared.databaseSchema}" cascade`);
    await client.end();
  });

  it('a password change on node A ends the other session’s sockets on node B', async () => {
    const alice = await registerUser(a.url);
    const laptop = await loginUser(b.url, alice);
    const onB = await open(b, laptop.accessToken);
    const ended = sessionEnd(onB);
    const res = await api(a.url, '/api/me/password', {
      token: alice.accessToken,
      body: { currentPassword: alice.password, newPassword: 'a new password on A' },
    });
    expect(res.status).toBe(204);
    const result = await ended;
    expect(result.reason).toBe('password_changed');
    expect(result.order[0]).toBe('session:ended');
    expect(await refusedCode(connectSocket(b.url, laptop.accessToken))).toBe('invalid_token');
    expect((await api(b.url, '/api/me', { token: alice.accessToken })).status).toBe(200);
  });

  it('signing out a session on node B ends its socket on node A', async () => {
    const alice = await registerUser(a.url);
    const lost = await loginUser(a.url, alice);
    const onA = await open(a, lost.accessToken);
    const ended = sessionEnd(onA);
    const list = await api<SessionsResponse>(b.url, '/api/me/sessions', { token: alice.accessToken });
    const id = list.body.sessions.find((s) => !s.current)!.id;
    expect(
      (await api(b.url, `/api/me/sessions/${id}`, { method: 'DELETE', token: alice.accessToken })).status,
    ).toBe(204);
    expect((await ended).reason).toBe('revoked');
    expect((await api(a.url, '/api/me', { token: lost.accessToken })).status).toBe(401);
  });

  it('a deactivation on node A ends sockets on node B and tells contacts there', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const aliceOnB = await open(b, alice.accessToken);
    const bobOnB = await open(b, bob.accessToken);
    const ended = sessionEnd(aliceOnB);
    const heard = nextEvent(bobOnB, 'user:updated', (e) => e.user.id === alice.user.id);
    const res = await api(a.url, '/api/me', {
      method: 'DELETE',
      token: alice.accessToken,
      body: { password: alice.password },
    });
    expect(res.status).toBe(204);
    expect((await ended).reason).toBe('deactivated');
    expect((await heard).user).toMatchObject({ deactivated: true, displayName: 'Deleted user' });
    expect(await refusedCode(connectSocket(b.url, alice.accessToken))).toBe('invalid_token');
    const signIn = await api(b.url, '/api/auth/login', {
      body: { username: alice.user.username, password: alice.password },
    });
    expect(signIn.status).toBe(401);
  });

  it('an admin’s password reset on node A ends that user’s sockets on node B', async () => {
    const erin = await registerUser(b.url);
    const phone = await loginUser(b.url, erin);
    const ends = [await open(b, erin.accessToken), await open(b, phone.accessToken)].map(sessionEnd);
    const res = await api(a.url, `/api/admin/users/${erin.user.id}/password`, {
      token: admin.accessToken,
      body: { newPassword: 'reset on node A' },
    });
    expect(res.status).toBe(204);
    for (const end of await Promise.all(ends)) {
      expect(end.reason).toBe('password_changed');
      expect(end.order[0]).toBe('session:ended');
    }
    expect(await refusedCode(connectSocket(b.url, phone.accessToken))).toBe('invalid_token');
    expect((await api(b.url, '/api/me', { token: erin.accessToken })).status).toBe(401);
    const old = await api(b.url, '/api/auth/login', {
      body: { username: erin.user.username, password: erin.password },
    });
    expect(old.status).toBe(401);
    const signIn = await api(b.url, '/api/auth/login', {
      body: { username: erin.user.username, password: 'reset on node A' },
    });
    expect(signIn.status).toBe(200);
  });

  it('a display name changed on node A reaches a contact’s socket on node B (user:updated)', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const bobOnB = await open(b, bob.accessToken);
    const heard = nextEvent(bobOnB, 'user:updated', (e) => e.user.id === alice.user.id);
    const res = await api<MeResponse>(a.url, '/api/me', {
      method: 'PATCH',
      token: alice.accessToken,
      body: { displayName: 'Alice on A' },
    });
    expect(res.status).toBe(200);
    expect(res.body.user.displayName).toBe('Alice on A');
    expect((await heard).user).toMatchObject({ id: alice.user.id, displayName: 'Alice on A' });
  });

  it('invites: one use left, two nodes racing for it, one wins', async () => {
    const c = await startTestServer({ ...shared, registration: 'invite' });
    const d = await startTestServer({ ...shared, registration: 'invite' });
    try {
      const repo = c.server.repository;
      const code = `race-${suffix}`;
      await repo.createInvite({
        code,
        createdBy: null,
        createdAt: new Date().toISOString(),
        expiresAt: null,
        maxUses: 1,
      });
      const attempt = (server: TestServer) =>
        api<AuthResponse>(server.url, '/api/auth/register', {
          body: { username: uniqueName('racer'), password: 'a good password', inviteCode: code },
        });
      const statuses = (await Promise.all([attempt(c), attempt(d), attempt(c), attempt(d)])).map(
        (r) => r.status,
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 410)).toHaveLength(3);
    } finally {
      await d.close();
      await c.close();
    }
  });
});
