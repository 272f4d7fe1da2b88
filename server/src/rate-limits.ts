import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from './config.js';
import { AppError } from './errors.js';

/**
 * The server's rate limits. In memory for one node; with REDIS_URL the same table is built on
 * RateLimiterRedis (src/scale/redis.ts), so every node shares the counts.
 */
export interface RateLimits {
  /** Messages per user per 10 s. */
  messages: RateLimiterAbstract;
  /** Login attempts per username + IP per 15 min; a successful login clears the count. */
  login: RateLimiterAbstract;
  /**
   * Login attempts per IP per 15 min, over all usernames (ten times `login`): one address
   * cannot try one password against many accounts.
   */
  loginByAddress: RateLimiterAbstract;
  /** Calls a user may start per minute: each rings every callee device and leaves a record. */
  calls: RateLimiterAbstract;
  /** Sign-up attempts per address per hour: each costs a memory-hard hash and makes an account. */
  registrations: RateLimiterAbstract;
}

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** Builds every limit with `make` (a memory or a Redis limiter), from the one table here. */
export function createRateLimits(
  config: Config,
  make: (options: LimiterOptions) => RateLimiterAbstract,
): RateLimits {
  return {
    messages: make({ keyPrefix: 'msg', points: config.messageRate, duration: 10 }),
    login: make({ keyPrefix: 'login', points: config.loginRate, duration: 15 * 60 }),
    loginByAddress: make({ keyPrefix: 'login-ip', points: config.loginRate * 10, duration: 15 * 60 }),
    calls: make({ keyPrefix: 'call', points: config.callRate, duration: 60 }),
    registrations: make({ keyPrefix: 'register', points: config.registrationRate, duration: 3600 }),
  };
}

export function createMemoryRateLimits(config: Config): RateLimits {
  return createRateLimits(config, (options) => new RateLimiterMemory(options));
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
