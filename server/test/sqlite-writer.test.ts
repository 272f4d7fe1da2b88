/**
 * SQLite's writer thread (storage/sqlite-writer.ts): message writes commit in a thread of
 * their own, and an ack still means committed. Always on SQLite, whatever backend the other
 * suites use: the writer exists only there.
 *
 * - kill -9 right after an ack: the message is in the file;
 * - the thread dying before or after a batch's COMMIT: those writers are answered
 *   `unavailable`, nothing acknowledged is lost, a retry with the same clientId stores the
 *   message exactly once, and the next write starts a new thread;
 * - dying again and again: writes fail closed with a clear error, reads go on;
 * - shutdown drains: every write queued before close() is committed and answered.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AppError } from '../src/errors.js';
import { openRepository } from '../src/storage/database.js';
import { KyselyRepository } from '../src/storage/kysely-repository.js';
import type { InsertMessageInput, Repository } from '../src/storage/repository.js';
import { freePort, killAll, startServer } from './faults-support.js';
import {
  api,
  connectSocket,
  createConversation,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
} from './harness.js';

// The thread is what these tests are about; left to measure, a fast disk would choose none.
// (Child processes started below inherit it.)
process.env.PARLEY_SQLITE_WRITER = 'thread';

const dirs: string[] = [];
const newDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-writer-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  killAll();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A SQLite repository on `dir` with a user pair and a conversation; records writer errors. */
async function openWithConversation(dir: string) {
  const errors: { err: unknown; fatal: boolean }[] = [];
  const repo = await openRepository(
    { ...loadConfig({}, []), dataDir: dir, databaseUrl: undefined },
    { onWriterError: (err, fatal) => errors.push({ err, fatal }) },
  );
  const a = await repo.createUser({ username: `a${dirs.length}`, displayName: 'A', passwordHash: 'x' });
  const b = await repo.createUser({ username: `b${dirs.length}`, displayName: 'B', passwordHash: 'x' });
  const { conversationId } = await repo.createConversation({
    type: 'group',
    title: 'g',
    createdBy: a.id,
    memberIds: [a.id, b.id],
    now: new Date().toISOString(),
  });
  const input = (clientId: string): InsertMessageInput => ({
    conversationId,
    senderId: a.id,
    clientId,
    kind: 'text',
    body: `body of ${clientId}`,
    replyToId: null,
    call: null,
    now: new Date().toISOString(),
  });
  return { repo, writer: writerOf(repo), errors, conversationId, input };
}

function writerOf(repo: Repository) {
  expect(repo).toBeInstanceOf(KyselyRepository);
  const writer = (repo as KyselyRepository).sqliteWriter;
  if (!writer) throw new Error('no SQLite writer thread');
  return writer;
}

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'rejected' && result.reason instanceof AppError ? result.reason.code : result.status;

