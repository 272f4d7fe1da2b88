/**
 * Fault injection (issue 11) against the real `parley-server` process (src/bin.ts under tsx,
 * SQLite): clients with socket.io-client's default reconnection keep sending, each message
 * retried with the same clientId until acknowledged (as the client core's outbox does).
 *
 * - kill -9 loop: the server is killed and restarted while everyone sends; afterwards the
 *   history is exactly the acknowledged messages: none lost, none twice, seqs without a gap,
 *   and every client is connected again.
 * - churn: meanwhile clients drop their own connections at random.
 * - restart avalanche: many connected clients, SIGTERM (and kill -9), restart: all back.
 *
 *   npx vitest run server/test/faults.test.ts            short (part of npm test)
 *   npm run test:faults                                  full (PARLEY_FAULTS=full)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ack, Message, MessagesResponse } from '@parley/shared';
import { io as ioClient } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { api, createConversation, registerUser, type ClientSocket, type TestUser } from './harness.js';

const FULL = process.env.PARLEY_FAULTS === 'full';
const KILLS = FULL ? 20 : 2;
const SENDERS = FULL ? 8 : 4;
const AVALANCHE = FULL ? 2000 : 100;

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();
const dirs: string[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The server process on `port` and `dataDir`; resolves once it listens. */
function startServer(dataDir: string, port: number): Promise<ChildProcess> {
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

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A client as apps connect: socket.io-client's default reconnection (with its jitter). */
function client(url: string, token: string): ClientSocket {
  return ioClient(url, { auth: { token }, transports: ['websocket'], forceNew: true }) as ClientSocket;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function history(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const res = await api<MessagesResponse>(
      url,
      `/api/conversations/${conversationId}/messages?afterSeq=${after}&limit=200`,
      {
        token,
      },
    );
    expect(res.status).toBe(200);
    all.push(...res.body.messages);
    if (res.body.messages.length < 200) return all;
  }
}

async function setup(users: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-faults-'));
  dirs.push(dataDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child = await startServer(dataDir, port);
  const people: TestUser[] = [];
  for (let i = 0; i < users; i++) people.push(await registerUser(url));
  const conversation = await createConversation(
    url,
    people[0]!.accessToken,
    people.slice(1).map((p) => p.user.id),
    'Faults',
  );
  return {
    url,
    people,
    conversationId: conversation.id,
    child: () => child,
    async restart(signal: NodeJS.Signals) {
      await stop(child, signal);
      child = await startServer(dataDir, port);
    },
  };
}

describe('faults', { timeout: FULL ? 1_800_000 : 180_000 }, () => {
  it(`kill -9 ${KILLS} times while ${SENDERS} clients send and churn: no loss, no duplicate, no gap`, async () => {
    const world = await setup(SENDERS);
    const sockets = world.people.map((p) => client(world.url, p.accessToken));
    const acked = new Map<string, Message>();
    let running = true;
    let churned = 0;

    const sender = async (socket: ClientSocket, name: string) => {
      for (let i = 0; running; i++) {
        const clientId = `${name}-${i}`;
        // Retried with the same clientId until acknowledged, as an outbox does.
        for (;;) {
          if (!socket.connected) {
            await sleep(50);
            continue;
          }
          let ack: Ack<{ message: Message }> | undefined;
          try {
            ack = await socket.timeout(5000).emitWithAck('message:send', {
              conversationId: world.conversationId,
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
    const churn = async () => {
      while (running) {
        await sleep(700);
        const socket = sockets[Math.floor(Math.random() * sockets.length)]!;
        if (socket.connected) {
          socket.disconnect();
          churned++;
          await sleep(100);
          socket.connect();
        }
      }
    };
    const senders = sockets.map((s, i) => sender(s, `c${i}`));
    const churning = churn();
    for (let k = 0; k < KILLS; k++) {
      await sleep(1500);
      await world.restart('SIGKILL');
    }
    await sleep(1500);
    running = false;
    await Promise.all([...senders, churning]);

    const stored = await history(world.url, world.people[0]!.accessToken, world.conversationId);
    const seqs = stored.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const ids = stored.map((m) => m.clientId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...acked.keys()].sort());
    for (const [clientId, message] of acked) expect(stored[message.seq - 1]?.clientId).toBe(clientId);
    await Promise.all(
      sockets.map(async (s) => {
        for (let i = 0; i < 200 && !s.connected; i++) await sleep(50);
        expect(s.connected).toBe(true);
      }),
    );
    console.info(
      `faults: ${KILLS} kills, ${churned} forced disconnects, ${acked.size} messages, 0 lost/dup/gap`,
    );
    for (const s of sockets) s.close();
    await stop(world.child(), 'SIGTERM');
  });

  // The short run (npm test) restarts with SIGTERM only; the full run with kill -9 too.
  for (const signal of FULL ? (['SIGTERM', 'SIGKILL'] as const) : (['SIGTERM'] as const)) {
    it(`${AVALANCHE} clients all come back after a ${signal} restart`, async () => {
      const world = await setup(20);
      const sockets = Array.from({ length: AVALANCHE }, (_, i) =>
        client(world.url, world.people[i % world.people.length]!.accessToken),
      );
      const allConnected = async (ms: number) => {
        const deadline = Date.now() + ms;
        while (Date.now() < deadline) {
          if (sockets.every((s) => s.connected)) return true;
          await sleep(50);
        }
        return false;
      };
      expect(await allConnected(60_000)).toBe(true);
      await world.restart(signal);
      const restartedAt = Date.now();
      const back = await allConnected(10_000);
      const seconds = (Date.now() - restartedAt) / 1000;
      const count = sockets.filter((s) => s.connected).length;
      console.info(
        `faults: ${signal}: ${count}/${AVALANCHE} back in ${seconds.toFixed(1)} s after the restart`,
      );
      expect(count).toBe(AVALANCHE);
      expect(back).toBe(true);
      for (const s of sockets) s.close();
      await stop(world.child(), 'SIGTERM');
    });
  }
});
