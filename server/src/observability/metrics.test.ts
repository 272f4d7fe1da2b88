import { describe, expect, it } from 'vitest';
import { createMetrics, type MetricSources } from './metrics.js';

function sources(overrides: Partial<MetricSources> = {}): MetricSources {
  return {
    connections: () => 3,
    authenticatedUsers: () => Promise.resolve(2),
    activeCalls: () => 1,
    pingDatabase: () => Promise.resolve(),
    ...overrides,
  };
}

/** The value of one sample line, e.g. `parley_connections 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('server metrics', () => {
  it('reads the gauges from their sources at scrape time', async () => {
    let connections = 3;
    const metrics = createMetrics(sources({ connections: () => connections, redisUp: () => true }));
    expect(sample(await metrics.render(), 'parley_connections')).toBe(3);
    connections = 7;
    const text = await metrics.render();
    expect(sample(text, 'parley_connections')).toBe(7);
    expect(sample(text, 'parley_authenticated_users')).toBe(2);
    expect(sample(text, 'parley_active_calls')).toBe(1);
    expect(sample(text, 'parley_database_up')).toBe(1);
    expect(sample(text, 'parley_redis_up')).toBe(1);
    expect(text).toContain('parley_nodejs_eventloop_lag_seconds');
  });

  it('reports the database down, and leaves Redis out when there is none', async () => {
    const metrics = createMetrics(sources({ pingDatabase: () => Promise.reject(new Error('down')) }));
    const text = await metrics.render();
    expect(sample(text, 'parley_database_up')).toBe(0);
    expect(text).not.toContain('parley_redis_up');
  });

  it('counts events by outcome and records ack and query durations', async () => {
    const metrics = createMetrics(sources());
    metrics.observeEvent('message:send', 'ok', 0.004);
    metrics.observeEvent('message:send', 'ok', 0.02);
    metrics.observeEvent('message:send', 'error', 0.001);
    metrics.observeQuery(0.0003);
    const text = await metrics.render();
    expect(sample(text, 'parley_socket_events_total{event="message:send",outcome="ok"}')).toBe(2);
    expect(sample(text, 'parley_socket_events_total{event="message:send",outcome="error"}')).toBe(1);
    expect(sample(text, 'parley_socket_ack_seconds_count{event="message:send"}')).toBe(3);
    expect(sample(text, 'parley_socket_ack_seconds_bucket{le="0.005",event="message:send"}')).toBe(2);
    expect(sample(text, 'parley_db_query_seconds_count')).toBe(1);
  });

  it('keeps two servers in one process apart', async () => {
    const a = createMetrics(sources({ connections: () => 1 }));
    const b = createMetrics(sources({ connections: () => 9 }));
    a.observeEvent('typing:start', 'ok', 0.001);
    expect(sample(await a.render(), 'parley_connections')).toBe(1);
    expect(sample(await b.render(), 'parley_connections')).toBe(9);
    expect(await b.render()).not.toContain('event="typing:start"');
  });
});
