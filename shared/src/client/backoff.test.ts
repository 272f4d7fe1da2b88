import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay (exponential, full jitter)', () => {
  const top = () => 0.999_999;

  it('doubles the ceiling per attempt from the initial delay', () => {
    const ceilings = [0, 1, 2, 3, 4].map((n) =>
      backoffDelay(n, { initialDelayMs: 500, maxDelayMs: 30_000 }, top),
    );
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999]);
  });

  it('caps the ceiling at maxDelayMs and never gives up', () => {
    expect(backoffDelay(6, { initialDelayMs: 500, maxDelayMs: 30_000 }, top)).toBe(29_999);
    for (const attempt of [7, 50, 1000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 30_000 }, top);
      expect(delay).toBe(29_999);
    }
  });

  it('spreads delays over the whole range [0, ceiling) (full jitter)', () => {
    expect(backoffDelay(3, {}, () => 0)).toBe(0);
    expect(backoffDelay(3, {}, () => 0.5)).toBe(2000);
    const samples = Array.from({ length: 200 }, () => backoffDelay(4, {}));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(8000);
    // 200 uniform samples all in one half of the range would be a broken jitter.
    expect(samples.some((d) => d < 4000)).toBe(true);
    expect(samples.some((d) => d >= 4000)).toBe(true);
  });

  it('defaults to 500 ms and 30 s', () => {
    expect(backoffDelay(0, {}, top)).toBe(499);
    expect(backoffDelay(20, {}, top)).toBe(29_999);
  });

  it('tolerates nonsense options', () => {
    expect(backoffDelay(-3, { initialDelayMs: 100 }, top)).toBe(99);
    expect(backoffDelay(2, { initialDelayMs: 0, maxDelayMs: -5 }, top)).toBe(0);
  });
});
