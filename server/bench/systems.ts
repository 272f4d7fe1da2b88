/**
 * The systems a bench drives, behind one small client interface: Parley's real server
 * (registered users, group conversations, authenticated sockets, every message stored) and
 * the two reference relays of relay.ts. Each runs in its own process, so the load generator
 * never shares its event loop, and its CPU and RSS are read from /proc.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type {
  AuthResponse,
  ClientToServerEvents,
  ConversationResponse,
  ServerToClientEvents,
} from '@parley/shared';
import { pool, serverDir, spawnUntilUrl, type Proc } from './lib.js';
import { connectRawSocketIo, stringField } from './raw-socketio.js';

export type SystemName = 'parley' | 'baseline' | 'parley-pg' | 'baseline-pg' | 'socketio' | 'ws';
export const RELAY_LABEL: Record<SystemName, string> = {
  parley: 'Parley',
  baseline: 'Parley baseline (--baseline-bin)',
  'parley-pg': 'Parley on PostgreSQL',
  'baseline-pg': 'Parley baseline on PostgreSQL',
  socketio: 'plain Socket.IO relay',
  ws: 'bare ws relay',
};

/** One connected client: it sends into its room and hears every message of its room. */
export interface BenchClient {
  send(body: string, onAck: (ok: boolean) => void): void;
  onMessage(listener: (body: string) => void): void;
  close(): void;
}

export interface StartOptions {
  /** Write a CPU profile of Parley's server into this directory (node --cpu-prof). */
  profile?: string;
  /** Run this Parley server bin (e.g. an older dist/bin.js) instead of src/bin.ts under tsx. */
  bin?: string;
  /** The `baseline` system: another Parley build (e.g. main's dist/bin.js), for before/after in one run. */
  baselineBin?: string;
  /** The PostgreSQL server of the `-pg` systems (each run gets a schema of its own). */
  databaseUrl?: string;
  /** Extra environment for Parley's server. */
  env?: NodeJS.ProcessEnv;
  /**
   * The load generator's Socket.IO clients speak the wire format over bare `ws` sockets
   * (raw-socketio.ts) instead of running socket.io-client: about 30 % less of the generator's
   * CPU (1.72 against 2.37 s for 8,000 msg/s into the relay, 3 s), which moves the rate where
   * the generator itself saturates past the relay's.
   */
  rawClients?: boolean;
}

export interface RunningSystem {
  name: SystemName;
  proc: Proc;
  /**
   * Creates what `count` clients in rooms of `group` need before connecting (Parley: the
   * accounts and group conversations; nothing for a relay). Client i is in room floor(i / group).
   */
  prepare(count: number, group: number): Promise<void>;
  /** Connects the prepared clients. */
  connect(): Promise<BenchClient[]>;
  stop(): Promise<void>;
}

export async function startSystem(name: SystemName, options: StartOptions = {}): Promise<RunningSystem> {
  if (name === 'parley' || name === 'baseline' || name === 'parley-pg' || name === 'baseline-pg') {
    const baseline = name.startsWith('baseline');
    const postgres = name.endsWith('-pg');
    if (baseline && !options.baselineBin) throw new Error(`${name} needs --baseline-bin`);
    if (postgres && !options.databaseUrl) throw new Error(`${name} needs --database-url`);
    const started = await startParley({
      ...options,
      ...(baseline ? { bin: options.baselineBin, profile: undefined } : {}),
      env: { ...options.env, ...(postgres ? { DATABASE_URL: options.databaseUrl } : {}) },
    });
    return { ...started, name };
  }
  const proc = await spawnUntilUrl(['--import', 'tsx', join(serverDir, 'bench', 'relay.ts'), name]);
  let count = 0;
  let group = 1;
  return {
    name,
    proc,
    prepare: async (c, g) => {
      count = c;
      group = g;
    },
    connect: () =>
      pool(
        Array.from({ length: count }, (_, i) => i),
        50,
        (i) =>
          name === 'ws'
            ? connectWs(proc.url, Math.floor(i / group))
            : options.rawClients
              ? connectRawRelay(proc.url, Math.floor(i / group))
              : connectSocketIo(proc.url, i, group),
      ),
    stop: () => proc.stop(),
  };
}

