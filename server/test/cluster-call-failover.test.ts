/**
 * Calls survive the loss of a node (issue 11): the node that owns a call (a real
 * `parley-server` process) is killed with SIGKILL; participants on the surviving node get
 * `call:ended` with `connection_lost` and the call record within 15 s, and are free to call
 * again. Needs PARLEY_TEST_DATABASE_URL (postgres://) and PARLEY_TEST_REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ack } from '@parley/shared';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  startTestServer,
  type ClientSocket,
  type TestServer,
} from './harness.js';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
const enabled = Boolean(databaseUrl?.startsWith('postgres') && redisUrl);
if (!enabled) console.info('cluster-call-failover.test.ts skipped: needs PostgreSQL and Redis test URLs');

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const expectOk = <T extends object>(ack: Ack<T>): T => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack;
};

describe.runIf(enabled)('a node that owns calls dies', { timeout: 120_000 }, () => {
  const suffix = randomBytes(6).toString('hex');
  const shared = {
    databaseUrl,
    databaseSchema: `parley_failover_${suffix}`,
    redisUrl,
    redisPrefix: `parley-failover-${suffix}`,
  };
  let survivor: TestServer | undefined;
  let child: ChildProcess | undefined;
  let childDir: string | undefined;
  const sockets: ClientSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    if (child?.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
    if (childDir) await rm(childDir, { recursive: true, force: true });
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${shared.databaseSchema}" cascade`);
    await client.end();
  });

  /** The doomed node: `src/bin.ts` under tsx, on the same database, Redis and secret. */
  async function startDoomed(): Promise<{ child: ChildProcess; url: string }> {
    childDir = await mkdtemp(join(tmpdir(), 'parley-failover-'));
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/bin.ts', '--port', '0', '--host', '127.0.0.1'],
      {
        cwd: serverDir,
        env: {
          ...process.env,
          DATA_DIR: childDir,
          DATABASE_URL: databaseUrl,
          DATABASE_SCHEMA: shared.databaseSchema,
          REDIS_URL: redisUrl,
          REDIS_PREFIX: shared.redisPrefix,
          JWT_SECRET: survivor!.config.jwtSecret,
          SCRYPT_LOG_N: '10',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new Promise((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/[^\s,]+)/.exec(out);
        if (match) resolve({ child: proc, url: match[1]! });
      });
      proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      proc.once('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
    });
  }

  it('ends its calls for the participants on the surviving node, with records, within 15 s', async () => {
    survivor = await startTestServer(shared);
    const doomed = await startDoomed();
    child = doomed.child;
    const open = async (url: string, token: string) => {
      const socket = await connectSocket(url, token);
      sockets.push(socket);
      return socket;
    };
    const [alice, bob, carol, dave] = await Promise.all([
      registerUser(survivor.url),
      registerUser(survivor.url),
      registerUser(survivor.url),
      registerUser(survivor.url),
    ]);
    const aliceBob = await createConversation(survivor.url, alice.accessToken, [bob.user.id]);
    const carolDave = await createConversation(survivor.url, carol.accessToken, [dave.user.id]);
    // Callers on the doomed node (which then owns the calls), callees on the survivor.
    const aliceD = await open(doomed.url, alice.accessToken);
    const carolD = await open(doomed.url, carol.accessToken);
    const bobS = await open(survivor.url, bob.accessToken);
    const daveS = await open(survivor.url, dave.accessToken);

    // Alice–Bob: accepted, in progress.
    const bobRings = nextEvent(bobS, 'call:incoming');
    const { callId: active } = expectOk(
      await aliceD.emitWithAck('call:initiate', { conversationId: aliceBob.id, media: 'audio' }),
    );
    expect((await bobRings).callId).toBe(active);
    const accepted = nextEvent(aliceD, 'call:accepted');
    expectOk(await bobS.emitWithAck('call:accept', { callId: active }));
    await accepted;
    // Carol–Dave: still ringing.
    const daveRings = nextEvent(daveS, 'call:incoming');
    const { callId: ringing } = expectOk(
      await carolD.emitWithAck('call:initiate', { conversationId: carolDave.id, media: 'video' }),
    );
    expect((await daveRings).callId).toBe(ringing);
    // A couple of seconds in the call, so its record has a duration worth counting.
    await new Promise((r) => setTimeout(r, 2000));

    const bobEnded = nextEvent(bobS, 'call:ended', (e) => e.callId === active, 15_000);
    const bobRecord = nextEvent(bobS, 'message:new', (e) => e.message.call?.callId === active, 15_000);
    const daveEnded = nextEvent(daveS, 'call:ended', (e) => e.callId === ringing, 15_000);
    const daveRecord = nextEvent(daveS, 'message:new', (e) => e.message.call?.callId === ringing, 15_000);
    const killedAt = Date.now();
    child.kill('SIGKILL');

    expect(await bobEnded).toEqual({ callId: active, reason: 'connection_lost' });
    expect(await daveEnded).toEqual({ callId: ringing, reason: 'connection_lost' });
    const record = (await bobRecord).message;
    expect(record).toMatchObject({ kind: 'call', senderId: alice.user.id, conversationId: aliceBob.id });
    expect(record.call).toMatchObject({ callId: active, media: 'audio', outcome: 'completed' });
    expect(record.call!.durationSeconds).toBeGreaterThanOrEqual(1);
    expect((await daveRecord).message.call).toMatchObject({
      callId: ringing,
      media: 'video',
      outcome: 'missed',
    });
    const elapsed = Date.now() - killedAt;
    console.info(
      `call failover: both calls ended and recorded ${(elapsed / 1000).toFixed(1)} s after the kill`,
    );
    expect(elapsed).toBeLessThan(15_000);

    // Free again at once (not after the busy entries expire): Bob calls Dave on the survivor.
    const daveRingsAgain = nextEvent(daveS, 'call:incoming');
    const bobDave = await createConversation(survivor.url, bob.accessToken, [dave.user.id]);
    const again = expectOk(
      await bobS.emitWithAck('call:initiate', { conversationId: bobDave.id, media: 'audio' }),
    );
    expect((await daveRingsAgain).callId).toBe(again.callId);
    expectOk(await bobS.emitWithAck('call:cancel', { callId: again.callId }));
  });
});
