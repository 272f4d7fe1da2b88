/**
 * Pure helpers for showing files: sizes in words and the box an image thumbnail takes before
 * it loads (so the list does not jump when it arrives).
 */

/** "512 B", "3.4 KB", "20 MB" (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}

/** The thumbnail box: the image's own aspect ratio within `max`×`max` (never enlarged past 2×). */
export function thumbnailBox(
  width: number | null | undefined,
  height: number | null | undefined,
  max = 240,
): { width: number; height: number } {
  if (!width || !height || width <= 0 || height <= 0) return { width: max, height: Math.round(max * 0.75) };
  const scale = Math.min(max / width, max / height, 2);
  return { width: Math.max(48, Math.round(width * scale)), height: Math.max(48, Math.round(height * scale)) };
}

/** Whether the renderer shows this type inline from its thumbnail. */
export function isImage(contentType: string): boolean {
  return /^image\/(png|jpeg|gif|webp)$/.test(contentType);
}
