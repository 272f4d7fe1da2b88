import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from './coalesce.js';

describe('createCoalescer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns a burst of changes into one push per interval', () => {
    const push = vi.fn();
    const coalescer = createCoalescer(push, 16);
    for (let i = 0; i < 100; i++) coalescer.schedule();
    expect(push).not.toHaveBeenCalled();
    vi.advanceTimersByTime(16);
    expect(push).toHaveBeenCalledTimes(1);
    coalescer.schedule();
    vi.advanceTimersByTime(16);
    expect(push).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(push).toHaveBeenCalledTimes(2);
  });

  it('flushes a pending change at once, and only a pending one', () => {
    const push = vi.fn();
    const coalescer = createCoalescer(push, 16);
    coalescer.flush();
    expect(push).not.toHaveBeenCalled();
    coalescer.schedule();
    coalescer.flush();
    expect(push).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    expect(push).toHaveBeenCalledTimes(1);
  });

  it('drops a pending change on cancel', () => {
    const push = vi.fn();
    const coalescer = createCoalescer(push, 16);
    coalescer.schedule();
    coalescer.cancel();
    vi.advanceTimersByTime(100);
    expect(push).not.toHaveBeenCalled();
  });
});
