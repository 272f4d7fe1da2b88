/**
 * Avatar colours: twenty clearly different hues, each dark enough that white initials meet
 * WCAG AA (4.5:1) in both themes (ten made people collide: Bob, Dave and a group all
 * orange). The index comes from a stable hash of the user (or conversation) id, so the same
 * person has the same colour on every device.
 */
const PALETTE = [
  '#b91c1c', // red
  '#c2410c', // orange
  '#92400e', // brown
  '#854d0e', // ochre
  '#4d7c0f', // lime
  '#15803d', // green
  '#047857', // emerald
  '#0f766e', // teal
  '#0e7490', // cyan
  '#0369a1', // sky
  '#1d4ed8', // blue
  '#4f46e5', // indigo
  '#6d28d9', // violet
  '#7e22ce', // purple
  '#a21caf', // fuchsia
  '#be185d', // pink
  '#be123c', // rose
  '#57534e', // stone
  '#475569', // slate
  '#3f6212', // olive
] as const;

/** Every avatar colour (for tests and pickers). */
export const AVATAR_PALETTE: readonly string[] = PALETTE;

/** FNV-1a: tiny, stable across platforms, spreads similar ids well. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function avatarColor(id: string): string {
  return PALETTE[hashString(id) % PALETTE.length] ?? PALETTE[0];
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** `hex` moved `amount` (0..1) of the way towards `to`. */
function mix(hex: string, to: string, amount: number): string {
  const [a, b] = [channels(hex), channels(to)];
  return `#${a
    .map((v, i) =>
      Math.round(v + ((b[i] ?? v) - v) * amount)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The theirs-bubble backgrounds sender names sit on (styles.css `--bubble-theirs`). */
const BUBBLE = { light: '#f0f2f5', dark: '#22262e' } as const;

/**
 * A sender's name colour in a group: their avatar colour, lightened on the dark theme (and
 * darkened on the light one where needed) just enough to read at 4.5:1 on the bubble.
 */
export function senderNameColors(id: string): { light: string; dark: string } {
  const base = avatarColor(id);
  const readable = (towards: string, bg: string) => {
    for (let step = 0; step <= 20; step++) {
      const c = mix(base, towards, step / 20);
      if (contrastRatio(c, bg) >= 4.5) return c;
    }
    return towards;
  };
  return { light: readable('#000000', BUBBLE.light), dark: readable('#ffffff', BUBBLE.dark) };
}
