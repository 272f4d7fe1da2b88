/**
 * A client context for the modules' unit tests: the real modules over memory storage, with
 * a signed-in user and a stand-in socket, so one module can be driven without a server.
 * Not exported from the package.
 */
import { vi } from 'vitest';
import type { Conversation, Member, Message } from '../protocol/models.js';
import type { ParleySocket } from './ack.js';
import { createClientContext } from './client.js';
import type { ClientContext } from './context.js';
import { createMemoryStorage } from './memory-storage.js';
import type { ClientStorage } from './types.js';

export const ME: Member = {
  id: 'me',
  username: 'sam',
  displayName: 'Sam Rivera',
  role: 'member',
  readSeq: 0,
};
export const ALICE: Member = {
  id: 'a',
  username: 'alice',
  displayName: 'Alice Martin',
  role: 'member',
  readSeq: 0,
};

/** A socket stand-in: records emits and answers acks with `ack` (default `{ ok: true }`). */
export function fakeSocket(ack: (event: string, payload: unknown) => unknown = () => ({ ok: true })) {
  const emitted: [string, unknown][] = [];
  const socket = {
    connected: true,
    emit: vi.fn((event: string, payload: unknown) => {
      emitted.push([event, payload]);
    }),
    timeout: () => ({
      emitWithAck: async (event: string, payload: unknown) => {
        emitted.push([event, payload]);
        return ack(event, payload);
      },
    }),
  };
  return { socket: socket as unknown as ParleySocket, emitted };
}

/** A context signed in as ME, connected through `socket` (none: offline). */
export function testContext(options: { socket?: ParleySocket; storage?: ClientStorage } = {}): ClientContext {
  const ctx = createClientContext({ storage: options.storage ?? createMemoryStorage() });
  ctx.session = { ...ctx.session, me: () => ME, serverUrl: () => 'http://test' };
  ctx.connection = { ...ctx.connection, socket: () => options.socket ?? null, generation: () => 1 };
  ctx.catchUp = {
    ...ctx.catchUp,
    fillGap: vi.fn(),
    liveGap: vi.fn(),
    resync: vi.fn(),
    isActive: () => false,
  };
  ctx.running = true;
  return ctx;
}

export function conversation(id: string, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    type: 'direct',
    members: [ME, ALICE],
    lastSeq: 0,
    readSeq: 0,
    unreadCount: 0,
    createdAt: '2026-11-01T10:00:00.000Z',
    version: 0,
    ...extra,
  };
}

export function message(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'a',
    clientId: `k${seq}`,
    kind: 'text',
    body: `body ${seq}`,
    createdAt: `2026-11-22T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    version: seq,
    ...extra,
  };
}

/** Puts conversations and a loaded window (messages 1..n of c1, synced to version n) in place. */
export function withWindow(ctx: ClientContext, messages: Message[], extra: Partial<Conversation> = {}): void {
  const last = messages[messages.length - 1];
  const c1 = conversation('c1', {
    lastSeq: last?.seq ?? 0,
    version: last?.version ?? 0,
    ...(last ? { lastMessage: last } : {}),
    ...extra,
  });
  ctx.update((s) => ({
    ...s,
    conversations: [c1],
    messages: {
      c1: {
        items: messages.map((m) => ({ ...m, status: 'sent' as const })),
        hasOlder: false,
        loadingOlder: false,
      },
    },
  }));
  ctx.messages.setSyncedVersion('c1', last?.version ?? 0);
}
