import { useEffect, useRef } from 'react';
import { modKey } from '../lib/platform';

/**
 * Minimising a call to a floating tile: the keyboard shortcut and where the tile sits.
 *
 * The shortcut is Ctrl/Cmd+Shift+P ("picture-in-picture"); it toggles both ways, so the same
 * keys bring the call back from anywhere in the app. Ctrl+Shift+M/V/E are left alone: other
 * call apps use them for mute, camera and end, and people bring those habits along.
 */
export const MINIMISE_KEYS = {
  /** For `aria-keyshortcuts` (WAI-ARIA key names). */
  aria: 'Control+Shift+P Meta+Shift+P',
  /** For titles and tooltips. */
  label: `${modKey}+Shift+P`,
} as const;

export function isMinimiseShortcut(
  e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'key' | 'code'>,
): boolean {
  return (
    (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && (e.code === 'KeyP' || e.key.toLowerCase() === 'p')
  );
}

/** Calls `toggle` on the shortcut while `enabled` (the call is active). */
export function useMinimiseShortcut(enabled: boolean, toggle: () => void): void {
  const latest = useRef(toggle);
  useEffect(() => {
    latest.current = toggle;
  }, [toggle]);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || !isMinimiseShortcut(e)) return;
      e.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export type TileCorner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

const CORNER_KEY = 'parley.callTileCorner';
const CORNERS: readonly TileCorner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

/**
 * The corner the user last dropped the tile in (remembered on this device). Top right by
 * default, below the chat header: bottom right would cover the composer's send button.
 */
export function readTileCorner(): TileCorner {
  try {
    const stored = localStorage.getItem(CORNER_KEY);
    return CORNERS.find((c) => c === stored) ?? 'top-right';
  } catch {
    return 'top-right';
  }
}

export function writeTileCorner(corner: TileCorner): void {
  try {
    localStorage.setItem(CORNER_KEY, corner);
  } catch {
    // Storage unavailable: the tile just starts in the default corner next time.
  }
}

/** The corner nearest to a point (the centre of the tile where the user let go). */
export function nearestCorner(x: number, y: number, width: number, height: number): TileCorner {
  const vertical = y < height / 2 ? 'top' : 'bottom';
  const horizontal = x < width / 2 ? 'left' : 'right';
  return `${vertical}-${horizontal}`;
}