function connectSocketIo(url: string, i: number, group: number): Promise<BenchClient> {
  const socket = io(url, {
    query: { room: String(Math.floor(i / group)) },
    transports: ['websocket'],
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      resolve({
        send: (body, onAck) => socket.emit('send', { body }, () => onAck(true)),
        onMessage: (listener) => socket.on('message', (m: { body: string }) => listener(m.body)),
        close: () => socket.close(),
      }),
    );
  });
}

async function connectRawRelay(url: string, room: number): Promise<BenchClient> {
  const socket = await connectRawSocketIo(url, { query: { room: String(room) } });
  return {
    send: (body, onAck) => socket.emit('send', { body }, () => onAck(true)),
    onMessage: (listener) => socket.on('message', (packet) => listener(stringField(packet, 'body') ?? '')),
    close: () => socket.close(),
  };
}

function connectWs(url: string, room: number): Promise<BenchClient> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/?room=${room}`);
  const acks = new Map<number, (ok: boolean) => void>();
  const listeners: ((body: string) => void)[] = [];
  let nextId = 0;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { t: string; id?: number; body?: string };
    if (frame.t === 'ack') {
      acks.get(frame.id!)?.(true);
      acks.delete(frame.id!);
    } else for (const l of listeners) l(frame.body!);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        send: (body, onAck) => {
          const id = nextId++;
          acks.set(id, onAck);
          socket.send(JSON.stringify({ id, body }));
        },
        onMessage: (listener) => listeners.push(listener),
        close: () => socket.close(),
      }),
    );
  });
}

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function startParley(options: StartOptions): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  // PostgreSQL: a schema of its own, dropped again at the end.
  const pgUrl = options.env?.DATABASE_URL;
  const schema = pgUrl
    ? `parley_bench_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
    : undefined;
  const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : [];
  const entry = options.bin ? [options.bin] : ['--import', 'tsx', join(serverDir, 'src', 'bin.ts')];
  const proc = await spawnUntilUrl([...nodeArgs, ...entry], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The benches measure fan-out, not the limits or password hashing.
    MESSAGE_RATE: '100000',
    LOGIN_RATE: '100000',
    REGISTRATION_RATE: '100000',
    SCRYPT_LOG_N: '10',
    ...options.env,
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
  });
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  let sent = 0;
  let auths: AuthResponse[] = [];
  const conversationOf: string[] = [];
  return {
    name: 'parley',
    proc,
    async prepare(count, group) {
      // One account per client, each a member of one group conversation of `group`.
      auths = await pool(
        Array.from({ length: count }, (_, i) => i),
        16,
        (i) =>
          post<AuthResponse>(`${proc.url}/api/auth/register`, {
            username: `b${run}_${i}`,
            password: 'bench-password',
          }),
      );
      for (let start = 0; start < count; start += group) {
        const members = auths.slice(start, start + group);
        const { conversation } = await post<ConversationResponse>(
          `${proc.url}/api/conversations`,
          { type: 'group', title: `g${start}`, memberIds: members.slice(1).map((a) => a.user.id) },
          members[0]!.accessToken,
        );
        for (let k = 0; k < members.length; k++) conversationOf[start + k] = conversation.id;
      }
    },
    connect() {
      return pool(auths, 50, async (auth, i) => {
        if (options.rawClients) {
          const raw = await connectRawSocketIo(proc.url, { auth: { token: auth.accessToken } });
          return {
            send: (body, onAck) =>
              raw.emit(
                'message:send',
                { conversationId: conversationOf[i]!, clientId: `${run}-${sent++}`, body },
                (ack) => onAck(ack.startsWith('{"ok":true')),
              ),
            onMessage: (listener) =>
              raw.on('message:new', (packet) => listener(stringField(packet, 'body') ?? '')),
            close: () => raw.close(),
          } satisfies BenchClient;
        }
        const socket: ParleySocket = io(proc.url, {
          auth: { token: auth.accessToken },
          transports: ['websocket'],
          reconnection: false,
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        return {
          send: (body, onAck) =>
            socket.emit(
              'message:send',
              { conversationId: conversationOf[i]!, clientId: `${run}-${sent++}`, body },
              (ack) => onAck(ack.ok),
            ),
          onMessage: (listener) => socket.on('message:new', ({ message }) => listener(message.body)),
          close: () => socket.close(),
        };
      });
    },
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (pgUrl && schema) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  };
}
