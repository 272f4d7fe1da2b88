import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import type { ConversationListResponse, ErrorResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createConversation, registerUser, startTestServer, type TestServer } from './harness.js';

const html = { accept: 'text/html,application/xhtml+xml' };

const bigScript = `console.log(${JSON.stringify('parley '.repeat(2000))});`;

describe('web client', () => {
  let webDir: string;
  let server: TestServer;
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'parley-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Parley</title><div id="root"></div>');
    await writeFile(join(webDir, 'assets', 'app.js'), 'console.log("parley")');
    // What the build writes next to a large file (renderer/precompress.ts).
    await writeFile(join(webDir, 'assets', 'big.js'), bigScript);
    await writeFile(join(webDir, 'assets', 'big.js.br'), brotliCompressSync(bigScript));
    server = await startTestServer({ webDir });
  });
  afterAll(async () => {
    await server.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / and the assets', async () => {
    const index = await api<string>(server.url, '/', { headers: html });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    const asset = await fetch(`${server.url}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('serves / without an HTML Accept header too (the offline shell precaches it that way)', async () => {
    const root = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
  });

  it("sends the build's precompressed copy to a browser that accepts it, and the plain file to others", async () => {
    const br = await fetch(`${server.url}/assets/big.js`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toContain('javascript');
    expect(await br.text()).toBe(bigScript); // fetch decodes it: compressed once, not twice
    const plain = await fetch(`${server.url}/assets/big.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(bigScript);
  });

  it('compresses API answers for clients that accept it (the conversation list)', async () => {
    const me = await registerUser(server.url);
    for (let i = 0; i < 5; i++) {
      const other = await registerUser(server.url);
      await createConversation(server.url, me.accessToken, [other.user.id]);
    }
    const get = (encoding: string) =>
      fetch(`${server.url}/api/conversations`, {
        headers: { authorization: `Bearer ${me.accessToken}`, 'accept-encoding': encoding },
      });
    const gzip = await get('gzip');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    const br = await get('br');
    expect(br.headers.get('content-encoding')).toBe('br');
    const plain = await get('identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const lists = (await Promise.all([gzip.json(), br.json(), plain.json()])) as ConversationListResponse[];
    expect(lists[0]!.conversations).toHaveLength(5);
    expect(lists[1]).toEqual(lists[2]);
    expect(lists[0]).toEqual(lists[2]);
  });

  it('falls back to index.html for client-side routes, but not for the API', async () => {
    const route = await api<string>(server.url, '/conversations/123', { headers: html });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    const apiMiss = await api<ErrorResponse>(server.url, '/api/nope', { headers: html });
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.body.error.code).toBe('not_found');
    const missingAsset = await api<ErrorResponse>(server.url, '/assets/missing.js');
    expect(missingAsset.status).toBe(404);
  });
});

describe('without a built web client', () => {
  it('answers / with a page saying how to build it', async () => {
    const server = await startTestServer({ webDir: join(tmpdir(), 'parley-no-such-web-dir') });
    try {
      const res = await api<string>(server.url, '/', { headers: html });
      expect(res.status).toBe(200);
      expect(res.body).toContain('npm run build:web');
      expect((await api(server.url, '/api/nope')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('GET /health', () => {
  it('answers 503 when the database is unreachable', async () => {
    const server = await startTestServer();
    try {
      expect((await api(server.url, '/health')).status).toBe(200);
      await server.server.repository.close();
      const res = await api<ErrorResponse>(server.url, '/health');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
    } finally {
      await server.close();
    }
  });
});