describe('SQLite writer thread', () => {
  let open: Repository | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  it('a crash before COMMIT stores nothing of the batch, answers it unavailable, and the retry stores it once', async () => {
    const { repo, writer, errors, conversationId, input } = await openWithConversation(await newDir());
    open = repo;
    const first = await repo.insertMessage(input('acked-1'));
    expect(first.message.seq).toBe(1);

    writer.crashNextBatch('before-commit');
    const lost = await Promise.allSettled([
      repo.insertMessage(input('in-crash-1')),
      repo.insertMessage(input('in-crash-2')),
    ]);
    expect(lost.map(codeOf)).toEqual(['unavailable', 'unavailable']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fatal).toBe(false);

    // The acknowledged message is there; nothing of the crashed batch is.
    const stored = await repo.listMessages(conversationId, { limit: 50 });
    expect(stored.map((m) => m.clientId)).toEqual(['acked-1']);

    // The next write starts a new thread; the retries take the next seqs, without a gap.
    const retried = await Promise.all([
      repo.insertMessage(input('in-crash-1')),
      repo.insertMessage(input('in-crash-2')),
    ]);
    expect(retried.map((r) => [r.message.seq, r.created])).toEqual([
      [2, true],
      [3, true],
    ]);
    // The change feed's versions are gap-free too: the crashed batch took none.
    const changes = await repo.listChanges(conversationId, 0, 50);
    const versions = changes!.messages.map((m) => m.version);
    expect(versions).toEqual([0, 1, 2].map((i) => first.message.version! + i));
    expect(changes!.version).toBe(versions.at(-1));
  });

  it('a crash after COMMIT answers unavailable; the retry gets the stored message, not a copy', async () => {
    const { repo, writer, conversationId, input } = await openWithConversation(await newDir());
    open = repo;
    writer.crashNextBatch('after-commit');
    const [crashed] = await Promise.allSettled([repo.insertMessage(input('committed-unanswered'))]);
    expect(codeOf(crashed!)).toBe('unavailable');

    const retry = await repo.insertMessage(input('committed-unanswered'));
    expect(retry.created).toBe(false);
    expect(retry.message.seq).toBe(1);
    const next = await repo.insertMessage(input('after'));
    expect(next.message.seq).toBe(2);
    expect((await repo.listMessages(conversationId, { limit: 50 })).map((m) => m.clientId)).toEqual([
      'committed-unanswered',
      'after',
    ]);
  });

  it('fails closed with a clear error after repeated crashes, and reads go on', async () => {
    const { repo, writer, errors, conversationId, input } = await openWithConversation(await newDir());
    open = repo;
    await repo.insertMessage(input('before'));
    for (let i = 0; i < 3; i++) {
      writer.crashNextBatch('before-commit');
      await expect(repo.insertMessage(input(`crash-${i}`))).rejects.toMatchObject({ code: 'unavailable' });
    }
    expect(errors.map((e) => e.fatal)).toEqual([false, false, true]);
    await expect(repo.insertMessage(input('refused'))).rejects.toThrow(/until it is restarted/);
    expect((await repo.listMessages(conversationId, { limit: 50 })).map((m) => m.clientId)).toEqual([
      'before',
    ]);
  });

  it('shutdown commits and answers every write queued before close()', async () => {
    const dir = await newDir();
    const { repo, conversationId, input } = await openWithConversation(dir);
    const sends = Array.from({ length: 300 }, (_, i) => repo.insertMessage(input(`queued-${i}`)));
    await repo.close();
    const results = await Promise.all(sends);
    expect(results.map((r) => r.message.seq)).toEqual(results.map((_, i) => i + 1));
    const file = new SqliteDatabase(join(dir, 'parley.db'), { readonly: true });
    try {
      const { n } = file
        .prepare('select count(*) as n from messages where conversation_id = ?')
        .get(conversationId) as { n: number };
      expect(n).toBe(300);
    } finally {
      file.close();
    }
  });

  it('answers a client unavailable when the thread dies under its message, and the resend is stored once', async () => {
    const dataDir = await newDir();
    const server = await startTestServer({ dataDir, databaseUrl: `sqlite:${join(dataDir, 'parley.db')}` });
    let socket: ClientSocket | undefined;
    try {
      const alice = await registerUser(server.url, 'writeralice');
      const bob = await registerUser(server.url, 'writerbob');
      const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
      socket = await connectSocket(server.url, alice.accessToken);
      writerOf(server.server.repository).crashNextBatch('after-commit');
      const ack = await sendMessage(socket, conversation.id, 'hello', 'resend-me');
      expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      const resent = await sendMessage(socket, conversation.id, 'hello', 'resend-me');
      expect(resent).toMatchObject({ ok: true, message: { seq: 1, clientId: 'resend-me' } });
      const history = await api<{ messages: unknown[] }>(
        server.url,
        `/api/conversations/${conversation.id}/messages`,
        { token: alice.accessToken },
      );
      expect(history.body.messages).toHaveLength(1);
    } finally {
      socket?.close();
      await server.close();
    }
  });

  // Starting the real bin under tsx takes a while on a loaded machine.
  it(
    'an acknowledged message survives kill -9 of the server right after its ack',
    { timeout: 120_000 },
    async () => {
      const dataDir = await newDir();
      const port = await freePort();
      const child = await startServer(dataDir, port);
      const url = `http://127.0.0.1:${port}`;
      const alice = await registerUser(url, 'killalice');
      const bob = await registerUser(url, 'killbob');
      const conversation = await createConversation(url, alice.accessToken, [bob.user.id]);
      const socket = await connectSocket(url, alice.accessToken);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const acks = await Promise.all(
        Array.from({ length: 20 }, (_, i) => sendMessage(socket, conversation.id, `m${i}`, `kill-${i}`)),
      );
      child.kill('SIGKILL');
      await exited;
      socket.close();
      expect(acks.every((a) => a.ok)).toBe(true);

      const file = new SqliteDatabase(join(dataDir, 'parley.db'));
      try {
        const rows = file
          .prepare('select client_id, seq from messages where conversation_id = ? order by seq')
          .all(conversation.id) as { client_id: string; seq: number }[];
        expect(rows).toEqual(acks.map((_, i) => ({ client_id: `kill-${i}`, seq: i + 1 })));
      } finally {
        file.close();
      }
    },
  );
});
