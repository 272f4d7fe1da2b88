import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from './config.js';
import { AppError } from './errors.js';

/**
 * The server's rate limits. In memory for one node; a Redis-backed limiter
 * (RateLimiterRedis) fits behind the same fields when several nodes must share counts.
 */
export interface RateLimits {
  /** Messages per user per 10 s. */
  messages: RateLimiterAbstract;
  /** Login attempts per username + IP per 15 min; a successful login clears the count. */
  login: RateLimiterAbstract;
}

export function createMemoryRateLimits(config: Config): RateLimits {
  return {
    messages: new RateLimiterMemory({ keyPrefix: 'msg', points: config.messageRate, duration: 10 }),
    login: new RateLimiterMemory({ keyPrefix: 'login', points: config.loginRate, duration: 15 * 60 }),
  };
}

/** Takes one point; over the limit becomes `rate_limited` saying when to retry. */
export async function consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError('rate_limited', `Too many ${what}; try again in ${seconds} s`);
    }
    throw err;
  }
}
