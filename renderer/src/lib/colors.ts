/**
 * Avatar colours: a fixed palette picked so white initials meet WCAG AA on every swatch in
 * both themes. The index comes from a stable hash of the user (or conversation) id, so the
 * same person has the same colour on every device.
 */
const PALETTE = [
  '#c2410c', // orange
  '#b91c1c', // red
  '#be185d', // pink
  '#7e22ce', // purple
  '#4f46e5', // indigo
  '#1d4ed8', // blue
  '#0e7490', // cyan
  '#047857', // emerald
  '#4d7c0f', // lime
  '#a16207', // amber
] as const;

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
