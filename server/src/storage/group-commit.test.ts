/**
 * Group commit, twice: the queue's mechanics with a recording batch runner, then the real
 * repository (SQLite in a temp dir, or PostgreSQL with PARLEY_TEST_DATABASE_URL) storing
 * batches in which some messages are bad, duplicated or retried.
 */
import { randomBytes } from 'node:crypto';
import type { Message } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { openTestRepository } from '../../test/harness.js';
import { GroupCommitQueue, type ItemOutcome } from './group-commit.js';
import { KyselyRepository } from './kysely-repository.js';
import type { InsertMessageInput, Repository } from './repository.js';

describe('GroupCommitQueue', () => {
  /** A runner that records each batch and lets the test decide when it "commits". */
  function recordingQueue(concurrency = 1) {
    const batches: number[][] = [];
    const commits: (() => void)[] = [];
    const queue = new GroupCommitQueue<number, number>({
      maxBatch: 3,
      concurrency,
      runBatch: (items) => {
        batches.push([...items]);
        return new Promise<ItemOutcome<number>[]>((resolve) =>
          commits.push(() =>
            resolve(
              items.map((n) =>
                n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 },
              ),
            ),
          ),
        );
      },
    });
    /** Resolves once `count` batches have started. */
    const started = async (count: number) => {
      while (batches.length < count) await new Promise((r) => setImmediate(r));
    };
    return { queue, batches, commits, started };
  }

  it('gathers what arrives in one turn, and what arrives during a commit, into single batches', async () => {
    const { queue, batches, commits, started } = recordingQueue();
    const first = [1, 2].map((n) => queue.submit(n));
    await started(1);
    // Arrive while batch 1 is committing: they wait, then go together (split at maxBatch 3).
    const later = [3, 4, 5, 6].map((n) => queue.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2]]);
    commits[0]!();
    expect(await Promise.all(first)).toEqual([10, 20]);
    await started(2);
    expect(batches[1]).toEqual([3, 4, 5]);
    commits[1]!();
    await started(3);
    expect(batches[2]).toEqual([6]);
    commits[2]!();
    expect(await Promise.all(later)).toEqual([30, 40, 50, 60]);
    await queue.idle();
    expect(queue.stats).toEqual({ batches: 3, items: 6 });
  });

  it('gives each item its own outcome, and a failed transaction fails only its own batch', async () => {
    const failing = new GroupCommitQueue<number, number>({
      maxBatch: 10,
      concurrency: 1,
      runBatch: async (items) => {
        if (items.includes(99)) throw new Error('disk full');
        return items.map((n) =>
          n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n },
        );
      },
    });
    const results = await Promise.allSettled([1, -2, 3].map((n) => failing.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const doomed = await Promise.allSettled([4, 99].map((n) => failing.submit(n)));
    expect(doomed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'disk full',
      'disk full',
    ]);
    // The queue keeps working after a failed batch.
    expect(await failing.submit(5)).toBe(5);
  });

  it('runs up to `concurrency` batches at once', async () => {
    const { queue, batches, commits, started } = recordingQueue(2);
    const all = [1, 2, 3, 4, 5, 6, 7].map((n) => queue.submit(n));
    await started(2);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    commits[1]!();
    await started(3);
    expect(batches[2]).toEqual([7]);
    commits[0]!();
    commits[2]!();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('refuses a nonsensical configuration', () => {
    expect(
      () => new GroupCommitQueue({ maxBatch: 0, concurrency: 1, runBatch: () => Promise.resolve([]) }),
    ).toThrow(RangeError);
  });
});

