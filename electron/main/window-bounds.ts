/**
 * Restoring the window where the user left it, but never off-screen: a monitor may have been
 * unplugged since, and a window restored there could not be reached.
 */
import type { WindowBounds } from './stores.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS = { width: 1100, height: 720 } as const;
export const MIN_SIZE = { width: 480, height: 400 } as const;

/**
 * The bounds to open the window with. Saved bounds are kept when their title-bar area
 * (top 40 px) overlaps a display's work area by at least 60 px each way; otherwise only the
 * size is kept (capped to the primary work area) and the OS places the window.
 */
export function restoreBounds(saved: WindowBounds | null, workAreas: readonly Rect[]): WindowBounds {
  if (!saved) return { ...DEFAULT_BOUNDS };
  const primary = workAreas[0];
  const width = clamp(saved.width, MIN_SIZE.width, primary?.width ?? saved.width);
  const height = clamp(saved.height, MIN_SIZE.height, primary?.height ?? saved.height);
  const base = { width, height, maximized: saved.maximized === true };
  if (saved.x === undefined || saved.y === undefined) return base;
  const titleBar: Rect = { x: saved.x, y: saved.y, width, height: 40 };
  const visible = workAreas.some((area) => {
    const overlapX =
      Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    const overlapY =
      Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
    return overlapX >= 60 && overlapY >= 20;
  });
  return visible ? { ...base, x: saved.x, y: saved.y } : base;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}
