/**
 * The audit log (issue 11): sign-ins (both outcomes), registration, password changes, session
 * revocations, deactivations and admin actions are stored, readable by server admins only
 * through GET /api/admin/audit (paged with `before`) and by `parley-server admin audit`.
 * Runs on SQLite, and on PostgreSQL when PARLEY_TEST_DATABASE_URL is set.
 */
import type { AuditEntry, AuditResponse, ErrorResponse, SessionsResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../src/cli/admin.js';
import { api, loginUser, registerUser, startTestServer, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let admin: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  admin = await registerUser(server.url, 'audit_root');
});
afterAll(async () => {
  await server.close();
});

async function auditLog(query = ''): Promise<AuditResponse> {
  const res = await api<AuditResponse>(server.url, `/api/admin/audit${query}`, { token: admin.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The newest entry with this action about this user. */
async function latest(action: AuditEntry['action'], targetId: string | null): Promise<AuditEntry> {
  const { entries } = await auditLog('?limit=200');
  const entry = entries.find((e) => e.action === action && e.targetId === targetId);
  if (!entry)
    throw new Error(`no ${action} for ${targetId} in ${JSON.stringify(entries.map((e) => e.action))}`);
  return entry;
}

/** The CLI on the same database (SQLite data dir, or the server's PostgreSQL schema). */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const { dataDir, databaseUrl, databaseSchema } = server.config;
  const code = await runAdminCli(
    args,
    {
      DATA_DIR: dataDir,
      SCRYPT_LOG_N: '10',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(databaseSchema ? { DATABASE_SCHEMA: databaseSchema } : {}),
    },
    { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n') },
  );
  return { code, out, err };
}

describe('audit log', () => {
  it('records sign-ups, sign-ins (and failures), password changes and revoked sessions', async () => {
    const bob = await registerUser(server.url);
    const registered = await latest('auth.registered', bob.user.id);
    expect(registered).toMatchObject({ actorId: bob.user.id, details: { username: bob.user.username } });
    expect(registered.ip).toBe('127.0.0.1');

    const wrong = await api(server.url, '/api/auth/login', {
      body: { username: bob.user.username, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(await latest('auth.login_failed', bob.user.id)).toMatchObject({
      actorId: null,
      details: { username: bob.user.username, reason: 'wrong_password' },
    });
    await api(server.url, '/api/auth/login', { body: { username: 'nobody_here', password: 'whatever1' } });
    expect(await latest('auth.login_failed', null)).toMatchObject({
      details: { username: 'nobody_here', reason: 'unknown_user' },
    });

    const second = await loginUser(server.url, bob);
    const login = await latest('auth.login', bob.user.id);
    expect(login.actorId).toBe(bob.user.id);
    expect(typeof login.details.sessionId).toBe('string');

    const sessions = await api<SessionsResponse>(server.url, '/api/me/sessions', { token: bob.accessToken });
    const other = sessions.body.sessions.find((s) => !s.current)!;
    const revoke = await api(server.url, `/api/me/sessions/${other.id}`, {
      method: 'DELETE',
      token: bob.accessToken,
    });
    expect(revoke.status).toBe(204);
    expect(await latest('account.session_revoked', bob.user.id)).toMatchObject({
      actorId: bob.user.id,
      details: { sessionId: other.id },
    });
    expect(second.refreshToken).toBeTruthy();

    const changed = await api(server.url, '/api/me/password', {
      token: bob.accessToken,
      body: { currentPassword: bob.password, newPassword: 'a new password' },
    });
    expect(changed.status).toBe(204);
    expect(await latest('account.password_changed', bob.user.id)).toMatchObject({ actorId: bob.user.id });

    const deleted = await api(server.url, '/api/me', {
      method: 'DELETE',
      token: bob.accessToken,
      body: { password: 'a new password' },
    });
    expect(deleted.status).toBe(204);
    expect(await latest('account.deactivated', bob.user.id)).toMatchObject({ actorId: bob.user.id });
    // A sign-in to the deactivated account is a failure, and says why in the log only.
    await api(server.url, '/api/auth/login', {
      body: { username: bob.user.username, password: 'a new password' },
    });
    expect((await latest('auth.login_failed', bob.user.id)).details.reason).toBe('deactivated');
  });

  it('records admin actions and invites, with the admin as actor', async () => {
    const carol = await registerUser(server.url);
    const token = admin.accessToken;
    expect(
      (
        await api(server.url, `/api/admin/users/${carol.user.id}/role`, {
          method: 'PUT',
          token,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
    expect(await latest('admin.role_changed', carol.user.id)).toMatchObject({
      actorId: admin.user.id,
      details: { role: 'admin' },
    });
    await api(server.url, `/api/admin/users/${carol.user.id}/role`, {
      method: 'PUT',
      token,
      body: { role: 'user' },
    });
    expect(
      (
        await api(server.url, `/api/admin/users/${carol.user.id}/password`, {
          token,
          body: { newPassword: 'reset by admin' },
        })
      ).status,
    ).toBe(204);
    expect(await latest('admin.password_reset', carol.user.id)).toMatchObject({ actorId: admin.user.id });
    const invite = await api<{ invite: { code: string } }>(server.url, '/api/invites', {
      token,
      body: { maxUses: 2 },
    });
    expect(invite.status).toBe(201);
    const created = await latest('invite.created', null);
    expect(created).toMatchObject({
      actorId: admin.user.id,
      details: { code: invite.body.invite.code, maxUses: 2 },
    });
    await api(server.url, `/api/invites/${invite.body.invite.code}`, { method: 'DELETE', token });
    expect((await latest('invite.deleted', null)).details.code).toBe(invite.body.invite.code);
    expect(
      (await api(server.url, `/api/admin/users/${carol.user.id}/deactivate`, { token, body: {} })).status,
    ).toBe(204);
    expect(await latest('admin.deactivated', carol.user.id)).toMatchObject({ actorId: admin.user.id });
  });

  it('is for server admins only, pages newest first, and refuses bad queries', async () => {
    const dave = await registerUser(server.url);
    const refused = await api<ErrorResponse>(server.url, '/api/admin/audit', { token: dave.accessToken });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await api(server.url, '/api/admin/audit')).status).toBe(401);

    const all = await auditLog('?limit=200');
    const ids = all.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const first = await auditLog('?limit=3');
    expect(first.entries.map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect(first.more).toBe(true);
    const next = await auditLog(`?limit=3&before=${first.entries[2]!.id}`);
    expect(next.entries.map((e) => e.id)).toEqual(ids.slice(3, 6));
    const oldest = await auditLog(`?before=${ids[ids.length - 1]}`);
    expect(oldest).toEqual({ entries: [], more: false });

    for (const bad of ['?limit=0', '?limit=x', '?before=-1', '?before=abc']) {
      const res = await api<ErrorResponse>(server.url, `/api/admin/audit${bad}`, {
        token: admin.accessToken,
      });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('is readable with parley-server admin audit, which records its own changes', async () => {
    const made = await cli('create-user', 'audit_cli_user', '--password', 'cli password');
    expect(made.code, made.err).toBe(0);
    const out = await cli('audit', '--limit', '5');
    expect(out.code, out.err).toBe(0);
    const lines = out.out.trim().split('\n');
    const [id, at, action, actor, , ip, details] = lines[0]!.split('\t');
    expect(Number(id)).toBeGreaterThan(0);
    expect(Date.parse(at!)).not.toBeNaN();
    expect(action).toBe('admin.user_created');
    expect(actor).toBe('-');
    expect(ip).toBe('-');
    expect(JSON.parse(details!)).toMatchObject({ via: 'cli', username: 'audit_cli_user' });
    expect(lines.at(-1)).toMatch(/^older entries: --before \d+$/);
    // The server reads the same log.
    expect((await auditLog('?limit=1')).entries[0]).toMatchObject({ action: 'admin.user_created', ip: null });

    // As docs/self-hosting.md has it: a page, then the one before it.
    const page = await cli('audit', '--limit', '20');
    const before = Number(page.out.trim().split('\n').at(-2)!.split('\t')[0]);
    const older = await cli('audit', '--limit', '20', '--before', String(before));
    expect(older.code, older.err).toBe(0);
    expect(Number(older.out.split('\t')[0])).toBeLessThan(before);

    // new-epoch (after a restore by hand, or pg_restore) changes the data's epoch and says so.
    const epochBefore = await server.server.repository.getEpoch();
    const renewed = await cli('new-epoch');
    expect(renewed.code, renewed.err).toBe(0);
    const epoch = /new epoch (\S+);/.exec(renewed.out)?.[1];
    expect(epoch).toBe(await server.server.repository.getEpoch());
    expect(epoch).not.toBe(epochBefore);
    expect((await auditLog('?limit=1')).entries[0]).toMatchObject({
      action: 'server.new_epoch',
      details: { via: 'cli', epoch },
    });

    const bad = await cli('audit', '--limit', 'many');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--limit/);
  });
});
