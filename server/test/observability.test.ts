/**
 * What an operator watches: `/metrics` scraped as Prometheus would, `/health` with each
 * dependency, and request ids that tie a proxy's log to ours.
 */
import type { HealthResponse } from '@parley/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repository } from '../src/storage/repository.js';
import {
  api,
  connectSocket,
  createConversation,
  openTestRepository,
  registerUser,
  sendMessage,
  startTestServer,
  uniqueName,
  type TestServer,
} from './harness.js';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...args);
  opened.push(server);
  return server;
}

/** The value of one sample, e.g. `parley_connections` or a series with its labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(url: string, token?: string): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describe('/metrics', () => {
  it('counts connections, sends and their acks, and database queries', async () => {
    const server = await start();
    const alice = await registerUser(server.url, uniqueName('alice'));
    const bob = await registerUser(server.url, uniqueName('bob'));
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const [a, b] = [
      await connectSocket(server.url, alice.accessToken),
      await connectSocket(server.url, bob.accessToken),
    ];
    opened.push(a, b);
    for (let i = 0; i < 5; i++) expect((await sendMessage(a, conversation.id, `message ${i}`)).ok).toBe(true);
    expect((await sendMessage(a, conversation.id, '')).ok).toBe(false);

    const { status, text, type } = await scrape(server.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'parley_connections')).toBe(2);
    expect(sample(text, 'parley_authenticated_users')).toBe(2);
    expect(sample(text, 'parley_active_calls')).toBe(0);
    expect(sample(text, 'parley_database_up')).toBe(1);
    expect(sample(text, 'parley_socket_events_total{event="message:send",outcome="ok"}')).toBe(5);
    expect(sample(text, 'parley_socket_events_total{event="message:send",outcome="error"}')).toBe(1);
    expect(sample(text, 'parley_socket_ack_seconds_count{event="message:send"}')).toBe(6);
    expect(sample(text, 'parley_db_query_seconds_count')).toBeGreaterThan(5);
    expect(text).toContain('parley_nodejs_eventloop_lag_seconds');
    if (process.env.PARLEY_TEST_REDIS_URL) expect(sample(text, 'parley_redis_up')).toBe(1);
  });

  it('wants the metrics token when one is configured', async () => {
    const server = await start({ metricsToken: 'scrape-me-please' });
    expect((await scrape(server.url)).status).toBe(401);
    expect((await scrape(server.url, 'wrong-token-of-same-size')).status).toBe(401);
    const ok = await scrape(server.url, 'scrape-me-please');
    expect(ok.status).toBe(200);
    expect(sample(ok.text, 'parley_database_up')).toBe(1);
  });
});

describe('/health', () => {
  it('reports the database (and Redis, where used) as up', async () => {
    const server = await start();
    const res = await api<HealthResponse>(server.url, '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
    expect(res.body.redis).toBe(process.env.PARLEY_TEST_REDIS_URL ? 'up' : undefined);
  });

  it('answers 503 with the database down, and metrics say so', async () => {
    const { repo, close } = await openTestRepository('health');
    opened.push({ close });
    let down = false;
    // The real repository, with a ping that fails while `down` is set.
    const flaky = new Proxy(repo, {
      get(target, key, receiver) {
        if (key === 'ping')
          return () => (down ? Promise.reject(new Error('connection refused')) : target.ping());
        if (key === 'close') return () => Promise.resolve(); // closed by openTestRepository's close
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as Repository;
    const server = await start({}, { repository: flaky });
    expect((await api(server.url, '/health')).status).toBe(200);
    down = true;
    const res = await api<{ error: { code: string }; database: string }>(server.url, '/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'unavailable' }, database: 'down' });
    expect(sample((await scrape(server.url)).text, 'parley_database_up')).toBe(0);
    down = false;
    expect((await api(server.url, '/health')).status).toBe(200);
  });
});

describe('request ids', () => {
  it("takes the proxy's X-Request-Id and hands it back; makes one otherwise", async () => {
    const server = await start();
    const given = await fetch(`${server.url}/api/server`, { headers: { 'x-request-id': 'proxy-7f3a' } });
    expect(given.headers.get('x-request-id')).toBe('proxy-7f3a');
    const made = await fetch(`${server.url}/api/server`);
    expect(made.headers.get('x-request-id')).toMatch(/\S+/);
  });
});
