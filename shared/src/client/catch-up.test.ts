import { describe, expect, it } from 'vitest';
import { isSaneChangePage } from './catch-up.js';
import { message } from './module-test-support.js';

describe('change pages', () => {
  const page = (versions: number[], version: number, more = false) => ({
    messages: versions.map((v, i) => message(i + 1, { version: v })),
    version,
    more,
  });

  it('accepts ascending versions after sinceVersion, up to the conversation version', () => {
    expect(isSaneChangePage(page([3, 4, 7], 7), 'c1', 2)).toBe(true);
    expect(isSaneChangePage(page([], 5), 'c1', 5)).toBe(true);
    expect(isSaneChangePage(page([3], 9, true), 'c1', 2)).toBe(true);
  });

  it('refuses what would corrupt the window: other conversations, old or future versions, loops', () => {
    expect(
      isSaneChangePage(
        { ...page([3], 3), messages: [message(1, { version: 3, conversationId: 'x' })] },
        'c1',
        2,
      ),
    ).toBe(false);
    expect(isSaneChangePage(page([2], 3), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([4, 3], 4), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([3, 99], 4), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([], 1), 'c1', 2)).toBe(false);
    expect(isSaneChangePage(page([], 9, true), 'c1', 2)).toBe(false);
    expect(isSaneChangePage({ ...page([3], 3), messages: [message(1, { version: null })] }, 'c1', 2)).toBe(
      false,
    );
  });
});
