/** Builders for protocol objects in the electron tests: valid by default, overridable per test. */
import type { ClientState, Conversation, Message, StateUpdate, User } from '@parley/shared';
import { applyStatePatch, initialClientState } from '@parley/shared';

export const alice: User = { id: 'u-alice', username: 'alice', displayName: 'Alice' };
export const bob: User = { id: 'u-bob', username: 'bob', displayName: 'Bob' };
export const carol: User = { id: 'u-carol', username: 'carol', displayName: '' };

let seq = 0;

export function message(overrides: Partial<Message> = {}): Message {
  seq += 1;
  return {
    id: `m-${seq}`,
    conversationId: 'c-direct',
    seq,
    senderId: bob.id,
    clientId: `client-${seq}`,
    kind: 'text',
    body: `hello ${seq}`,
    createdAt: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c-direct',
    type: 'direct',
    title: null,
    members: [alice, bob],
    lastSeq: 0,
    readSeq: 0,
    unreadCount: 0,
    createdAt: '2026-11-22T09:00:00.000Z',
    ...overrides,
  };
}

export function signedInState(conversations: Conversation[]): ClientState {
  return {
    ...initialClientState,
    session: { status: 'signed-in', serverUrl: 'http://127.0.0.1:8080', user: alice },
    connection: { status: 'connected', nextRetryAt: null, attempt: 0, lastError: null },
    conversations,
  };
}

/**
 * What a renderer holds after each update sent on the state channel, in order: the feed starts
 * with a snapshot and every patch applies to the state before it (shared/src/state-patch.ts).
 */
export function appliedStates(updates: readonly unknown[]): ClientState[] {
  const states: ClientState[] = [];
  for (const update of updates as StateUpdate[]) {
    const before = states.at(-1);
    if (update.kind === 'snapshot') states.push(update.state);
    else if (before) states.push(applyStatePatch(before, update.ops));
    else throw new Error(`patch ${update.seq} before any snapshot`);
  }
  return states;
}
