/**
 * The deployment examples in deploy/. The nginx configuration in deploy/nginx/parley.conf, as docs/self-hosting.md tells operators
 * to use it, run by Debian's nginx in front of a real server: TLS, the HTTP redirect, the
 * WebSocket upgrade for Socket.IO, and X-Request-Id. Only the ports, the certificate paths and
 * the upstream address are replaced. CI installs nginx and sets PARLEY_REQUIRE_NGINX=1, so it
 * never skips there; elsewhere the suite is skipped when nginx is not installed.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
} from './harness.js';

function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const nginxBinary = findNginx();
if (!nginxBinary && process.env.PARLEY_REQUIRE_NGINX)
  throw new Error('nginx is required (PARLEY_REQUIRE_NGINX) but not installed');

/** A GET that trusts the test's self-signed certificate and does not follow redirects. */
function get(url: string): Promise<{ status: number; location?: string; body: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

describe.skipIf(!nginxBinary)('nginx in front of the server (deploy/nginx/parley.conf)', () => {
  let server: TestServer;
  let dir: string;
  let nginx: ChildProcess;
  let httpsUrl: string;
  let httpUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ trustProxy: ['127.0.0.1'] });
    dir = await mkdtemp(join(tmpdir(), 'parley-nginx-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=parley.example.com',
        '-keyout',
        join(dir, 'privkey.pem'),
        '-out',
        join(dir, 'fullchain.pem'),
      ],
      { stdio: 'ignore' },
    );
    const [tlsPort, plainPort] = [await freePort(), await freePort()];
    httpsUrl = `https://127.0.0.1:${tlsPort}`;
    httpUrl = `http://127.0.0.1:${plainPort}`;

    const site = (await readFile(new URL('../../deploy/nginx/parley.conf', import.meta.url), 'utf8'))
      .replaceAll('127.0.0.1:8080', new URL(server.url).host)
      .replaceAll('/etc/letsencrypt/live/parley.example.com/', `${dir}/`)
      .replaceAll(/listen (\[::\]:)?443/g, `listen $1${tlsPort}`)
      .replaceAll(/listen (\[::\]:)?80;/g, `listen $1${plainPort};`);
    await writeFile(join(dir, 'site.conf'), site);
    // The part of /etc/nginx/nginx.conf a site relies on, pointed at the temporary directory.
    await writeFile(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${dir}/access.log;`,
        `  client_body_temp_path ${dir}/body;`,
        `  proxy_temp_path ${dir}/proxy;`,
        `  fastcgi_temp_path ${dir}/fastcgi;`,
        `  uwsgi_temp_path ${dir}/uwsgi;`,
        `  scgi_temp_path ${dir}/scgi;`,
        `  include ${dir}/site.conf;`,
        '}',
      ].join('\n'),
    );
    execFileSync(nginxBinary!, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
    nginx = spawn(nginxBinary!, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    // Ready when it answers.
    for (let attempt = 0; ; attempt++) {
      try {
        await get(`${httpsUrl}/health`);
        break;
      } catch (err) {
        if (attempt > 200) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await get(`${httpUrl}/health`);
    expect(res.status).toBe(301);
    expect(res.location).toMatch(/^https:\/\//);
  });

  it('keeps /metrics away from the internet', async () => {
    expect((await get(`${httpsUrl}/metrics`)).status).toBe(403);
    expect((await get(`${server.url}/metrics`)).status).toBe(200);
  });

  it('proxies the API over TLS', async () => {
    const res = await get(`${httpsUrl}/health`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', protocol: 1 });
  });

  it('carries Socket.IO over a WebSocket through the proxy: a message reaches the other user', async () => {
    const alice = await registerUser(server.url, 'alice');
    const bob = await registerUser(server.url, 'bob');
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);

    // Bob connects through nginx over wss, WebSocket only (no long-polling fallback to hide
    // a missing upgrade).
    const bobSocket: ClientSocket = ioClient(httpsUrl.replace('https', 'wss'), {
      auth: { token: bob.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      rejectUnauthorized: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        bobSocket.once('connect', () => resolve());
        bobSocket.once('connect_error', reject);
      });
      expect(bobSocket.io.engine.transport.name).toBe('websocket');

      const aliceSocket = await connectSocket(server.url, alice.accessToken);
      try {
        const arrived = nextEvent(bobSocket, 'message:new');
        expect((await sendMessage(aliceSocket, conversation.id, 'through nginx')).ok).toBe(true);
        expect((await arrived).message.body).toBe('through nginx');

        // And the other way: Bob sends through the proxy.
        const back = nextEvent(aliceSocket, 'message:new');
        expect((await sendMessage(bobSocket, conversation.id, 'and back')).ok).toBe(true);
        expect((await back).message.body).toBe('and back');
      } finally {
        aliceSocket.close();
      }
    } finally {
      bobSocket.close();
    }
  });
});

const systemdAnalyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!systemdAnalyze)('the systemd unit (deploy/systemd/parley.service)', () => {
  it('passes systemd-analyze verify without a warning', () => {
    const unit = new URL('../../deploy/systemd/parley.service', import.meta.url).pathname;
    // verify exits 0 on directives it ignores, so a clean unit is also one it says nothing about.
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});
