/**
 * One run of the `store` bench in a process of its own (so its CPU is only this): opens a
 * fresh SQLite repository as the server does (the writer thread, or the main connection with
 * PARLEY_SQLITE_WRITER=main), stores `messages` plain messages paced at `rate` per second into
 * 100 group conversations of 10, and prints the process CPU per stored message as JSON.
 *   tsx server/bench/store-worker.ts <rate> <messages>
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openRepository } from '../src/storage/database.js';

const [rate = 500, messages = 4000] = process.argv.slice(2).map(Number);
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-store-'));
const repo = await openRepository({ ...loadConfig({}, []), dataDir, databaseUrl: undefined });
const now = () => new Date().toISOString();
const users: string[] = [];
for (let i = 0; i < 10; i++) {
  users.push((await repo.createUser({ username: `u${i}`, displayName: `U${i}`, passwordHash: 'x' })).id);
}
const conversations: string[] = [];
for (let i = 0; i < 100; i++) {
  const created = await repo.createConversation({
    type: 'group',
    title: `g${i}`,
    createdBy: users[0]!,
    memberIds: users,
    now: now(),
  });
  conversations.push(created.conversationId);
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
const stored: Promise<unknown>[] = [];
for (let i = 0; i < messages; i++) {
  const wait = started + (i * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  stored.push(
    repo.insertMessage({
      conversationId: conversations[i % conversations.length]!,
      senderId: users[i % users.length]!,
      clientId: randomUUID(),
      kind: 'text',
      body: `message ${i}: the quick brown fox jumps over the lazy dog`,
      replyToId: null,
      call: null,
      now: now(),
    }),
  );
}
await Promise.all(stored);
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - started) / 1000;
await repo.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    cpuUsPerMessage: (cpu.user + cpu.system) / messages,
    userUsPerMessage: cpu.user / messages,
    systemUsPerMessage: cpu.system / messages,
    coreShare: (cpu.user + cpu.system) / 1e6 / seconds,
  }),
);
