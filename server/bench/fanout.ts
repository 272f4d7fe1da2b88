/**
 * Fan-out benchmark: many sockets in small groups, a steady message rate, delivery latency.
 *
 *   npm run bench                       # defaults below
 *   npm run bench -- --users 1000 --group 10 --rate 500 --seconds 10
 *
 * The server runs as its own process (the TS source via tsx, or `--bin path/to/bin.js`) on
 * a fresh data dir, so the load generator does not share its event loop. `--profile DIR`
 * writes a CPU profile of the server process (node --cpu-prof) for a look at where it spends. Each
 * message carries its send time; every receiving member socket records the delay. Prints
 * p50/p95/p99 of delivery and ack latency and the delivered share (received / expected).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type {
  AuthResponse,
  ClientToServerEvents,
  ConversationResponse,
  ServerToClientEvents,
} from '@parley/shared';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    group: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '0' },
    /**
     * Run this server bin (e.g. dist/bin.js, or an older build to compare before and after)
     * instead of src/bin.ts under tsx. The source is the default so that a stale build is
     * never measured by accident.
     */
    bin: { type: 'string' },
    /** Write a V8 CPU profile of the server process into this directory (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const USERS = Number(args.users);
const GROUP = Number(args.group);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const entry = args.bin ? [args.bin] : ['--import', 'tsx', join(serverDir, 'src', 'bin.ts')];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: {
      ...process.env,
      PORT: args.port,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // The benchmark measures fan-out, not the limits or password hashing.
      MESSAGE_RATE: '100000',
      LOGIN_RATE: '100000',
      REGISTRATION_RATE: '100000',
      SCRYPT_LOG_N: '10',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /https?:\/\/[\w.:[\]-]+/.exec(out);
      if (match) resolve(match[0].replace('0.0.0.0', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { url, child };
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

/**
 * CPU seconds (user + system) the server process has used so far, from /proc (Linux; else
 * undefined). Latency on a shared machine depends on what else runs there; CPU per message
 * does much less, so it is the figure to compare between two versions of the server.
 */
function serverCpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const { url, child } = await startServer(dataDir);
  const run = Date.now().toString(36);
  try {
    console.log(`server ${url}; ${USERS} users in groups of ${GROUP}, ${RATE} msg/s for ${SECONDS} s`);
    const setupStart = performance.now();
    const auths = await pool(
      Array.from({ length: USERS }, (_, i) => i),
      16,
      (i) =>
        post<AuthResponse>(`${url}/api/auth/register`, {
          username: `b${run}_${i}`,
          password: 'bench-password',
        }),
    );
    const groups: { conversationId: string; members: number[] }[] = [];
    for (let start = 0; start + GROUP <= USERS; start += GROUP) {
      const members = Array.from({ length: GROUP }, (_, k) => start + k);
      const { conversation } = await post<ConversationResponse>(
        `${url}/api/conversations`,
        { type: 'group', title: `g${start}`, memberIds: members.slice(1).map((m) => auths[m]!.user.id) },
        auths[members[0]!]!.accessToken,
      );
      groups.push({ conversationId: conversation.id, members });
    }

    const deliveries: number[] = [];
    const sockets: ClientSocket[] = await pool(auths, 50, async (auth) => {
      const socket: ClientSocket = io(url, {
        auth: { token: auth.accessToken },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('message:new', ({ message }) => {
        if (message.senderId === auth.user.id) return;
        const sentAt = Number(message.body.split(' ')[0]);
        deliveries.push(performance.timeOrigin + performance.now() - sentAt);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    });
    console.log(`setup: ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    const acks: number[] = [];
    let failedAcks = 0;
    let sent = 0;
    const total = RATE * SECONDS;
    const started = performance.now();
    const cpuBefore = serverCpuSeconds(child.pid);
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        // Send whatever is due by now, so timer jitter does not lower the rate.
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const group = groups[sent % groups.length]!;
          const sender = group.members[Math.floor(Math.random() * group.members.length)]!;
          const sentAt = performance.timeOrigin + performance.now();
          sockets[sender]!.emit(
            'message:send',
            { conversationId: group.conversationId, clientId: `${run}-${sent}`, body: `${sentAt} bench` },
            (ack) => {
              if (ack.ok) acks.push(performance.timeOrigin + performance.now() - sentAt);
              else failedAcks++;
            },
          );
        }
        if (sent >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    // Let the tail drain.
    const expected = total * (GROUP - 1);
    const drainUntil = performance.now() + 10_000;
    while (deliveries.length < expected && performance.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpuAfter = serverCpuSeconds(child.pid);
    const cpuMsPerMessage =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : +(((cpuAfter - cpuBefore) * 1000) / Math.max(1, acks.length)).toFixed(2);

    deliveries.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const fmt = (n: number) => `${n.toFixed(1)} ms`;
    console.log(
      JSON.stringify(
        {
          users: USERS,
          group: GROUP,
          rate: RATE,
          seconds: SECONDS,
          sent: total,
          acked: acks.length,
          failedAcks,
          deliveredShare: +(deliveries.length / expected).toFixed(4),
          delivery: {
            p50: fmt(percentile(deliveries, 50)),
            p95: fmt(percentile(deliveries, 95)),
            p99: fmt(percentile(deliveries, 99)),
          },
          ack: { p50: fmt(percentile(acks, 50)), p99: fmt(percentile(acks, 99)) },
          wallSeconds: +elapsed.toFixed(1),
          // Server CPU (user + system) during sending and draining, per acknowledged message.
          serverCpuMsPerMessage: cpuMsPerMessage,
        },
        null,
        2,
      ),
    );
    for (const socket of sockets) socket.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
