/**
 * The real `parley-server` bin as a child process, killed with SIGKILL while messages are in
 * flight and restarted on the same data directory: every acknowledged message must still be
 * there, and resending the unacknowledged ones with the same clientIds must not duplicate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message, MessagesResponse } from '@parley/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { api, connectSocket, createConversation, registerUser, type ClientSocket } from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
let dataDir: string | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts `src/bin.ts` under tsx and resolves with its URL, read from the startup line. */
function startChild(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: serverDir,
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', SCRYPT_LOG_N: '10', MESSAGE_RATE: '100000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s,]+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${err}${out}`)));
  });
}

/**
 * Eight senders in parallel on one socket, each sending one message after another, until
 * `stopAfter` messages are acknowledged: then `stop()` (a signal to the server) and keep
 * going until the connection drops. Returns what was acknowledged and everything attempted.
 */
async function sendUntilStopped(
  socket: ClientSocket,
  conversationId: string,
  stopAfter: number,
  stop: () => void,
  prefix: string,
): Promise<{ acked: Map<string, Message>; attempted: string[]; refused: number }> {
  const acked = new Map<string, Message>();
  const attempted: string[] = [];
  let refused = 0;
  let stopped = false;
  const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
  const lane = async (n: number) => {
    for (let i = 0; ; i++) {
      const clientId = `${prefix}-lane${n}-${i}`;
      attempted.push(clientId);
      const ack = await Promise.race([
        // socket.io-client rejects pending acks when the connection drops: that is "not acknowledged".
        socket
          .emitWithAck('message:send', { conversationId, clientId, body: `message ${clientId}` })
          .catch(() => undefined),
        gone.then(() => undefined),
      ]);
      if (!ack) return;
      if (!ack.ok) {
        // Only a shutting-down server may refuse, and only with `unavailable`.
        expect(ack.error.code).toBe('unavailable');
        refused++;
        await gone;
        return;
      }
      acked.set(clientId, ack.message);
      if (acked.size >= stopAfter && !stopped) {
        stopped = true;
        stop();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, n) => lane(n)));
  socket.close();
  return { acked, attempted, refused };
}

/** Every message of a conversation, page by page (the client's catch-up). */
async function fullHistory(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.length ? all[all.length - 1]!.seq : 0;
    const res = await api<MessagesResponse>(
      url,
      `/api/conversations/${conversationId}/messages?afterSeq=${after}&limit=200`,
      { token },
    );
    expect(res.status).toBe(200);
    if (res.body.messages.length === 0) return all;
    all.push(...res.body.messages);
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('the server as a child process, stopped mid-stream', () => {
  it(
    'SIGKILL: keeps every acknowledged message; resending the rest duplicates nothing',
    { timeout: 60_000 },
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'parley-crash-'));
      const first = await startChild(dataDir);
      const alice = await registerUser(first.url);
      const bob = await registerUser(first.url);
      const conversation = await createConversation(first.url, alice.accessToken, [bob.user.id]);
      const socket = await connectSocket(first.url, alice.accessToken);
      const { acked, attempted } = await sendUntilStopped(
        socket,
        conversation.id,
        150,
        () => first.child.kill('SIGKILL'),
        'kill',
      );
      expect(acked.size).toBeGreaterThanOrEqual(150);
      await exited(first.child);

      // Same data directory, so the same JWT secret: the old access token still works.
      const second = await startChild(dataDir);
      const stored = new Map(
        (await fullHistory(second.url, bob.accessToken, conversation.id)).map((m) => [m.clientId, m]),
      );
      for (const [clientId, message] of acked) expect(stored.get(clientId)).toEqual(message);

      // The client's outbox: resend everything not acknowledged (and, harmlessly, a few that were).
      const again = await connectSocket(second.url, alice.accessToken);
      const resend = [...attempted.filter((id) => !acked.has(id)), ...[...acked.keys()].slice(0, 5)];
      for (const clientId of resend) {
        const ack = await again.emitWithAck('message:send', {
          conversationId: conversation.id,
          clientId,
          body: `message ${clientId}`,
        });
        expect(ack.ok).toBe(true);
        if (ack.ok && acked.has(clientId)) expect(ack.message).toEqual(acked.get(clientId));
      }
      again.close();

      const final = await fullHistory(second.url, bob.accessToken, conversation.id);
      expect(final.map((m) => m.seq)).toEqual(final.map((_, i) => i + 1));
      expect(final.map((m) => m.clientId).sort()).toEqual([...attempted].sort());

      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    },
  );

  it(
    'SIGTERM: finishes in-flight writes, exits 0, and loses nothing acknowledged',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'parley-term-'));
      try {
        const first = await startChild(dir);
        const alice = await registerUser(first.url);
        const bob = await registerUser(first.url);
        const conversation = await createConversation(first.url, alice.accessToken, [bob.user.id]);
        const socket = await connectSocket(first.url, alice.accessToken);
        const { acked, attempted } = await sendUntilStopped(
          socket,
          conversation.id,
          100,
          () => first.child.kill('SIGTERM'),
          'term',
        );
        expect(await exited(first.child)).toBe(0);

        const second = await startChild(dir);
        const stored = await fullHistory(second.url, bob.accessToken, conversation.id);
        const byClientId = new Map(stored.map((m) => [m.clientId, m]));
        for (const [clientId, message] of acked) expect(byClientId.get(clientId)).toEqual(message);
        // Nothing stored that was not attempted, no gaps, no repeats.
        expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
        for (const m of stored) expect(attempted).toContain(m.clientId);
        second.child.kill('SIGTERM');
        expect(await exited(second.child)).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
