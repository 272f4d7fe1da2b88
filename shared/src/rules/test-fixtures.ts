/** Small builders for the rules' tests (not exported from the package). */
import type { Conversation, Member, Message } from '../protocol/models.js';

export const me: Member = { id: 'me', username: 'sam', displayName: 'Sam Rivera', readSeq: 0 };
export const alice: Member = { id: 'a', username: 'alice', displayName: 'Alice Martin', readSeq: 0 };
export const bob: Member = { id: 'b', username: 'bob', displayName: 'Bob Chen', readSeq: 0 };

export function conversation(id: string, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    type: 'direct',
    members: [me, alice],
    lastSeq: 0,
    readSeq: 0,
    unreadCount: 0,
    createdAt: '2026-11-01T10:00:00.000Z',
    ...extra,
  };
}

export function message(extra: Partial<Message> = {}): Message {
  return {
    id: 'm',
    conversationId: 'c',
    seq: 1,
    senderId: 'a',
    clientId: 'x',
    kind: 'text',
    body: 'hello',
    createdAt: '2026-11-22T10:00:00.000Z',
    ...extra,
  };
}
