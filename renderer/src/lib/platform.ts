/** True on macOS (and iPadOS), where shortcuts use ⌘ instead of Ctrl. */
export const isMac =
  typeof navigator !== 'undefined' && /mac|iphone|ipad/i.test(navigator.platform || navigator.userAgent);

/** The modifier key's label for shortcuts shown in the UI. */
export const modKey = isMac ? '⌘' : 'Ctrl';
