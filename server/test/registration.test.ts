/**
 * Registration modes (REGISTRATION=open|invite|closed), invites, the first account being the
 * server admin, REGISTRATION_RATE, GET /api/server and the /invite/:code link.
 */
import type {
  AdminUsersResponse,
  AuthResponse,
  ErrorResponse,
  InviteResponse,
  InvitesResponse,
  ServerInfo,
} from '@parley/shared';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { api, registerUser, startTestServer, uniqueName, type TestServer, type TestUser } from './harness.js';

const servers: TestServer[] = [];
async function start(overrides: Partial<Config> = {}): Promise<TestServer> {
  const server = await startTestServer(overrides);
  servers.push(server);
  return server;
}
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});
afterAll(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

const register = (server: TestServer, inviteCode?: unknown, username = uniqueName()) =>
  api<AuthResponse & ErrorResponse>(server.url, '/api/auth/register', {
    body: { username, password: 'a good password', ...(inviteCode === undefined ? {} : { inviteCode }) },
  });
const invite = (server: TestServer, user: TestUser, body: unknown = {}) =>
  api<InviteResponse & ErrorResponse>(server.url, '/api/invites', { token: user.accessToken, body });

describe('the first account', () => {
  it('is a server admin; the next ones are not, and nobody else sees the role', async () => {
    const server = await start();
    const first = await registerUser(server.url);
    const second = await registerUser(server.url);
    const asAdmin = await api<AdminUsersResponse>(server.url, '/api/admin/users', {
      token: first.accessToken,
    });
    expect(asAdmin.status).toBe(200);
    const roles = Object.fromEntries(asAdmin.body.users.map((u) => [u.id, u.role]));
    expect(roles).toEqual({ [first.user.id]: 'admin', [second.user.id]: 'user' });
    const asUser = await api<ErrorResponse>(server.url, '/api/admin/users', { token: second.accessToken });
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe('forbidden');
    const seen = await api<{ users: object[] }>(server.url, '/api/users?q=', { token: second.accessToken });
    for (const user of seen.body.users) expect(Object.keys(user).sort()).not.toContain('role');
    expect(Object.keys(first.user)).not.toContain('role');
  });
});

describe('the first accounts, registering at once', () => {
  it('make exactly one server admin', async () => {
    const server = await start();
    const results = await Promise.all([0, 1, 2, 3].map(() => register(server)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const roles = await Promise.all(
      results.map(async (r) => (await server.server.repository.getAccount(r.body.user.id))?.role),
    );
    expect(roles.filter((role) => role === 'admin')).toHaveLength(1);
  });
});

describe('REGISTRATION', () => {
  it('open (the default) needs no invite and ignores a stale code; GET /api/server says so', async () => {
    const server = await start();
    const info = await api<ServerInfo>(server.url, '/api/server');
    expect(info.body).toMatchObject({ registration: 'open', invitesBy: 'admins' });
    expect(info.body.features).toEqual(expect.arrayContaining(['account', 'sessions', 'invites', 'admin']));
    expect((await register(server)).status).toBe(201);
    expect((await register(server, 'stale-code-that-does-not-exist')).status).toBe(201);
  });

  it('closed refuses every sign-up with 403', async () => {
    const server = await start({ registration: 'closed' });
    const info = await api<ServerInfo>(server.url, '/api/server');
    expect(info.body.registration).toBe('closed');
    const res = await register(server);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('invite: no code or a bad one is 403, a good one works, used up or expired is 410', async () => {
    const server = await start({ registration: 'invite', invitesBy: 'members' });
    // Nobody can register without an invite, not even the first account: the CLI makes one.
    expect((await register(server)).status).toBe(403);
    const repo = server.server.repository;
    await repo.createInvite({
      code: 'bootstrap-code-0001',
      createdBy: null,
      createdAt: new Date().toISOString(),
      expiresAt: null,
      maxUses: 1,
    });
    const firstRes = await register(server, 'bootstrap-code-0001');
    expect(firstRes.status).toBe(201);
    const admin: TestUser = { ...firstRes.body, password: 'a good password' };
    const info = await api<ServerInfo>(server.url, '/api/server');
    expect(info.body).toMatchObject({ registration: 'invite', invitesBy: 'members' });

    for (const code of [undefined, '', 'no such code!', 'unknown-code-12345', 42]) {
      const res = await register(server, code);
      expect(res.status, JSON.stringify(code)).toBe(code === 42 ? 400 : 403);
    }
    const used = await register(server, 'bootstrap-code-0001');
    expect(used.status).toBe(410);
    expect(used.body.error.code).toBe('gone');

    const made = await invite(server, admin, { maxUses: 2 });
    expect(made.status).toBe(201);
    const { code } = made.body.invite;
    expect(made.body.invite).toMatchObject({ maxUses: 2, uses: 0, expiresAt: null });
    expect(made.body.invite.url).toBe(`${server.url}/invite/${code}`);

    // A taken username does not spend a use.
    const taken = await register(server, code, admin.user.username);
    expect(taken.status).toBe(409);
    expect((await register(server, code)).status).toBe(201);
    expect((await register(server, code)).status).toBe(201);
    expect((await register(server, code)).status).toBe(410);
    const listed = await api<InvitesResponse>(server.url, '/api/invites', { token: admin.accessToken });
    expect(listed.body.invites.find((i) => i.code === code)).toMatchObject({ uses: 2, maxUses: 2 });

    const shortLived = await invite(server, admin, { expiresInHours: 0.0002 });
    expect(shortLived.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const expired = await register(server, shortLived.body.invite.code);
    expect(expired.status).toBe(410);
  });

  it('REGISTRATION_RATE caps sign-up attempts per address per hour', async () => {
    const server = await start({ registrationRate: 2 });
    expect((await register(server)).status).toBe(201);
    // Malformed input is refused before anything is counted or hashed.
    expect((await register(server, undefined, 'x')).status).toBe(400);
    expect((await register(server)).status).toBe(201);
    const limited = await register(server);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});

describe('invites', () => {
  it('admins make them; members only with INVITES_BY=members; bad input is 400', async () => {
    const server = await start();
    const admin = await registerUser(server.url);
    const member = await registerUser(server.url);
    const refused = await invite(server, member);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    for (const body of [{ maxUses: 0 }, { maxUses: 1.5 }, { expiresInHours: -1 }, { maxUses: 'many' }]) {
      expect((await invite(server, admin, body)).status, JSON.stringify(body)).toBe(400);
    }
    const made = await invite(server, admin, { maxUses: 3, expiresInHours: 24 });
    expect(made.status).toBe(201);
    expect(Date.parse(made.body.invite.expiresAt!)).toBeGreaterThan(Date.now());
    expect((await api(server.url, '/api/invites', { body: {} })).status).toBe(401);

    const open = await start({ invitesBy: 'members' });
    await registerUser(open.url);
    const someone = await registerUser(open.url);
    expect((await invite(open, someone)).status).toBe(201);
  });

  it('lists the caller’s own (admins: all) and deletes; someone else’s is 404', async () => {
    const server = await start({ invitesBy: 'members' });
    const admin = await registerUser(server.url);
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const aliceInvite = (await invite(server, alice)).body.invite;
    const bobInvite = (await invite(server, bob)).body.invite;

    const aliceList = await api<InvitesResponse>(server.url, '/api/invites', { token: alice.accessToken });
    expect(aliceList.body.invites.map((i) => i.code)).toEqual([aliceInvite.code]);
    const adminList = await api<InvitesResponse>(server.url, '/api/invites', { token: admin.accessToken });
    expect(adminList.body.invites.map((i) => i.code).sort()).toEqual(
      [aliceInvite.code, bobInvite.code].sort(),
    );

    const del = (user: TestUser, code: string) =>
      api(server.url, `/api/invites/${encodeURIComponent(code)}`, {
        method: 'DELETE',
        token: user.accessToken,
      });
    expect((await del(alice, bobInvite.code)).status).toBe(404);
    expect((await del(alice, 'not a code')).status).toBe(400);
    expect((await del(alice, aliceInvite.code)).status).toBe(204);
    expect((await del(alice, aliceInvite.code)).status).toBe(404);
    expect((await del(admin, bobInvite.code)).status).toBe(204);
    const after = await api<InvitesResponse>(server.url, '/api/invites', { token: admin.accessToken });
    expect(after.body.invites).toEqual([]);
  });

  it('GET /invite/:code hands the code to the web client', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/invite/AbC-123_xyz0`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/?invite=AbC-123_xyz0');
    const bad = await fetch(`${server.url}/invite/%3Cscript%3E`, { redirect: 'manual' });
    expect(bad.headers.get('location')).toBe('/');
  });

  it('PUBLIC_URL sets the origin of invite links', async () => {
    const server = await start({ publicUrl: 'https://chat.example.org' });
    const admin = await registerUser(server.url);
    const made = await invite(server, admin);
    expect(made.body.invite.url).toBe(`https://chat.example.org/invite/${made.body.invite.code}`);
  });
});
