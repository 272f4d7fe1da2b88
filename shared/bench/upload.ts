/**
 * Upload throughput through the client core: `attachments.upload` with its default transport
 * (the streamed multipart fetch body the desktop's main process uses), progress events on,
 * then `attachments.read` of the same file, against the real server in its own process
 * (server/src/bin.ts under tsx, a fresh data directory), so the two do not share an event loop.
 *
 *   npx tsx shared/bench/upload.ts [megabytes=20] [rounds=5]
 *
 * Prints MB/s per round and the median. Compare with `npx tsx server/bench/upload.ts`
 * (the server alone, fetch with a FormData body).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createParleyClient } from '../src/client/client.js';
import { createMemoryStorage } from '../src/client/memory-storage.js';
import { waitForState } from '../src/client/test-support.js';

const megabytes = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 5);
const bytes = megabytes * 1_000_000;
const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server');

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(serverDir, 'src', 'bin.ts')], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SCRYPT_LOG_N: '10',
      MAX_ATTACHMENT_BYTES: String(bytes * 2),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /https?:\/\/[\w.:[\]-]+/.exec(out);
      if (match) resolve(match[0].replace('0.0.0.0', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { url, child };
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-client-upload-'));
const { url, child } = await startServer(dataDir);
const client = createParleyClient({ storage: createMemoryStorage() });
try {
  const signedUp = await client.auth.signUp({
    serverUrl: url,
    username: `bench${process.pid}`,
    password: 'password-bench',
  });
  if (!signedUp.ok) throw new Error(signedUp.error);
  await waitForState(client, (s) => Boolean(s.server?.limits), 'the server limits');
  const data = randomBytes(bytes);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  let events = 0;
  client.attachments.onUploadProgress(() => events++);
  const up: number[] = [];
  const down: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    const uploaded = await client.attachments.upload(`bench-${round}`, {
      name: 'random.bin',
      type: 'application/octet-stream',
      bytes: buffer,
    });
    if (!uploaded.ok) throw new Error(`upload: ${uploaded.error}`);
    up.push(megabytes / ((performance.now() - start) / 1000));
    start = performance.now();
    const read = await client.attachments.read(uploaded.value.id, 'full');
    if (!read.ok || read.value.bytes.byteLength !== bytes) throw new Error('read back failed');
    down.push(megabytes / ((performance.now() - start) / 1000));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify(
      {
        fileMB: megabytes,
        transport: 'client core, streamed fetch body (the desktop main process)',
        uploadMBps: { median: round1(median(up)), rounds: up.map(round1) },
        readMBps: { median: round1(median(down)), rounds: down.map(round1) },
        progressEventsPerUpload: Math.round(events / rounds),
      },
      null,
      2,
    ),
  );
} finally {
  await client.stop();
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
