/**
 * Which errors mean "a dependency is out of reach" (answered `unavailable`, retryable) rather
 * than a bug (`internal`). The ioredis cases were found by the two-node fault scenario
 * (faults.test.ts): sends during a Redis restart were answered `internal`.
 */
import { describe, expect, it } from 'vitest';
import { isUnavailableError, unexpectedError } from '../src/errors.js';

describe('isUnavailableError', () => {
  it('counts ioredis errors while Redis is down as unavailable', async () => {
    const { Redis } = await import('ioredis');
    // Nothing listens on port 1: every command runs out of its retries.
    const redis = new Redis({ port: 1, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 10 });
    redis.on('error', () => {});
    const err = await redis.get('x').catch((e: unknown) => e);
    redis.disconnect();
    expect((err as Error).name).toBe('MaxRetriesPerRequestError');
    expect(isUnavailableError(err)).toBe(true);
    expect(unexpectedError(err).code).toBe('unavailable');
    // ioredis' words for a command on a connection it has closed, or with no offline queue.
    expect(isUnavailableError(new Error('Connection is closed.'))).toBe(true);
    expect(
      isUnavailableError(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
  });

  it('leaves other errors internal', () => {
    expect(unexpectedError(new TypeError('x is undefined')).code).toBe('internal');
    expect(isUnavailableError(new Error('Connection is fine'))).toBe(false);
  });
});
