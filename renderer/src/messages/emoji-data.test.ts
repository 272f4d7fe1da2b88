import { describe, expect, it } from 'vitest';
import { loadEmojiCategories, searchEmoji } from './emoji-data';

describe('emoji data', () => {
  it('loads named categories and finds emoji by name and keyword', async () => {
    const categories = await loadEmojiCategories();
    expect(categories.map((c) => c.label)).toContain('Smileys & people');
    expect(categories.flatMap((c) => c.emojis).length).toBeGreaterThan(1500);
    expect(searchEmoji(categories, 'thumbs').map((e) => e.native)).toContain('👍');
    expect(searchEmoji(categories, 'pizza').map((e) => e.native)).toEqual(['🍕']);
    expect(searchEmoji(categories, 'crescent MOON').map((e) => e.native)).toContain('🌙');
    expect(searchEmoji(categories, '  ')).toEqual([]);
  });
});
