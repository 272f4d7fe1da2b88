/**
 * Time and text formatting for the UI. Pure functions of their inputs (the current time is a
 * parameter), so they are unit-tested without fake timers.
 */

const DAY_MS = 86_400_000;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole calendar days between two instants in local time (0 = same day). */
export function calendarDaysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

/** "14:02" today, "Tue" within the last week, "12/03" this year, "12/03/2025" before. */
export function formatListTime(iso: string, now: number, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const days = calendarDaysBetween(t, now);
  if (days <= 0) return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(t);
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(t);
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(
    locale,
    sameYear ? { day: '2-digit', month: '2-digit' } : { day: '2-digit', month: '2-digit', year: 'numeric' },
  ).format(t);
}

/** The clock time of a message: "14:02". */
export function formatClock(iso: string, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(t);
}

/** Full date and time for tooltips. */
export function formatFull(iso: string, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(t);
}

/** Day separator label: "Today", "Yesterday", "Monday", "12 March", "12 March 2025". */
export function formatDayLabel(iso: string, now: number, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const days = calendarDaysBetween(t, now);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(t);
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(
    locale,
    sameYear ? { day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' },
  ).format(t);
}

/** Local calendar day key, for grouping by day. */
export function dayKey(iso: string): string {
  const d = new Date(Date.parse(iso));
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "last seen just now", "last seen 5 min ago", "last seen today at 14:02", "last seen 12 March". */
export function formatLastSeen(iso: string | null | undefined, now: number, locale?: string): string {
  if (!iso) return 'offline';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'offline';
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return 'last seen just now';
  if (minutes < 60) return `last seen ${minutes} min ago`;
  const days = calendarDaysBetween(t, now);
  if (days <= 0) return `last seen today at ${formatClock(iso, locale)}`;
  if (days === 1) return `last seen yesterday at ${formatClock(iso, locale)}`;
  return `last seen ${formatDayLabel(iso, now, locale)}`;
}

// Call durations and name lists are product rules, shared with the desktop shell.
export { formatDuration, joinNames } from '@parley/shared';

/** Up to two initials from a display name: "Alice Smith" → "AS", "bob" → "B". */
export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s._-]+/)
    .filter(Boolean);
  if (parts.length === 0) return '?';
  const first = [...(parts[0] ?? '')][0] ?? '';
  const second = parts.length > 1 ? ([...(parts[parts.length - 1] ?? '')][0] ?? '') : '';
  return (first + second).toUpperCase();
}

/** `text` cut to at most `max` characters (code points), ending in "…" when cut. */
export function ellipsize(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
