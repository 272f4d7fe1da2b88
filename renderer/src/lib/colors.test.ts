import { describe, expect, it } from 'vitest';
import { AVATAR_PALETTE, avatarColor, contrastRatio, senderNameColors } from './colors';

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe('avatar colours', () => {
  it('are twenty distinct swatches that white initials can be read on (AA)', () => {
    expect(new Set(AVATAR_PALETTE).size).toBeGreaterThanOrEqual(20);
    for (const hex of AVATAR_PALETTE) expect(contrastWithWhite(hex), hex).toBeGreaterThanOrEqual(4.5);
  });

  it('spread ids over the whole palette, the same id always the same colour', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const c = avatarColor(crypto.randomUUID());
      seen.set(c, (seen.get(c) ?? 0) + 1);
    }
    expect(seen.size).toBe(AVATAR_PALETTE.length);
    // No colour takes more than twice its fair share (4000 / 20 = 200).
    for (const count of seen.values()) expect(count).toBeLessThan(400);
    const id = crypto.randomUUID();
    expect(avatarColor(id)).toBe(avatarColor(id));
  });

  it('give group sender names a readable variant on both bubbles', () => {
    for (let i = 0; i < 200; i++) {
      const { light, dark } = senderNameColors(crypto.randomUUID());
      expect(contrastRatio(light, '#f0f2f5')).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(dark, '#22262e')).toBeGreaterThanOrEqual(4.5);
    }
  });
});
