/**
 * Upload and download throughput of one large attachment.
 *
 *   npx tsx server/bench/upload.ts                  # a 20 MB file, 5 rounds
 *   npx tsx server/bench/upload.ts --mb 20 --rounds 5 --image
 *
 * The server runs as its own process (src/bin.ts under tsx) on a fresh data dir, so the
 * client does not share its event loop. The file is random bytes (nothing to sniff, stored
 * as application/octet-stream); `--image` uploads a noisy JPEG of about that size instead,
 * which adds decoding and the thumbnail. Prints MB/s per round and the median, for the
 * upload (POST /api/attachments, multipart, until the 201) and the download (GET, all bytes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AttachmentResponse, AuthResponse } from '@parley/shared';
import sharp from 'sharp';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '5' },
    image: { type: 'boolean', default: false },
  },
});
const bytes = Number(args.mb) * 1_000_000;
const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(serverDir, 'src', 'bin.ts')], {
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

async function makeFile(): Promise<{ data: Buffer; name: string; type: string }> {
  if (!args.image) return { data: randomBytes(bytes), name: 'random.bin', type: 'application/octet-stream' };
  // Noise compresses badly, so a JPEG of this many pixels lands near the requested size.
  const side = Math.round(Math.sqrt(bytes / 1.5));
  const raw = randomBytes(side * side * 3);
  const data = await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
  return { data, name: 'noise.jpg', type: 'image/jpeg' };
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-upload-'));
const { url, child } = await startServer(dataDir);
try {
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `bench${process.pid}`, password: 'password-bench' }),
  });
  const { accessToken } = (await res.json()) as AuthResponse;
  const file = await makeFile();
  const mb = file.data.length / 1_000_000;
  const up: number[] = [];
  const down: number[] = [];
  for (let round = 0; round < Number(args.rounds); round++) {
    const form = new FormData();
    form.append('file', new Blob([file.data], { type: file.type }), file.name);
    let start = performance.now();
    const posted = await fetch(`${url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      body: form,
    });
    if (posted.status !== 201) throw new Error(`upload: ${posted.status} ${await posted.text()}`);
    const { attachment } = (await posted.json()) as AttachmentResponse;
    up.push(mb / ((performance.now() - start) / 1000));
    start = performance.now();
    const got = await fetch(`${url}/api/attachments/${attachment.id}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const length = (await got.arrayBuffer()).byteLength;
    if (length !== file.data.length) throw new Error(`download: ${length} bytes`);
    down.push(mb / ((performance.now() - start) / 1000));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify(
      {
        fileMB: round1(mb),
        type: file.type,
        uploadMBps: { median: round1(median(up)), rounds: up.map(round1) },
        downloadMBps: { median: round1(median(down)), rounds: down.map(round1) },
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
