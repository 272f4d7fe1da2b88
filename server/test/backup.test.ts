/**
 * Backups as docs/self-hosting.md tells operators to make them: its shell blocks under
 * "Backups" are run here as written (only the backup folder, the data directories and the
 * service commands are replaced). SQLite: `parley-server backup` next to a running server,
 * rsync of the attachments, `parley-server restore` into a new directory, and a server on it
 * (old tokens still valid, files there, a new epoch). PostgreSQL (when
 * PARLEY_TEST_DATABASE_URL is postgres://): pg_dump, pg_restore and `admin new-epoch`.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttachmentResponse, AuditResponse, Message, ServerInfo } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const docs = await readFile(new URL('../../docs/self-hosting.md', import.meta.url), 'utf8');

/** The ```sh blocks of the "Backups" section, in order. */
function backupBlocks(): string[] {
  const section = docs.slice(docs.indexOf('## Backups'), docs.indexOf('## Upgrades'));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-backup-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * Runs a documented block in bash: `parley-server` is src/bin.ts under tsx, the backup folder
 * is the test's, and `systemctl` lines are left to the test (it stops and starts servers itself).
 */
function runBlock(
  block: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const script = [
    'set -e',
    `parley-server() { node --import tsx ${JSON.stringify(join(serverDir, 'src/bin.ts'))} "$@"; }`,
    block
      .replaceAll('/var/backups/parley', join(work, 'backups'))
      .replace(/^export DATA_DIR=.*$/m, '')
      .replace(/^systemctl .*$/gm, ''),
  ].join('\n');
  const child = spawn('bash', ['-c', script], {
    cwd: serverDir,
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      SCRYPT_LOG_N: '10',
      JWT_SECRET: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

const epochOf = async (url: string) => (await api<ServerInfo>(url, '/api/server')).body.epoch;

async function history(url: string, user: TestUser, conversationId: string): Promise<Message[]> {
  const res = await api<{ messages: Message[] }>(
    url,
    `/api/conversations/${conversationId}/messages?limit=100`,
    {
      token: user.accessToken,
    },
  );
  expect(res.status).toBe(200);
  return res.body.messages;
}

/** A server on SQLite in `dataDir` whatever the suites use, its JWT secret in DATA_DIR/jwt-secret. */
const sqliteServer = (dataDir: string) =>
  startTestServer({ dataDir, databaseUrl: `sqlite:${join(dataDir, 'parley.db')}`, jwtSecret: undefined });

describe('SQLite: parley-server backup and restore', { timeout: 180_000 }, () => {
  it('backs up a running server, restores into a new directory, and the restored server carries on', async () => {
    const [backupBlock, restoreBlock] = backupBlocks();
    const dirA = join(work, 'a');
    const dirB = join(work, 'b');
    const a = await sqliteServer(dirA);
    const alice = await registerUser(a.url);
    const bob = await registerUser(a.url);
    const { id: conversationId } = await createConversation(a.url, alice.accessToken, [bob.user.id]);
    const form = new FormData();
    const bytes = new TextEncoder().encode('the minutes of the meeting\n'.repeat(50));
    form.append('file', new Blob([bytes], { type: 'text/plain' }), 'minutes.txt');
    const up = await fetch(`${a.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as AttachmentResponse;
    const socket = await connectSocket(a.url, alice.accessToken);
    const send = (body: string, attachmentIds?: string[]) =>
      socket.emitWithAck('message:send', {
        conversationId,
        clientId: crypto.randomUUID(),
        body,
        ...(attachmentIds ? { attachmentIds } : {}),
      });
    expect((await send('the minutes', [attachment.id])).ok).toBe(true);
    const epochA = await epochOf(a.url);

    const made = await runBlock(backupBlock!, { DATA_DIR: dirA });
    expect(made.code, made.err).toBe(0);
    const file = join(work, 'backups', 'parley.db');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(work, 'backups', 'attachments'))).not.toHaveLength(0);
    expect((await send('after the backup')).ok).toBe(true);

    // Not while a server has the database open: nothing is touched.
    const refused = await runBlock(`parley-server restore ${file}`, { DATA_DIR: dirA });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/in use: stop the server/);
    expect((await history(a.url, alice, conversationId)).map((m) => m.body)).toEqual([
      'the minutes',
      'after the backup',
    ]);
    socket.close();
    await a.close({ keepData: true });

    const restored = await runBlock(restoreBlock!, { DATA_DIR: dirB });
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toMatch(/new epoch/);
    expect((await stat(join(dirB, 'jwt-secret'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dirB, 'jwt-secret'), 'utf8')).toBe(
      await readFile(join(dirA, 'jwt-secret'), 'utf8'),
    );

    const b = await sqliteServer(dirB);
    try {
      // Alice's token from before still works: the secret came with the backup.
      const messages = await history(b.url, alice, conversationId);
      expect(messages.map((m) => m.body)).toEqual(['the minutes']);
      const file = await fetch(`${b.url}/api/attachments/${attachment.id}`, {
        headers: { authorization: `Bearer ${alice.accessToken}` },
      });
      expect(file.status).toBe(200);
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
      const epochB = await epochOf(b.url);
      expect(epochB).toEqual(expect.any(String));
      expect(epochB).not.toBe(epochA);
      const audit = await api<AuditResponse>(b.url, '/api/admin/audit?limit=5', { token: alice.accessToken });
      expect(audit.body.entries[0]).toMatchObject({
        action: 'server.new_epoch',
        details: { via: 'restore' },
      });
    } finally {
      await b.close();
    }

    // Over an existing (stopped) directory: what was there is kept beside it.
    const over = await runBlock(`parley-server restore ${file}`, { DATA_DIR: dirA });
    expect(over.code, over.err).toBe(0);
    const kept = (await readdir(dirA)).filter((f) => f.includes('.before-restore-'));
    expect(kept.some((f) => f.startsWith('parley.db.before-restore-'))).toBe(true);
    expect(kept.some((f) => f.startsWith('jwt-secret.before-restore-'))).toBe(true);
  });

  it('refuses what is not a backup, PostgreSQL settings, and a missing database', async () => {
    const junk = join(work, 'junk.db');
    await writeFile(junk, 'not a database at all');
    const dir = join(work, 'empty');
    await mkdir(dir, { recursive: true });
    const notBackup = await runBlock(`parley-server restore ${junk}`, { DATA_DIR: dir });
    expect(notBackup.code).toBe(1);
    expect(notBackup.err).toMatch(/not a Parley backup/);
    expect(await readdir(dir)).toEqual([]);
    const pg = await runBlock(`parley-server backup ${join(work, 'x.db')}`, {
      DATA_DIR: dir,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(pg.code).toBe(1);
    expect(pg.err).toMatch(/pg_dump/);
    const none = await runBlock(`parley-server backup ${join(work, 'y.db')}`, { DATA_DIR: dir });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no database/);
    const usage = await runBlock('parley-server backup', { DATA_DIR: dir });
    expect(usage.code).toBe(2);
  });
});

const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
describe.skipIf(!pgUrl?.startsWith('postgres'))(
  'PostgreSQL: pg_dump, pg_restore, admin new-epoch',
  { timeout: 180_000 },
  () => {
    it('restores the dump and gives the data a new epoch', async () => {
      const [, , dumpBlock, restoreBlock] = backupBlocks();
      const dataDir = join(work, 'pg');
      const first = await startTestServer({ dataDir });
      const schema = first.config.databaseSchema!;
      const env = { DATABASE_URL: pgUrl!, DATABASE_SCHEMA: schema, DATA_DIR: dataDir };
      let server: TestServer | undefined = first;
      try {
        const alice = await registerUser(first.url);
        const bob = await registerUser(first.url);
        const { id: conversationId } = await createConversation(first.url, alice.accessToken, [bob.user.id]);
        const socket = await connectSocket(first.url, alice.accessToken);
        const send = (body: string) =>
          socket.emitWithAck('message:send', { conversationId, clientId: crypto.randomUUID(), body });
        expect((await send('in the dump')).ok).toBe(true);
        const epoch1 = await epochOf(first.url);

        await mkdir(join(work, 'backups'), { recursive: true });
        // The documented command, with the schema this deployment uses.
        const dumped = await runBlock(
          dumpBlock!.replace('pg_dump ', 'pg_dump --schema="$DATABASE_SCHEMA" '),
          env,
        );
        expect(dumped.code, dumped.err).toBe(0);
        expect((await send('after the dump')).ok).toBe(true);
        socket.close();
        await first.close({ keepData: true });
        server = undefined;

        const restored = await runBlock(restoreBlock!, env);
        expect(restored.code, restored.err).toBe(0);
        expect(restored.out).toMatch(/new epoch/);

        server = await startTestServer({ dataDir, databaseSchema: schema });
        expect((await history(server.url, alice, conversationId)).map((m) => m.body)).toEqual([
          'in the dump',
        ]);
        const epoch2 = await epochOf(server.url);
        expect(epoch2).toEqual(expect.any(String));
        expect(epoch2).not.toBe(epoch1);
      } finally {
        await server?.close();
      }
    });
  },
);