describe('KyselyRepository message batches', () => {
  let repo: Repository;
  let closeRepo: () => Promise<void>;

  beforeAll(async () => {
    ({ repo, close: closeRepo } = await openTestRepository('batch'));
  });
  afterAll(() => closeRepo());

  let n = 0;
  const user = () => {
    const name = `b${++n}_${randomBytes(3).toString('hex')}`;
    return repo.createUser({ username: name, displayName: name, passwordHash: 'x' });
  };
  const group = async (memberIds: string[]) =>
    (
      await repo.createConversation({
        type: 'group',
        title: 'g',
        createdBy: memberIds[0]!,
        memberIds,
        now: new Date().toISOString(),
      })
    ).conversationId;
  const input = (
    over: Partial<InsertMessageInput> & Pick<InsertMessageInput, 'conversationId' | 'senderId'>,
  ) => ({
    clientId: randomBytes(8).toString('hex'),
    kind: 'text' as const,
    body: 'hello',
    replyToId: null,
    call: null,
    now: new Date().toISOString(),
    ...over,
  });
  const batchesSoFar = () => (repo as KyselyRepository).messageWrites.stats.batches;

  it('stores one batch with bad, duplicate and retried messages among good ones, each answered alone', async () => {
    expect(repo).toBeInstanceOf(KyselyRepository);
    const [a, b, outsider] = await Promise.all([user(), user(), user()]);
    const c1 = await group([a.id, b.id]);
    const c2 = await group([a.id, b.id]);
    const earlier = await repo.insertMessage(
      input({ conversationId: c1, senderId: a.id, clientId: 'retry-me' }),
    );
    expect(earlier.message.seq).toBe(1);

    const before = batchesSoFar();
    // Submitted in one turn of the event loop: one batch (one transaction, one commit).
    const results = await Promise.allSettled([
      repo.insertMessage(input({ conversationId: c1, senderId: a.id, body: 'one' })),
      repo.insertMessage(input({ conversationId: c2, senderId: b.id, body: 'two' })),
      // Not a member: not_found, and nothing of it stored.
      repo.insertMessage(input({ conversationId: c1, senderId: outsider.id, body: 'intruder' })),
      repo.insertMessage(input({ conversationId: c1, senderId: b.id, body: 'three' })),
      // A reply to a message of another conversation: invalid_input.
      repo.insertMessage(
        input({ conversationId: c2, senderId: a.id, body: 'bad reply', replyToId: earlier.message.id }),
      ),
      // The same clientId twice in one batch: one row, both answered with it.
      repo.insertMessage(input({ conversationId: c2, senderId: a.id, clientId: 'twice', body: 'dup' })),
      repo.insertMessage(input({ conversationId: c2, senderId: a.id, clientId: 'twice', body: 'dup' })),
      // A retry of a message stored by an earlier batch: answered with the stored one.
      repo.insertMessage(input({ conversationId: c1, senderId: a.id, clientId: 'retry-me' })),
      // No such conversation.
      repo.insertMessage(input({ conversationId: 'nope', senderId: a.id, body: 'lost' })),
      repo.insertMessage(input({ conversationId: c1, senderId: a.id, body: 'four' })),
    ]);
    expect(batchesSoFar() - before).toBe(1);

    const value = (i: number) => {
      const r = results[i]!;
      if (r.status !== 'fulfilled') throw new Error(`item ${i} failed: ${String(r.reason)}`);
      return r.value;
    };
    const code = (i: number) => {
      const r = results[i]!;
      return r.status === 'rejected' && r.reason instanceof AppError ? r.reason.code : 'no AppError';
    };
    expect(code(2)).toBe('not_found');
    expect(code(4)).toBe('invalid_input');
    expect(code(8)).toBe('not_found');
    expect(value(5)).toEqual({ message: value(6).message, created: true });
    expect(value(6).created).toBe(false);
    expect(value(7)).toEqual({ message: earlier.message, created: false });

    // Gapless seqs per conversation, in submission order within each conversation.
    expect([value(0), value(3), value(9)].map((r) => [r.message.body, r.message.seq])).toEqual([
      ['one', 2],
      ['three', 3],
      ['four', 4],
    ]);
    expect([value(1), value(5)].map((r) => [r.message.body, r.message.seq])).toEqual([
      ['two', 1],
      ['dup', 2],
    ]);

    // Every answer is exactly what is stored, and nothing else is.
    const stored1 = await repo.listMessages(c1, { limit: 50 });
    const stored2 = await repo.listMessages(c2, { limit: 50 });
    expect(stored1).toEqual([earlier.message, value(0).message, value(3).message, value(9).message]);
    expect(stored2).toEqual([value(1).message, value(5).message]);
    // The duplicate's seq bump was rolled back with its savepoint: no gap after it.
    expect((await repo.getConversation(c1, b.id))?.lastSeq).toBe(4);
    expect((await repo.getConversation(c2, b.id))?.lastSeq).toBe(2);
    // Sending implies reading: each sender's position is their last message of the batch.
    expect((await repo.getConversation(c1, a.id))?.readSeq).toBe(4);
    expect((await repo.getConversation(c2, b.id))?.readSeq).toBe(1);
  });

  it('stores a batch of plain messages (the multi-row path on PostgreSQL) with outsiders, repeats and retries', async () => {
    const [a, b, outsider] = await Promise.all([user(), user(), user()]);
    const c1 = await group([a.id, b.id]);
    const c2 = await group([a.id, b.id]);
    const send = (over: Parameters<typeof input>[0]) => repo.insertMessage(input(over));
    const settle = async (list: Promise<{ message: Message; created: boolean }>[]) => {
      const results = await Promise.allSettled(list);
      return results.map((r) =>
        r.status === 'fulfilled'
          ? { ...r.value.message, created: r.value.created }
          : (r.reason as AppError).code,
      );
    };
    // Only plain messages, in one turn: one batch.
    const before = batchesSoFar();
    const first = await settle([
      send({ conversationId: c2, senderId: a.id, body: 'x1' }),
      send({ conversationId: c1, senderId: a.id, body: 'y1' }),
      send({ conversationId: c1, senderId: outsider.id, body: 'intruder' }),
      send({ conversationId: c1, senderId: b.id, clientId: 'again', body: 'y2' }),
      send({ conversationId: c1, senderId: b.id, clientId: 'again', body: 'y2' }),
      send({ conversationId: c2, senderId: b.id, body: 'x2' }),
      send({ conversationId: c1, senderId: a.id, body: 'y3' }),
    ]);
    expect(batchesSoFar() - before).toBe(1);
    const pick = (i: number) => {
      const r = first[i]!;
      if (typeof r === 'string') throw new Error(`item ${i}: ${r}`);
      return r;
    };
    expect(first[2]).toBe('not_found');
    expect([0, 1, 3, 4, 5, 6].map((i) => [pick(i).body, pick(i).seq, pick(i).created])).toEqual([
      ['x1', 1, true],
      ['y1', 1, true],
      ['y2', 2, true],
      ['y2', 2, false],
      ['x2', 2, true],
      ['y3', 3, true],
    ]);
    const { created: _c, ...stored } = pick(3);
    expect(await repo.listMessages(c1, { limit: 10 })).toEqual([
      expect.objectContaining({ body: 'y1', seq: 1 }),
      stored,
      expect.objectContaining({ body: 'y3', seq: 3 }),
    ]);
    // Versions are gap-free too, and reads moved to each sender's last message.
    const conversation = await repo.getConversation(c1, a.id);
    expect(conversation?.lastSeq).toBe(3);
    expect(conversation?.readSeq).toBe(3);
    expect((await repo.getConversation(c1, b.id))?.readSeq).toBe(2);

    // A later batch retrying a stored clientId among new ones: answered with the stored row.
    const second = await settle([
      send({ conversationId: c1, senderId: b.id, clientId: 'again', body: 'y2' }),
      send({ conversationId: c1, senderId: a.id, body: 'y4' }),
    ]);
    expect(second[0]).toEqual({ ...stored, created: false });
    expect(second[1]).toMatchObject({ body: 'y4', seq: 4, created: true });
    expect((await repo.listMessages(c1, { limit: 10 })).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('answers a retry alone in its transaction (a batch of one) with the stored message', async () => {
    const [a, b] = await Promise.all([user(), user()]);
    const c = await group([a.id, b.id]);
    const first = await repo.insertMessage(input({ conversationId: c, senderId: a.id, clientId: 'solo' }));
    const again = await repo.insertMessage(input({ conversationId: c, senderId: a.id, clientId: 'solo' }));
    expect(first.created).toBe(true);
    expect(again).toEqual({ message: first.message, created: false });
    await expect(
      repo.insertMessage(input({ conversationId: c, senderId: 'nobody', clientId: 'solo' })),
    ).rejects.toMatchObject({ code: 'not_found' });
    const next = await repo.insertMessage(input({ conversationId: c, senderId: b.id }));
    // The retry's rolled-back seq bump left no gap.
    expect(next.message.seq).toBe(2);
    expect(await repo.listMessages(c, { limit: 10 })).toEqual([first.message, next.message]);
  });

  it('keeps seqs gapless and answers matching rows under many concurrent batches', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => user()));
    const ids = users.map((u) => u.id);
    const conversations = await Promise.all([group(ids.slice(0, 3)), group(ids.slice(3)), group(ids)]);
    const sent: Promise<{ message: Message; created: boolean }>[] = [];
    // Waves across several turns of the event loop, so batches overlap with new arrivals.
    for (let wave = 0; wave < 10; wave++) {
      for (let k = 0; k < 30; k++) {
        const conversationId = conversations[k % 3]!;
        const members = k % 3 === 0 ? ids.slice(0, 3) : k % 3 === 1 ? ids.slice(3) : ids;
        sent.push(
          repo.insertMessage(
            input({ conversationId, senderId: members[k % members.length]!, body: `w${wave} k${k}` }),
          ),
        );
      }
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(sent);
    expect(results.every((r) => r.created)).toBe(true);
    for (const conversationId of conversations) {
      const stored = await repo.listMessages(conversationId, { limit: 200 });
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      const answered = results.map((r) => r.message).filter((m) => m.conversationId === conversationId);
      expect(answered.sort((x, y) => x.seq - y.seq)).toEqual(stored);
    }
  });
});
