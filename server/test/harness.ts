/**
 * Test harness for anyone who needs a real Parley server: a fresh server on a random port
 * with its own temporary SQLite file, plus helpers to register users and open sockets.
 *
 *   const server = await startTestServer();
 *   const alice = await registerUser(server.url, 'alice');
 *   const socket = await connectSocket(server.url, alice.accessToken);
 *   ...
 *   socket.disconnect(); await server.close();
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Ack,
  AuthResponse,
  ClientToServerEvents,
  Conversation,
  ConversationResponse,
  Message,
  ServerToClientEvents,
} from '@parley/shared';
import pg from 'pg';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createServer, type ParleyServer, type ServerDeps } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openRepository } from '../src/storage/database.js';
import type { Repository } from '../src/storage/repository.js';

/** A socket.io-client socket typed with the contract's event maps. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops the server and deletes the data directory (unless `keepData`). */
  close(options?: { keepData?: boolean }): Promise<void>;
  dataDir: string;
  config: Config;
  server: ParleyServer;
}

/**
 * Starts a server on 127.0.0.1, port 0, in a new temporary data directory, with cheap
 * password hashing, silent logs, a fixed JWT secret and generous rate limits. `overrides`
 * replace any of that (pass `dataDir` to reuse a directory).
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  deps?: ServerDeps,
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'parley-test-')));
  // PARLEY_TEST_DATABASE_URL=postgres://... runs the same suites on PostgreSQL, each server in
  // a schema of its own (dropped on close) so runs and files never see each other's rows.
  const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
  const pgSchema =
    pgUrl && overrides.databaseUrl === undefined
      ? (overrides.databaseSchema ??
        // A restart on the same dataDir must find the same data, so the schema follows the directory.
        `parley_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`)
      : undefined;
  // PARLEY_TEST_REDIS_URL=redis://... adds the Redis adapter, presence and rate limits, under a
  // key prefix of this server's own (two servers meant to act as one pass the same redisPrefix).
  const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
  const redis =
    redisUrl && overrides.redisUrl === undefined
      ? { redisUrl, redisPrefix: `parley-test-${randomBytes(6).toString('hex')}` }
      : {};
  const config: Config = {
    ...loadConfig({}, []),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    jwtSecret: 'test-secret-test-secret-test-secret-0123456789',
    logLevel: (process.env.LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent',
    scryptLogN: 10,
    messageRate: 10_000,
    callRate: 10_000,
    loginRate: 1_000,
    registrationRate: 100_000,
    ...(pgSchema ? { databaseUrl: pgUrl, databaseSchema: pgSchema } : {}),
    ...redis,
    ...overrides,
  };
  const server = await createServer(config, deps);
  const url = await server.listen();
  return {
    url,
    dataDir,
    config,
    server,
    async close(options = {}) {
      await server.close();
      if (options.keepData) return;
      if (overrides.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
      if (pgSchema && pgUrl) await dropSchema(pgUrl, pgSchema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A registered user with live tokens. */
export interface TestUser extends AuthResponse {
  password: string;
}

let counter = 0;

/** A username that is unique within this process (tests share nothing by accident). */
export const uniqueName = (prefix = 'user') => `${prefix}${process.pid % 10000}_${++counter}`.toLowerCase();

/** `fetch` against the server, JSON in and out. Resolves with status and parsed body (never throws on 4xx/5xx). */
export async function api<T = unknown>(
  url: string,
  path: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(url + path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. the web client's HTML); keep the text
  }
  return { status: res.status, body: body as T };
}

/** Registers a user (password `password-<name>`); throws unless the server answers 201. */
export async function registerUser(
  url: string,
  name = uniqueName(),
  displayName?: string,
): Promise<TestUser> {
  const password = `password-${name}`;
  const res = await api<AuthResponse>(url, '/api/auth/register', {
    body: { username: name, password, displayName: displayName ?? name },
  });
  if (res.status !== 201)
    throw new Error(`register ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password };
}

/** Signs in again (a new login session, i.e. another device). */
export async function loginUser(
  url: string,
  user: { user: { username: string }; password: string },
): Promise<AuthResponse> {
  const res = await api<AuthResponse>(url, '/api/auth/login', {
    body: { username: user.user.username, password: user.password },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates a direct (`[otherUserId]`) or group (several ids, or a title) conversation; throws unless 200/201. */
export async function createConversation(
  url: string,
  token: string,
  memberIds: string[],
  title?: string,
): Promise<Conversation> {
  const body =
    memberIds.length === 1 && title === undefined
      ? { type: 'direct', userId: memberIds[0] }
      : { type: 'group', title: title ?? 'Group', memberIds };
  const res = await api<ConversationResponse>(url, '/api/conversations', { token, body });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`create conversation failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.conversation;
}

/**
 * Opens a Socket.IO connection and resolves once connected (websocket only, no reconnection,
 * so a test sees exactly what happened). Rejects with the connect_error (its `data.code`).
 */
export function connectSocket(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = ioClient(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Sends a message and resolves with the ack (whatever it says). */
export function sendMessage(
  socket: ClientSocket,
  conversationId: string,
  body: string,
  clientId: string = crypto.randomUUID(),
): Promise<Ack<{ message: Message }>> {
  return socket.emitWithAck('message:send', { conversationId, clientId, body });
}

/** Resolves with the next `event` the socket receives (optionally the next one matching `filter`). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  filter: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type Payload = Parameters<ServerToClientEvents[E]>[0];
  return new Promise((resolve, reject) => {
    const on = socket.on.bind(socket) as unknown as (e: string, l: (p: Payload) => void) => void;
    const off = socket.off.bind(socket) as unknown as (e: string, l: (p: Payload) => void) => void;
    const timer = setTimeout(() => {
      off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (payload: Payload) => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      off(event, listener);
      resolve(payload);
    };
    on(event, listener);
  });
}

/** Collects every `event` the socket receives from now on; read `.events` later. */
export function collect<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): { events: Parameters<ServerToClientEvents[E]>[0][]; stop(): void } {
  type Payload = Parameters<ServerToClientEvents[E]>[0];
  const events: Payload[] = [];
  const on = socket.on.bind(socket) as unknown as (e: string, l: (p: Payload) => void) => void;
  const off = socket.off.bind(socket) as unknown as (e: string, l: (p: Payload) => void) => void;
  const listener = (payload: Payload) => void events.push(payload);
  on(event, listener);
  return { events, stop: () => off(event, listener) };
}

/**
 * A Repository on the backend the suites use: SQLite in a temp dir, or PostgreSQL in a schema
 * of its own when PARLEY_TEST_DATABASE_URL is set. `close()` removes both again.
 */
export async function openTestRepository(
  prefix: string,
): Promise<{ repo: Repository; close(): Promise<void> }> {
  const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
  const schema = `parley_${prefix}_${randomBytes(6).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), `parley-${prefix}-`));
  const config = { ...loadConfig({}, []), dataDir };
  const repo = await openRepository(
    pgUrl ? { ...config, databaseUrl: pgUrl, databaseSchema: schema } : config,
  );
  return {
    repo,
    async close() {
      await repo.close();
      await rm(dataDir, { recursive: true, force: true });
      if (pgUrl) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  };
}
