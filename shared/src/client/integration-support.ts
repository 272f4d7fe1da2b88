/**
 * What the client core's integration tests share: the server harness (server/test/harness.ts:
 * real HTTP, real sockets, a real SQLite file in a temporary directory), clients that clean
 * up after the test, and small readers of the state. Not exported from the package.
 */
import { expect } from 'vitest';
import type { Ack, Conversation, Message, User } from '../protocol/index.js';
import { createParleyClient } from './client.js';
import { createMemoryStorage } from './memory-storage.js';
import type { ClientState, MessageView } from './state.js';
import { waitForState } from './test-support.js';
import type { ClientEvent, ClientStorage, ParleyClient } from './types.js';

/**
 * The parts of server/test/harness.ts these tests use. shared/ cannot reference the server
 * project (the server depends on shared, and project references must not form a cycle), so
 * the harness is imported by a path TypeScript does not follow and typed here by what is
 * used; vitest resolves and transpiles it like any other test import.
 */
export interface TestServer {
  url: string;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}
interface RawSocket {
  emitWithAck(
    event: 'message:send',
    payload: { conversationId: string; clientId: string; body: string },
  ): Promise<Ack<{ message: Message }>>;
  close(): void;
}
export interface Harness {
  startTestServer(overrides?: {
    dataDir?: string;
    port?: number;
    accessTokenTtlSeconds?: number;
    registration?: 'open' | 'invite' | 'closed';
    maxAttachmentBytes?: number;
  }): Promise<TestServer>;
  registerUser(
    url: string,
    name?: string,
  ): Promise<{ user: User; accessToken: string; refreshToken: string; password: string }>;
  uniqueName(prefix?: string): string;
  createConversation(url: string, token: string, memberIds: string[], title?: string): Promise<Conversation>;
  connectSocket(url: string, token: string): Promise<RawSocket>;
  loginUser(
    url: string,
    user: { user: { username: string }; password: string },
  ): Promise<{ accessToken: string }>;
  api<T>(
    url: string,
    path: string,
    options?: { method?: string; token?: string; body?: unknown },
  ): Promise<{ status: number; body: T }>;
}
const harnessPath = '../../../server/test/harness.js';
export const harness = (await import(/* @vite-ignore */ harnessPath)) as Harness;

export const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 1000 };

/** Functions run after each test, newest first (register with `afterEach(runCleanups)`). */
export const cleanups: (() => Promise<void> | void)[] = [];
export async function runCleanups(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}

export async function server(overrides: Parameters<Harness['startTestServer']>[0] = {}): Promise<TestServer> {
  const s = await harness.startTestServer(overrides);
  cleanups.push(() => s.close());
  return s;
}

export function newClient(storage: ClientStorage = createMemoryStorage()): ParleyClient {
  const client = createParleyClient({ storage, reconnect: FAST_RECONNECT });
  cleanups.push(() => client.stop());
  return client;
}

/** A client signed up as a new user and connected (catch-up finished). */
export async function signedUpClient(
  url: string,
  storage?: ClientStorage,
): Promise<{ client: ParleyClient; user: User; password: string }> {
  const client = newClient(storage);
  const username = harness.uniqueName('c');
  const password = `password-${username}`;
  const result = await client.auth.signUp({ serverUrl: url, username, password, displayName: username });
  expect(result).toEqual({ ok: true, value: undefined });
  const state = await waitForConnected(client);
  if (state.session.status !== 'signed-in') throw new Error('not signed in');
  return { client, user: state.session.user, password };
}

export function waitForConnected(client: ParleyClient): Promise<ClientState> {
  return waitForState(
    client,
    (s) => s.connection.status === 'connected' && !s.catchUp.active && s.session.status === 'signed-in',
    'connected and caught up',
  );
}

export function collectEvents(client: ParleyClient): ClientEvent[] {
  const events: ClientEvent[] = [];
  cleanups.push(client.onEvent((e) => events.push(e)));
  return events;
}

export const stored = (items: readonly MessageView[] | undefined) =>
  (items ?? []).filter((m) => m.status === 'sent');
export const bodies = (items: readonly MessageView[] | undefined) => stored(items).map((m) => m.body);

/** Every message of a conversation as the server has it, paging with afterSeq. */
export async function serverHistory(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const res = await harness.api<{ messages: Message[] }>(
      url,
      `/api/conversations/${conversationId}/messages?afterSeq=${all.length === 0 ? 0 : all[all.length - 1]!.seq}&limit=200`,
      { token },
    );
    expect(res.status).toBe(200);
    all.push(...res.body.messages);
    if (res.body.messages.length < 200) return all;
  }
}

/** An access token for direct API checks: signs in again as that user (another session). */
export async function accessTokenOf(url: string, who: { user: User; password: string }): Promise<string> {
  const res = await harness.api<{ accessToken: string }>(url, '/api/auth/login', {
    body: { username: who.user.username, password: who.password },
  });
  expect(res.status).toBe(200);
  return res.body.accessToken;
}
