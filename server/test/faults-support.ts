/**
 * Helpers for the fault suites (faults.test.ts, redis-restart.test.ts): real `parley-server`
 * processes (src/bin.ts under tsx) and a private redis-server, both on fixed ports so they can
 * be killed and started again; clients that send as the client core's outbox does; and the
 * checks every fault scenario ends with (history = acknowledged messages, every client back,
 * every client's view = the history).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Ack, Message, MessagesResponse } from '@parley/shared';
import { io as ioClient } from 'socket.io-client';
import { expect } from 'vitest';
import { api, type ClientSocket } from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();

/** For afterAll: kill -9 every server and redis-server this file started that still runs. */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The server process on `port` and `dataDir` (SQLite unless `env` names a database and Redis);
 * resolves once it listens.
 */
export function startServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: serverDir,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
        SCRYPT_LOG_N: '10',
        MESSAGE_RATE: '100000',
        LOGIN_RATE: '100000',
        REGISTRATION_RATE: '100000',
        JWT_SECRET: 'faults-secret-faults-secret-faults-secret-0123',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/listening on/.test(out)) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

/** A redis-server of the test's own, without persistence; resolves once it accepts connections. */
export function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
}

export function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A client as apps connect: socket.io-client's default reconnection (with its jitter). */
export function client(url: string, token: string): ClientSocket {
  return ioClient(url, { auth: { token }, transports: ['websocket'], forceNew: true }) as ClientSocket;
}

/** The whole history of a conversation, page by page. */
export async function history(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const res = await api<MessagesResponse>(
      url,
      `/api/conversations/${conversationId}/messages?afterSeq=${after}&limit=200`,
      { token },
    );
    expect(res.status).toBe(200);
    all.push(...res.body.messages);
    if (res.body.messages.length < 200) return all;
  }
}

/**
 * Every socket sends to the conversation without pause, each message retried with the same
 * clientId until acknowledged (as an outbox does). `finish()` stops after each one's current
 * message and returns every acknowledged message by clientId.
 */
export function sendContinuously(sockets: ClientSocket[], conversationId: string) {
  const acked = new Map<string, Message>();
  let running = true;
  const sender = async (socket: ClientSocket, name: string) => {
    for (let i = 0; running; i++) {
      const clientId = `${name}-${i}`;
      for (;;) {
        if (!socket.connected) {
          await sleep(50);
          continue;
        }
        let ack: Ack<{ message: Message }> | undefined;
        try {
          ack = await socket.timeout(5000).emitWithAck('message:send', {
            conversationId,
            clientId,
            body: `message ${clientId}`,
          });
        } catch {
          ack = undefined; // timed out or the connection dropped: try again
        }
        if (ack?.ok) {
          expect(ack.message.clientId).toBe(clientId);
          acked.set(clientId, ack.message);
          break;
        }
        if (ack && !ack.ok) expect(ack.error.code).toBe('unavailable');
        await sleep(50);
      }
    }
  };
  const senders = sockets.map((s, i) => sender(s, `c${i}`));
  return {
    get running() {
      return running;
    },
    async finish() {
      running = false;
      await Promise.all(senders);
      return acked;
    },
  };
}

/** The history is exactly the acknowledged messages: none lost, none twice, seqs 1..n. */
export function expectHistoryIsAcked(stored: Message[], acked: Map<string, Message>): void {
  const seqs = stored.map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
  const ids = stored.map((m) => m.clientId);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...acked.keys()].sort());
  for (const [clientId, message] of acked) expect(stored[message.seq - 1]?.clientId).toBe(clientId);
}

/** Every socket connected again within `ms`. */
export async function expectAllBack(sockets: ClientSocket[], ms = 10_000): Promise<void> {
  await Promise.all(
    sockets.map(async (s) => {
      for (let i = 0; i < ms / 50 && !s.connected; i++) await sleep(50);
      expect(s.connected).toBe(true);
    }),
  );
}

/**
 * What each client sees of the conversation live (`message:new`), by seq. Attach before the
 * run; `expectViewsMatch` then fills each view's gaps from the history, as the client core
 * does after a reconnect, and checks the result is the history.
 */
export function watchViews(sockets: ClientSocket[], conversationId: string) {
  const views = sockets.map(() => new Map<number, Message>());
  const conflicts: string[] = [];
  // Live events below the highest seq already seen (across nodes they may cross; the client
  // core holds them briefly before fetching a gap): counted, not an error.
  let outOfOrder = 0;
  sockets.forEach((socket, i) => {
    let highest = 0;
    socket.on('message:new', ({ message }) => {
      if (message.conversationId !== conversationId) return;
      const seen = views[i]!.get(message.seq);
      if (seen && seen.id !== message.id) conflicts.push(`client ${i}: seq ${message.seq} twice`);
      if (message.seq < highest) outOfOrder++;
      highest = Math.max(highest, message.seq);
      views[i]!.set(message.seq, message);
    });
  });
  return {
    views,
    conflicts,
    get outOfOrder() {
      return outOfOrder;
    },
  };
}

/**
 * Every live event equals the stored message at its seq (none that the history lacks, none
 * different), and each view, with its gaps filled from the history, is the history.
 * Returns how many messages were delivered live, how many came from gap-filling, and how
 * many live events arrived out of seq order.
 */
export function expectViewsMatch(
  watched: ReturnType<typeof watchViews>,
  stored: Message[],
): { live: number; filled: number; outOfOrder: number } {
  expect(watched.conflicts).toEqual([]);
  let live = 0;
  let filled = 0;
  for (const view of watched.views) {
    for (const [seq, message] of view) expect(message).toEqual(stored[seq - 1]);
    live += view.size;
    for (const message of stored) {
      if (view.has(message.seq)) continue;
      view.set(message.seq, message);
      filled++;
    }
    expect([...view.keys()].sort((x, y) => x - y)).toEqual(stored.map((m) => m.seq));
  }
  return { live, filled, outOfOrder: watched.outOfOrder };
}
