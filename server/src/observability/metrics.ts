import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the metrics read at scrape time. Each server owns its sources, so several servers in one
 * process (the tests) never share a number.
 */
export interface MetricSources {
  /** Engine.IO connections on this node. */
  connections(): number;
  /** Users with at least one connected device, across nodes. */
  authenticatedUsers(): Promise<number>;
  /** Calls ringing or in progress that this node owns. */
  activeCalls(): number;
  /** Resolves when the database answers; rejects when it does not. */
  pingDatabase(): Promise<void>;
  /** Whether Redis is connected; undefined when the server runs without Redis. */
  redisUp?: () => boolean;
}

/** The outcome of one socket event, as the ack answered it. */
export type EventOutcome = 'ok' | 'error';

export interface ServerMetrics {
  readonly registry: Registry;
  /** One handled socket event and the time from its arrival to its ack. */
  observeEvent(event: string, outcome: EventOutcome, seconds: number): void;
  /** One database query's duration (from Kysely's query log). */
  observeQuery(seconds: number): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

/**
 * Prometheus metrics for one server: the Node defaults (event-loop lag, heap, GC) under
 * `parley_`, plus what an operator of a messenger asks first: who is connected, how many
 * messages go through, how long acks take, how slow the database is, and whether the
 * database and Redis are up.
 */
export function createMetrics(sources: MetricSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });

  new Gauge({
    name: 'parley_connections',
    help: 'Socket.IO connections on this node',
    registers: [registry],
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'parley_authenticated_users',
    help: 'Users with at least one connected device (all nodes)',
    registers: [registry],
    async collect() {
      this.set(await sources.authenticatedUsers().catch(() => 0));
    },
  });
  new Gauge({
    name: 'parley_active_calls',
    help: 'Calls ringing or in progress owned by this node',
    registers: [registry],
    collect() {
      this.set(sources.activeCalls());
    },
  });
  new Gauge({
    name: 'parley_database_up',
    help: '1 when the database answers a ping, else 0',
    registers: [registry],
    async collect() {
      this.set(
        await sources.pingDatabase().then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  if (sources.redisUp) {
    const redisUp = sources.redisUp;
    new Gauge({
      name: 'parley_redis_up',
      help: '1 when the Redis connection is ready, else 0',
      registers: [registry],
      collect() {
        this.set(redisUp() ? 1 : 0);
      },
    });
  }

  // messages per second = rate(parley_socket_events_total{event="message:send",outcome="ok"}[1m])
  const events = new Counter({
    name: 'parley_socket_events_total',
    help: 'Socket events handled, by event name and ack outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'parley_socket_ack_seconds',
    help: 'Time from a socket event arriving to its ack (includes the commit)',
    labelNames: ['event'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const querySeconds = new Histogram({
    name: 'parley_db_query_seconds',
    help: 'Database query duration',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });

  return {
    registry,
    observeEvent(event, outcome, seconds) {
      events.inc({ event, outcome });
      ackSeconds.observe({ event }, seconds);
    },
    observeQuery(seconds) {
      querySeconds.observe(seconds);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
