import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '@parley/shared';
import { conversationTitle, describeCall, matchesFilter, previewText, sortByActivity } from './conversation';

const me = { id: 'me', username: 'sam', displayName: 'Sam Rivera' };
const alice = { id: 'a', username: 'alice', displayName: 'Alice Martin' };
const bob = { id: 'b', username: 'bob', displayName: 'Bob Chen' };

function conv(id: string, extra: Partial<Conversation> = {}): Conversation {
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

function message(extra: Partial<Message>): Message {
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

describe('conversation helpers', () => {
  it('titles direct chats after the other person and groups after their title or members', () => {
    expect(conversationTitle(conv('1'), 'me')).toBe('Alice Martin');
    expect(
      conversationTitle(conv('2', { type: 'group', title: 'Team', members: [me, alice, bob] }), 'me'),
    ).toBe('Team');
    expect(conversationTitle(conv('3', { type: 'group', members: [me, alice, bob] }), 'me')).toBe(
      'Alice Martin and Bob Chen',
    );
  });

  it('previews with "You:" for own messages and the sender for groups', () => {
    expect(
      previewText(conv('1', { lastMessage: message({ senderId: 'me', body: 'hi\nthere' }) }), 'me'),
    ).toBe('You: hi there');
    expect(
      previewText(
        conv('2', { type: 'group', members: [me, alice, bob], lastMessage: message({ senderId: 'b' }) }),
        'me',
      ),
    ).toBe('Bob: hello');
    expect(previewText(conv('3'), 'me')).toBe('No messages yet');
    // A group change's system line names its author itself: no "You:" in front of it.
    const line = message({ senderId: 'me', kind: 'system', body: 'Sam added Bob' });
    expect(previewText(conv('4', { type: 'group', members: [me, bob], lastMessage: line }), 'me')).toBe(
      'Sam added Bob',
    );
  });

  it('describes call records from the viewer’s side', () => {
    const missed = message({
      kind: 'call',
      senderId: 'a',
      call: { callId: 'k', media: 'video', outcome: 'missed' },
    });
    expect(describeCall(missed, 'me')).toEqual({ text: 'Missed video call', missed: true });
    expect(describeCall(missed, 'a').missed).toBe(false);
    const done = message({
      kind: 'call',
      call: { callId: 'k', media: 'audio', outcome: 'completed', durationSeconds: 222 },
    });
    expect(describeCall(done, 'me').text).toBe('Voice call · 3:42');
  });

  it('sorts by last activity and filters by name, accents ignored', () => {
    const older = conv('old', { lastMessage: message({ createdAt: '2026-11-20T10:00:00.000Z' }) });
    const newer = conv('new', { createdAt: '2026-11-21T10:00:00.000Z' });
    expect(sortByActivity([older, newer]).map((c) => c.id)).toEqual(['new', 'old']);
    const chloe = conv('c', { members: [me, { id: 'c', username: 'chloe', displayName: 'Chloé Dubois' }] });
    expect(matchesFilter(chloe, 'Chloé Dubois', 'chloe')).toBe(true);
    expect(matchesFilter(chloe, 'Chloé Dubois', 'bob')).toBe(false);
  });
});
