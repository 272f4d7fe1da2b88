/**
 * Search latency over many messages, on the repository the server uses (SQLite by default).
 *
 *   npx tsx server/bench/search.ts                       # 100,000 messages, SQLite in a temp dir
 *   npx tsx server/bench/search.ts --messages 20000 --queries 200
 *   npx tsx server/bench/search.ts --database-url postgres://postgres@127.0.0.1:5432/test
 *
 * Fills 50 conversations of 5 members with messages of 5 to 15 words drawn from a Zipf-like
 * vocabulary (a few very common words, many rare ones), then times `searchMessages` for one
 * member: a common word, a rare word, two words, and a prefix. Prints one JSON object with
 * the fill rate and p50/p95/max per query kind, in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openRepository } from '../src/storage/database.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '100' },
    'database-url': { type: 'string' },
  },
});
const total = Number(args.messages);
const queries = Number(args.queries);

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'));
const schema = args['database-url'] ? `parley_bench_${process.pid}` : undefined;
const repo = await openRepository({
  ...loadConfig({}, []),
  dataDir,
  databaseUrl: args['database-url'],
  databaseSchema: schema,
});
try {
  const users = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      repo.createUser({ username: `bench${i}_${process.pid}`, displayName: `Bench ${i}`, passwordHash: 'x' }),
    ),
  );
  const conversations: string[] = [];
  for (let c = 0; c < 50; c++) {
    const memberIds = Array.from({ length: 5 }, (_, k) => users[(c + k * 3) % users.length]!.id);
    const { conversationId } = await repo.createConversation({
      type: 'group',
      title: `c${c}`,
      createdBy: memberIds[0]!,
      memberIds: [...new Set(memberIds)],
      now: new Date().toISOString(),
    });
    conversations.push(conversationId);
  }
  const members = new Map<string, string[]>();
  for (const id of conversations) members.set(id, await repo.memberIds(id));

  const fillStart = performance.now();
  for (let done = 0; done < total;) {
    const batch = Math.min(1000, total - done);
    await Promise.all(
      Array.from({ length: batch }, (_, i) => {
        const conversationId = conversations[Math.floor(random() * conversations.length)]!;
        const senders = members.get(conversationId)!;
        const body = Array.from({ length: 5 + Math.floor(random() * 11) }, word).join(' ');
        return repo.insertMessage({
          conversationId,
          senderId: senders[Math.floor(random() * senders.length)]!,
          clientId: `m${done + i}`,
          kind: 'text',
          body,
          replyToId: null,
          call: null,
          now: new Date().toISOString(),
        });
      }),
    );
    done += batch;
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;

  const userId = users[0]!.id;
  const kinds: Record<string, () => string> = {
    common: () => vocabulary[Math.floor(random() * 5)]!,
    rare: () => vocabulary[4000 + Math.floor(random() * 1000)]!,
    twoWords: () => `${vocabulary[Math.floor(random() * 20)]} ${vocabulary[20 + Math.floor(random() * 200)]}`,
    prefix: () => vocabulary[Math.floor(random() * 50)]!.slice(0, 3),
  };
  const results: Record<string, { p50: number; p95: number; max: number; meanHits: number }> = {};
  for (const [kind, make] of Object.entries(kinds)) {
    const times: number[] = [];
    let hits = 0;
    for (let q = 0; q < queries; q++) {
      const start = performance.now();
      hits += (await repo.searchMessages({ userId, query: make(), limit: 20 })).length;
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) =>
      Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 100) / 100;
    results[kind] = { p50: at(0.5), p95: at(0.95), max: at(1), meanHits: hits / queries };
  }
  console.log(
    JSON.stringify(
      {
        backend: repo.dialect,
        messages: total,
        conversations: conversations.length,
        fillMessagesPerSecond: Math.round(total / fillSeconds),
        searchMs: results,
      },
      null,
      2,
    ),
  );
} finally {
  await repo.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (schema && args['database-url']) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: args['database-url'] });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}
