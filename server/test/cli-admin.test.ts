/**
 * `parley-server admin ...` run as its own process (src/bin.ts under tsx) on a real data
 * directory: before any server started, next to a running one, and on what it leaves.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, MessagesResponse } from '@parley/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../src/cli/admin.js';
import {
  api,
  connectSocket,
  createConversation,
  registerUser,
  sendMessage,
  startTestServer,
  type TestServer,
} from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
let dataDir: string;
let server: TestServer | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the CLI on the data directory; resolves with its exit status and output. */
function admin(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return adminIn(dataDir, ...args);
}

/** Runs the CLI as its own process on the given data directory. */
function adminIn(dir: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts', 'admin', ...args], {
    cwd: serverDir,
    // SQLite in the directory even where the suites run on PostgreSQL: this is the data-dir test.
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', SCRYPT_LOG_N: '10', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** The same CLI in this process (runAdminCli, what bin.ts dispatches to), for the quick cases. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAdminCli(
    args,
    { DATA_DIR: dataDir, SCRYPT_LOG_N: '10' },
    { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n') },
  );
  return { code, out, err };
}

const login = (username: string, password: string) =>
  api<AuthResponse>(server!.url, '/api/auth/login', { body: { username, password } });

// Each spawn loads the TypeScript source anew, which takes seconds on a busy machine.
describe('parley-server admin', { timeout: 180_000 }, () => {
  it('works on a data directory no server has used yet', async () => {
    const invite = await admin('invite', '--max-uses', '1');
    expect(invite.code, invite.err).toBe(0);
    const code = /invite code: (\S+)/.exec(invite.out)?.[1];
    expect(code).toBeTruthy();

    const root = await admin('create-user', 'root', '--password', 'root password', '--display-name', 'Root');
    expect(root.code, root.err).toBe(0);
    expect(root.out).toMatch(/created root \(admin\)/);
    const bob = await admin('create-user', 'bob');
    expect(bob.code, bob.err).toBe(0);
    expect(bob.out).toMatch(/created bob \(user\)/);
    const bobPassword = /password: (\S+)/.exec(bob.out)?.[1];
    expect(bobPassword).toBeTruthy();

    const list = await admin('list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^bob\tuser\tactive/m);
    expect(list.out).toMatch(/^root\tadmin\tactive/m);

    // A server on that directory, invite-only: the CLI's invite and accounts work there.
    server = await startTestServer({
      dataDir,
      databaseUrl: `sqlite:${join(dataDir, 'parley.db')}`,
      registration: 'invite',
    });
    expect((await login('bob', bobPassword!)).status).toBe(200);
    expect((await login('root', 'root password')).status).toBe(200);
    const joined = await api(server.url, '/api/auth/register', {
      body: { username: 'carol', password: 'carol password', inviteCode: code },
    });
    expect(joined.status).toBe(201);
  });

  it('resets a password, promotes and deactivates next to a running server', async () => {
    const bobSession = await login('bob', 'bob password 2');
    expect(bobSession.status).toBe(401);
    const before = await cli('reset-password', 'bob', '--password', 'bob password 2');
    expect(before.code, before.err).toBe(0);
    const session = await login('bob', 'bob password 2');
    expect(session.status).toBe(200);

    const reset = await admin('reset-password', 'bob', '--password', 'bob password 3');
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(/1 session\(s\) signed out/);
    // The signed-out session's token stops working at once; the new password works.
    expect((await api(server!.url, '/api/me', { token: session.body.accessToken })).status).toBe(401);
    expect((await login('bob', 'bob password 2')).status).toBe(401);
    const bobNow = await login('bob', 'bob password 3');
    expect(bobNow.status).toBe(200);

    expect((await admin('promote', 'bob')).code).toBe(0);
    expect((await api(server!.url, '/api/admin/users', { token: bobNow.body.accessToken })).status).toBe(200);
    expect((await cli('promote', 'bob', '--demote')).code).toBe(0);
    expect((await api(server!.url, '/api/admin/users', { token: bobNow.body.accessToken })).status).toBe(403);

    const gone = await admin('deactivate', 'bob');
    expect(gone.code, gone.err).toBe(0);
    expect((await login('bob', 'bob password 3')).status).toBe(401);
    expect((await cli('list', 'bob')).out).toMatch(/^bob\tuser\tdeactivated/m);
  });

  it('refuses bad usage (2) and impossible requests (1), changing nothing', async () => {
    const usage = await cli('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/unknown command/);
    expect((await cli()).code).toBe(2);
    expect((await cli('create-user', 'x')).code).toBe(2);
    expect((await cli('create-user', 'dave', '--password', 'short')).code).toBe(2);
    expect((await cli('invite', '--max-uses', '0')).code).toBe(2);
    expect((await cli('create-user', 'root', '--password', 'another password')).code).toBe(1);
    const nobody = await cli('reset-password', 'nobody', '--password', 'whatever123');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toMatch(/No user named nobody/);
    // root is the only admin left: the server must keep one.
    expect((await cli('promote', 'root', '--demote')).code).toBe(1);
    expect((await cli('list', '--port', 'not-a-port')).code).toBe(2);
    expect((await cli('list')).out).not.toMatch(/^dave/m);
    expect((await login('root', 'root password')).status).toBe(200);
  });

  it('works on the data directory of a server that ran and was stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-cli-stopped-'));
    // SQLite in that directory, on whatever backend the suites run: the CLI reads the same file.
    const onDir = () => startTestServer({ dataDir: dir, databaseUrl: `sqlite:${join(dir, 'parley.db')}` });
    let running: TestServer | undefined;
    try {
      running = await onDir();
      await registerUser(running.url, 'stopped_root');
      const dave = await registerUser(running.url, 'stopped_dave');
      const erin = await registerUser(running.url, 'stopped_erin');
      const chat = await createConversation(running.url, dave.accessToken, [erin.user.id]);
      const socket = await connectSocket(running.url, dave.accessToken);
      expect((await sendMessage(socket, chat.id, 'before the stop')).ok).toBe(true);
      socket.close();
      await running.close({ keepData: true });
      running = undefined;

      const reset = await adminIn(dir, 'reset-password', 'stopped_dave', '--password', 'set while stopped');
      expect(reset.code, reset.err).toBe(0);
      expect(reset.out).toMatch(/password of stopped_dave reset; 1 session\(s\) signed out/);
      const list = await adminIn(dir, 'list');
      expect(list.code, list.err).toBe(0);
      expect(list.out).toMatch(/^stopped_root\tadmin\tactive\t/m);
      expect(list.out).toMatch(/^stopped_dave\tuser\tactive\t/m);
      expect(list.out).toMatch(/^stopped_erin\tuser\tactive\t/m);

      running = await onDir();
      const signIn = (password: string) =>
        api<AuthResponse>(running!.url, '/api/auth/login', { body: { username: 'stopped_dave', password } });
      expect((await signIn(dave.password)).status).toBe(401);
      // The session from before the stop was signed out too.
      expect((await api(running.url, '/api/me', { token: dave.accessToken })).status).toBe(401);
      const now = await signIn('set while stopped');
      expect(now.status).toBe(200);
      expect(now.body.user.id).toBe(dave.user.id);
      // Same data: the message sent before the stop is there, and Erin's session still works.
      const history = await api<MessagesResponse>(running.url, `/api/conversations/${chat.id}/messages`, {
        token: now.body.accessToken,
      });
      expect(history.body.messages.map((m) => m.body)).toEqual(['before the stop']);
      expect((await api(running.url, '/api/me', { token: erin.accessToken })).status).toBe(200);
    } finally {
      await running?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.env.PARLEY_TEST_DATABASE_URL?.startsWith('postgres'))(
    'works on PostgreSQL through DATABASE_URL and DATABASE_SCHEMA',
    async () => {
      const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL!;
      const schema = `parley_cli_${randomBytes(6).toString('hex')}`;
      const env = { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, SCRYPT_LOG_N: '10' };
      const run = async (...args: string[]) => {
        let out = '';
        const code = await runAdminCli(args, env, { out: (l) => (out += l + '\n'), err: () => undefined });
        return { code, out };
      };
      try {
        expect((await run('create-user', 'pgroot', '--password', 'pg root password')).out).toMatch(
          /created pgroot \(admin\)/,
        );
        expect((await run('deactivate', 'pgroot')).code).toBe(0);
        expect((await run('list')).out).toMatch(/^pgroot\tadmin\tdeactivated/m);
      } finally {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  );
});
