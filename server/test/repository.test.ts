/**
 * The Repository directly, on the same backend the suites use (SQLite in a temp dir, or
 * PostgreSQL in a schema of its own with PARLEY_TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../src/storage/repository.js';
import { openTestRepository } from './harness.js';

let repo: Repository;
let closeRepo: () => Promise<void>;

beforeAll(async () => {
  ({ repo, close: closeRepo } = await openTestRepository('repo'));
});
afterAll(() => closeRepo());

let n = 0;
const user = (name = `u${++n}`) => repo.createUser({ username: name, displayName: name, passwordHash: 'x' });
const now = () => new Date().toISOString();

describe('Repository', () => {
  it('creates one direct conversation per pair even when both ask at once', async () => {
    const [a, b] = await Promise.all([user(), user()]);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repo.createConversation({
          type: 'direct',
          title: null,
          createdBy: i % 2 ? a.id : b.id,
          memberIds: i % 2 ? [a.id, b.id] : [b.id, a.id],
          now: now(),
        }),
      ),
    );
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('keeps readSeq monotonic and clamped', async () => {
    const [a, b] = await Promise.all([user(), user()]);
    const { conversationId } = await repo.createConversation({
      type: 'group',
      title: 'g',
      createdBy: a.id,
      memberIds: [a.id, b.id],
      now: now(),
    });
    for (let i = 0; i < 3; i++) {
      await repo.insertMessage({
        conversationId,
        senderId: a.id,
        clientId: `c${i}`,
        kind: 'text',
        body: 'x',
        replyToId: null,
        call: null,
        now: now(),
      });
    }
    expect(await repo.markRead(conversationId, b.id, 2, now())).toMatchObject({ readSeq: 2, changed: true });
    expect(await repo.markRead(conversationId, b.id, 1, now())).toMatchObject({ readSeq: 2, changed: false });
    expect(await repo.markRead(conversationId, b.id, 50, now())).toMatchObject({ readSeq: 3, changed: true });
    expect(await repo.markRead(conversationId, 'stranger', 1, now())).toBeUndefined();
    expect((await repo.getConversation(conversationId, b.id))?.unreadCount).toBe(0);
    expect((await repo.getConversation(conversationId, a.id))?.readSeq).toBe(3);
  });

  it('purges expired refresh tokens and long-revoked sessions, and nothing else', async () => {
    const a = await user();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const expired = await repo.createSession({
      userId: a.id,
      refreshTokenHash: `h-${n}-old`,
      refreshExpiresAt: past,
    });
    const live = await repo.createSession({
      userId: a.id,
      refreshTokenHash: `h-${n}-new`,
      refreshExpiresAt: future,
    });
    const revoked = await repo.createSession({
      userId: a.id,
      refreshTokenHash: `h-${n}-rev`,
      refreshExpiresAt: future,
    });
    await repo.revokeSession(revoked.sessionId, past);
    await repo.purgeExpired(now());
    expect(await repo.findSessionByRefreshToken(`h-${n}-old`)).toBeUndefined();
    expect(await repo.findSessionByRefreshToken(`h-${n}-rev`)).toBeUndefined();
    expect(await repo.findSessionByRefreshToken(`h-${n}-new`)).toEqual({
      sessionId: live.sessionId,
      userId: a.id,
    });
    // The session itself survives its expired token (it is not revoked).
    expect(await repo.getActiveSession(expired.sessionId)).toBeDefined();
  });

  it("a socket's handshake look-up: the live session's conversations, nothing for an ended one", async () => {
    const [a, b] = await Promise.all([user(), user()]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const session = await repo.createSession({
      userId: a.id,
      refreshTokenHash: `h-${n}-hs`,
      refreshExpiresAt: future,
    });
    // A live session without conversations: known, with none.
    expect(await repo.sessionConversationIds(session.sessionId, a.id)).toEqual([]);
    const ids: string[] = [];
    for (const title of ['one', 'two']) {
      const { conversationId } = await repo.createConversation({
        type: 'group',
        title,
        createdBy: a.id,
        memberIds: [a.id, b.id],
        now: now(),
      });
      ids.push(conversationId);
    }
    expect((await repo.sessionConversationIds(session.sessionId, a.id))?.sort()).toEqual(ids.sort());
    // Someone else's session id, an unknown one, and a revoked one learn nothing.
    expect(await repo.sessionConversationIds(session.sessionId, b.id)).toBeUndefined();
    expect(await repo.sessionConversationIds('no-such-session', a.id)).toBeUndefined();
    await repo.revokeSession(session.sessionId, now());
    expect(await repo.sessionConversationIds(session.sessionId, a.id)).toBeUndefined();
  });
});
