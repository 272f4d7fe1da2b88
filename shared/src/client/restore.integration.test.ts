/**
 * Backup, restore and the data epoch, end to end: a real server (SQLite) keeps writing while
 * `parley-server backup` runs as its own process; the backup is restored into a new data
 * directory (`parley-server restore`) and a server started on it. A client core that held
 * newer seqs than the backup sees the new epoch, drops its cache and shows exactly the
 * restored server's history, and its outbox is sent again rather than lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, ServerInfo } from '../protocol/index.js';
import { waitForState } from './test-support.js';
import {
  cleanups,
  harness,
  runCleanups,
  server,
  serverHistory,
  signedUpClient,
  stored,
  type TestServer,
} from './integration-support.js';

afterEach(runCleanups);

/** server/test/backup-support.ts, typed here by what is used (see integration-support.ts). */
interface BackupSupport {
  tempFolder(prefix: string): Promise<{ join(...parts: string[]): string; remove(): Promise<void> }>;
  backupProcess(dataDir: string, file: string): Promise<{ code: number | null; out: string; err: string }>;
  restoreInto(file: string, dataDir: string): Promise<{ code: number; out: string }>;
}
const backupSupportPath = '../../../server/test/backup-support.js';
const support = (await import(/* @vite-ignore */ backupSupportPath)) as BackupSupport;

/** A server on SQLite in `dataDir` (even where the suites run on PostgreSQL), JWT secret in its file. */
function sqliteServer(dataDir: string, port = 0): Promise<TestServer> {
  const start = server as unknown as (o: Record<string, unknown>) => Promise<TestServer>;
  return start({ dataDir, databaseUrl: `sqlite:${dataDir}/parley.db`, jwtSecret: undefined, port });
}

const epochOf = async (url: string) => (await harness.api<ServerInfo>(url, '/api/server')).body.epoch;

describe('backup and restore with a new epoch', { timeout: 120_000 }, () => {
  it('a consistent backup while writing; a client holding newer seqs catches up on the restored data', async () => {
    const work = await support.tempFolder('parley-restore-');
    cleanups.push(() => work.remove());
    const dirA = work.join('a');
    const dirB = work.join('b');
    const file = work.join('parley-backup.db');

    const a = await sqliteServer(dirA);
    const port = Number(new URL(a.url).port);
    const alice = await signedUpClient(a.url);
    const bob = await harness.registerUser(a.url);
    const { id: conversationId } = await harness.createConversation(a.url, bob.accessToken, [alice.user.id]);
    await waitForState(
      alice.client,
      (s) => s.conversations.some((c) => c.id === conversationId),
      'the conversation',
    );
    expect((await alice.client.conversations.open(conversationId)).ok).toBe(true);

    // Bob writes without pause (one message at a time, so message n has seq n).
    const bobA = await harness.connectSocket(a.url, bob.accessToken);
    let acked = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const ack = await bobA.emitWithAck('message:send', {
          conversationId,
          clientId: crypto.randomUUID(),
          body: `m${acked + 1}`,
        });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
        acked++;
      }
    })();
    while (acked < 20) await new Promise((r) => setTimeout(r, 10));
    const ackedAtStart = acked;
    const backup = await support.backupProcess(dirA, file);
    const ackedAtEnd = acked;
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toMatch(/backup written to/);
    // Then more: the client will hold seqs the backup does not have.
    const target = acked + 30;
    while (acked < target) await new Promise((r) => setTimeout(r, 10));
    writing = false;
    await writer;
    const total = acked;
    await waitForState(
      alice.client,
      (s) => stored(s.messages[conversationId]?.items).at(-1)?.seq === total,
      `alice holding all ${total} messages`,
    );
    const epochA = await epochOf(a.url);

    // The server goes; alice is offline while it is restored and written to again.
    alice.client.networkChanged(false);
    bobA.close();
    await a.close({ keepData: true });
    const restored = await support.restoreInto(file, dirB);
    expect(restored.code, restored.out).toBe(0);
    const b = await sqliteServer(dirB, port);
    expect(b.url).toBe(a.url);
    const epochB = await epochOf(b.url);
    expect(epochA).toEqual(expect.any(String));
    expect(epochB).toEqual(expect.any(String));
    expect(epochB).not.toBe(epochA);

    // Consistent: every message acked before the backup began, seqs 1..k without a hole, and
    // nothing written after it finished. Bob's old token works: the JWT secret came along.
    const history = await serverHistory(b.url, bob.accessToken, conversationId);
    const k = history.length;
    expect(k).toBeGreaterThanOrEqual(ackedAtStart);
    expect(k).toBeLessThanOrEqual(ackedAtEnd);
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    expect(history.map((m) => m.body)).toEqual(Array.from({ length: k }, (_, i) => `m${i + 1}`));

    // On the restored server, bob writes past the seqs alice holds: the same seqs, other messages.
    const bobB = await harness.connectSocket(b.url, bob.accessToken);
    cleanups.push(() => bobB.close());
    for (let i = 1; i <= total - k + 5; i++) {
      const ack = await bobB.emitWithAck('message:send', {
        conversationId,
        clientId: crypto.randomUUID(),
        body: `after restore ${i}`,
      });
      expect(ack.ok).toBe(true);
    }
    // Alice wrote while offline: her outbox is sent again, to the restored server.
    const queued = await alice.client.messages.send(conversationId, 'written while offline');
    if (!queued.ok) throw new Error(queued.error);

    alice.client.networkChanged(true);
    const final = await serverHistoryWhen(b.url, bob.accessToken, conversationId, (h) =>
      h.some((m) => m.body === 'written while offline'),
    );
    const state = await waitForState(
      alice.client,
      (s) => stored(s.messages[conversationId]?.items).at(-1)?.seq === final.at(-1)!.seq,
      'alice caught up on the restored server',
    );
    const shown = stored(state.messages[conversationId]!.items);
    // Exactly the restored history (the newest page of it and everything after), nothing from before.
    const expected = final.slice(final.length - shown.length);
    expect(shown.map((m) => [m.seq, m.body])).toEqual(expected.map((m) => [m.seq, m.body]));
    expect(shown.some((m) => m.body === `m${k + 1}`)).toBe(false);
    expect(final.filter((m) => m.body === 'written while offline')).toHaveLength(1);
    const summary = state.conversations.find((c) => c.id === conversationId)!;
    expect(summary.lastSeq).toBe(final.at(-1)!.seq);
    expect(summary.lastMessage?.body).toBe('written while offline');
  });
});

/** The server's history once `ready` holds of it. */
async function serverHistoryWhen(
  url: string,
  token: string,
  conversationId: string,
  ready: (history: Message[]) => boolean,
): Promise<Message[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const history = await serverHistory(url, token, conversationId);
    if (ready(history)) return history;
    if (Date.now() > deadline) throw new Error('the outbox never reached the restored server');
    await new Promise((r) => setTimeout(r, 100));
  }
}
