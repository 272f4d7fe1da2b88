import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorResponse } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './harness.js';

const html = { accept: 'text/html,application/xhtml+xml' };

describe('web client', () => {
  let webDir: string;
  let server: TestServer;
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'parley-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Parley</title><div id="root"></div>');
    await writeFile(join(webDir, 'assets', 'app.js'), 'console.log("parley")');
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
