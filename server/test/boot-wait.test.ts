/**
 * The real `parley-server` bin started while PostgreSQL is out of reach: it says so and keeps
 * retrying instead of exiting, and serves as soon as the database answers. The database is
 * the machine's PostgreSQL behind a TCP forwarder that only opens after the server started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** A free port on 127.0.0.1, by asking the OS for one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Forwards 127.0.0.1:`port` to PostgreSQL once `open()` is called; refuses until then. */
function forwarder(port: number, target: URL): { open(): Promise<void>; close(): void } {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    open: () =>
      new Promise((resolve) => {
        server = createServer((client) => {
          const upstream = connect(Number(target.port || 5432), target.hostname);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => undefined);
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}

describe.skipIf(!pgUrl)('parley-server waits for its database at boot', () => {
  it('logs that it is waiting, retries, and serves once PostgreSQL answers', async () => {
    const target = new URL(pgUrl!);
    const port = await freePort();
    const proxy = forwarder(port, target);
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(pgUrl!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(port);
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-boot-'));
    const schema = `parley_boot_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
    cleanups.push(async () => {
      await rm(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    });

    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/bin.ts', '--port', '0', '--host', '127.0.0.1'],
      {
        cwd: serverDir,
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          DATABASE_URL: viaProxy.toString(),
          DATABASE_SCHEMA: schema,
          REDIS_URL: '',
          LOG_LEVEL: 'warn',
          SCRYPT_LOG_N: '10',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    const seen = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) resolve(match);
        };
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          check();
        });
        child.once('exit', (code) => reject(new Error(`parley-server exited (${code}): ${out}`)));
        check();
      });

    // Two refused attempts, each one logged as a JSON line, and still running.
    await seen(/out of reach; retrying[^\n]*\n[^\n]*out of reach; retrying/);
    expect(child.exitCode).toBeNull();
    for (const line of out.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();

    await proxy.open();
    const [, url] = await seen(/listening on (http:\/\/[^\s,"]+)/);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ database: 'up' });
  });
});
