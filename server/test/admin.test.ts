/**
 * Server administration: GET /api/admin/users, deactivate, password reset and server roles
 * (403 for everyone but server admins), and USER_DIRECTORY=contacts.
 */
import type {
  AdminUsersResponse,
  AttachmentResponse,
  ErrorResponse,
  MeResponse,
  UserSearchResponse,
} from '@parley/shared';
import sharp from 'sharp';
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
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

let server: TestServer;
let admin: TestUser;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  server = await startTestServer({ userDirectory: 'contacts' });
  admin = await registerUser(server.url, 'root_admin');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

async function device(token: string): Promise<ClientSocket> {
  const socket = await connectSocket(server.url, token);
  sockets.push(socket);
  return socket;
}

describe('admin endpoints', () => {
  it('are 403 for non-admins, whatever the target', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const calls: [string, string, unknown][] = [
      ['GET', '/api/admin/users?q=', undefined],
      ['POST', `/api/admin/users/${bob.user.id}/deactivate`, {}],
      ['POST', `/api/admin/users/${bob.user.id}/password`, { newPassword: 'taken over!' }],
      ['POST', '/api/admin/users/no-such-user/deactivate', {}],
      ['PUT', `/api/admin/users/${alice.user.id}/role`, { role: 'admin' }],
      ['PUT', `/api/admin/users/${alice.user.id}/role`, { role: 'nonsense' }],
    ];
    for (const [method, path, body] of calls) {
      const res = await api<ErrorResponse>(server.url, path, { method, token: alice.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await api(server.url, path, { method, body })).status).toBe(401);
    }
    // Nothing happened to Bob.
    expect((await api(server.url, '/api/me', { token: bob.accessToken })).status).toBe(200);
  });

  it('lists users with role, createdAt, lastSeenAt and online; q filters', async () => {
    const carol = await registerUser(server.url, 'carol_admin_test');
    await device(carol.accessToken);
    const res = await api<AdminUsersResponse>(server.url, '/api/admin/users?q=carol_admin', {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body.users).toHaveLength(1);
    expect(res.body.users[0]).toMatchObject({ id: carol.user.id, role: 'user', online: true });
    expect(Date.parse(res.body.users[0]!.createdAt)).not.toBeNaN();
    const all = await api<AdminUsersResponse>(server.url, '/api/admin/users', { token: admin.accessToken });
    expect(all.body.users.find((u) => u.id === admin.user.id)?.role).toBe('admin');
    const bad = await api(server.url, `/api/admin/users?q=${'x'.repeat(65)}`, { token: admin.accessToken });
    expect(bad.status).toBe(400);
  });

  it('deactivates a user: sockets hear `deactivated`, sign-in refused; unknown id is 404', async () => {
    const dave = await registerUser(server.url);
    const socket = await device(dave.accessToken);
    const ended = sessionEnd(socket);
    const res = await api(server.url, `/api/admin/users/${dave.user.id}/deactivate`, {
      method: 'POST',
      token: admin.accessToken,
      body: {},
    });
    expect(res.status).toBe(204);
    expect((await ended).reason).toBe('deactivated');
    expect(await refusedCode(connectSocket(server.url, dave.accessToken))).toBe('invalid_token');
    const signIn = await api(server.url, '/api/auth/login', {
      body: { username: dave.user.username, password: dave.password },
    });
    expect(signIn.status).toBe(401);
    const listed = await api<AdminUsersResponse>(server.url, `/api/admin/users?q=${dave.user.username}`, {
      token: admin.accessToken,
    });
    expect(listed.body.users[0]).toMatchObject({ deactivated: true, displayName: 'Deleted user' });
    const unknown = await api(server.url, '/api/admin/users/no-such-user/deactivate', {
      method: 'POST',
      token: admin.accessToken,
      body: {},
    });
    expect(unknown.status).toBe(404);
  });

  it('resets a password: every session of that user ends', async () => {
    const erin = await registerUser(server.url);
    const second = await loginUser(server.url, erin);
    const ends = [sessionEnd(await device(erin.accessToken)), sessionEnd(await device(second.accessToken))];
    const short = await api(server.url, `/api/admin/users/${erin.user.id}/password`, {
      token: admin.accessToken,
      body: { newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    const res = await api(server.url, `/api/admin/users/${erin.user.id}/password`, {
      token: admin.accessToken,
      body: { newPassword: 'reset by the admin' },
    });
    expect(res.status).toBe(204);
    for (const end of await Promise.all(ends)) expect(end.reason).toBe('password_changed');
    expect((await api(server.url, '/api/me', { token: second.accessToken })).status).toBe(401);
    const signIn = await api(server.url, '/api/auth/login', {
      body: { username: erin.user.username, password: 'reset by the admin' },
    });
    expect(signIn.status).toBe(200);
    const unknown = await api(server.url, '/api/admin/users/nobody/password', {
      token: admin.accessToken,
      body: { newPassword: 'reset by the admin' },
    });
    expect(unknown.status).toBe(404);
  });

  it('makes and unmakes admins, never the last one', async () => {
    const frank = await registerUser(server.url);
    const role = (user: TestUser, id: string, body: unknown) =>
      api<{ role: string } & ErrorResponse>(server.url, `/api/admin/users/${id}/role`, {
        method: 'PUT',
        token: user.accessToken,
        body,
      });
    expect((await role(admin, frank.user.id, { role: 'boss' })).status).toBe(400);
    expect((await role(admin, 'nobody', { role: 'admin' })).status).toBe(404);
    // Frank's own devices hear of it (user:updated), so his app can ask GET /api/me again.
    const franksDevice = await device(frank.accessToken);
    const told = nextEvent(franksDevice, 'user:updated', ({ user }) => user.id === frank.user.id);
    const made = await role(admin, frank.user.id, { role: 'admin' });
    expect((await told).user).not.toHaveProperty('role');
    expect(made.status).toBe(200);
    expect(made.body.role).toBe('admin');
    expect((await api(server.url, '/api/admin/users', { token: frank.accessToken })).status).toBe(200);
    // Frank unmakes the original admin, then cannot unmake himself: he is the last one.
    expect((await role(frank, admin.user.id, { role: 'user' })).status).toBe(200);
    const last = await role(frank, frank.user.id, { role: 'user' });
    expect(last.status).toBe(403);
    expect((await role(frank, admin.user.id, { role: 'admin' })).status).toBe(200);
    const toldAgain = nextEvent(franksDevice, 'user:updated', ({ user }) => user.id === frank.user.id);
    expect((await role(admin, frank.user.id, { role: 'user' })).status).toBe(200);
    await toldAgain;
    expect((await api(server.url, '/api/admin/users', { token: frank.accessToken })).status).toBe(403);
  });
});

describe('USER_DIRECTORY=contacts', () => {
  it('finds people sharing a conversation, or an exact username, and nobody else', async () => {
    const gina = await registerUser(server.url, 'gina_dir');
    const hank = await registerUser(server.url, 'gina_friend');
    const ivan = await registerUser(server.url, 'gina_stranger');
    await createConversation(server.url, gina.accessToken, [hank.user.id]);
    const search = async (q: string) =>
      (
        await api<UserSearchResponse>(server.url, `/api/users?q=${q}`, { token: gina.accessToken })
      ).body.users.map((u) => u.username);
    expect(await search('gina_')).toEqual(['gina_friend']);
    expect(await search('')).toEqual(['gina_friend']);
    expect(await search('gina_stranger')).toEqual(['gina_stranger']);
    expect(await search('GINA_STRANGER')).toEqual(['gina_stranger']);
    expect(ivan.user.username).toBe('gina_stranger');
  });
});

describe('knowing who is a server admin, and pictures in a closed directory', () => {
  it('GET /api/me tells the caller their own server role, and User never carries it', async () => {
    const alice = await registerUser(server.url);
    const mine = await api<MeResponse>(server.url, '/api/me', { token: admin.accessToken });
    expect(mine.body.serverRole).toBe('admin');
    expect(mine.body.user).not.toHaveProperty('role');
    const theirs = await api<MeResponse>(server.url, '/api/me', { token: alice.accessToken });
    expect(theirs.body.serverRole).toBe('user');
  });

  it('with USER_DIRECTORY=contacts, a picture is 404 to someone sharing no conversation', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const stranger = await registerUser(server.url);
    await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
    const uploaded = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: form,
    });
    const { attachment } = (await uploaded.json()) as AttachmentResponse;
    const set = await api(server.url, '/api/me', {
      token: alice.accessToken,
      method: 'PATCH',
      body: { avatarId: attachment.id },
    });
    expect(set.status).toBe(200);
    const fetchAs = (user: TestUser) =>
      fetch(`${server.url}/api/users/${alice.user.id}/avatar`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
    expect((await fetchAs(alice)).status).toBe(200);
    expect((await fetchAs(bob)).status).toBe(200);
    expect((await fetchAs(stranger)).status).toBe(404);
  });
});
