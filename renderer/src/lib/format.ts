/**
 * Time and text formatting for the UI, in the user's language and locale (`../i18n`). Apart
 * from that, pure functions of their inputs (the current time is a parameter), so they are
 * unit-tested without fake timers.
 */

import { dateLocale, t } from '../i18n';

const DAY_MS = 86_400_000;

/**
 * One formatter per (locale, options), made once and reused: building an Intl.DateTimeFormat
 * costs far more than formatting with one (issue 14 measured 87 ms for a list of 1,000
 * conversations that made one per row). Options are keyed by object identity, so each call
 * site passes one of the module-level constants below.
 */
const formatters = new WeakMap<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();

/** The shared Intl.DateTimeFormat for `options` in `locale` (default: the user's, see `dateLocale`). */
export function dateTimeFormat(
  options: Intl.DateTimeFormatOptions,
  locale = dateLocale(),
): Intl.DateTimeFormat {
  let byLocale = formatters.get(options);
  if (!byLocale) formatters.set(options, (byLocale = new Map()));
  let format = byLocale.get(locale);
  if (!format) byLocale.set(locale, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const WEEKDAY_SHORT: Intl.DateTimeFormatOptions = { weekday: 'short' };
const WEEKDAY_LONG: Intl.DateTimeFormatOptions = { weekday: 'long' };
const DAY_MONTH_NUMERIC: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit' };
const DATE_NUMERIC: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };
const DAY_MONTH_LONG: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long' };
const DATE_LONG: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };
const FULL: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole calendar days between two instants in local time (0 = same day). */
export function calendarDaysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

// `locale` defaults to the user's (the UI language's locale); tests pass one to be exact.

/** "14:02" today, "Tue" within the last week, "12/03" this year, "12/03/2025" before. */
export function formatListTime(iso: string, now: number, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const days = calendarDaysBetween(t, now);
  if (days <= 0) return dateTimeFormat(CLOCK, locale).format(t);
  if (days < 7) return dateTimeFormat(WEEKDAY_SHORT, locale).format(t);
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return dateTimeFormat(sameYear ? DAY_MONTH_NUMERIC : DATE_NUMERIC, locale).format(t);
}

/** The clock time of a message: "14:02". */
export function formatClock(iso: string, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return dateTimeFormat(CLOCK, locale).format(t);
}

/** Full date and time for tooltips. */
export function formatFull(iso: string, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return dateTimeFormat(FULL, locale).format(t);
}

/** Day separator label: "Today", "Yesterday", "Monday", "12 March", "12 March 2025". */
export function formatDayLabel(iso: string, now: number, locale?: string): string {
  const t0 = Date.parse(iso);
  if (Number.isNaN(t0)) return '';
  const days = calendarDaysBetween(t0, now);
  if (days <= 0) return t('format.today');
  if (days === 1) return t('format.yesterday');
  if (days < 7) return dateTimeFormat(WEEKDAY_LONG, locale).format(t0);
  const sameYear = new Date(t0).getFullYear() === new Date(now).getFullYear();
  return dateTimeFormat(sameYear ? DAY_MONTH_LONG : DATE_LONG, locale).format(t0);
}

/** Local calendar day key, for grouping by day. */
export function dayKey(iso: string): string {
  const d = new Date(Date.parse(iso));
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "last seen just now", "last seen 5 min ago", "last seen today at 14:02", "last seen 12 March". */
export function formatLastSeen(iso: string | null | undefined, now: number, locale?: string): string {
  if (!iso) return t('format.offline');
  const t0 = Date.parse(iso);
  if (Number.isNaN(t0)) return t('format.offline');
  const minutes = Math.floor((now - t0) / 60_000);
  if (minutes < 1) return t('format.lastSeenJustNow');
  if (minutes < 60) return t('format.lastSeenMinutes', { count: minutes });
  const days = calendarDaysBetween(t0, now);
  if (days <= 0) return t('format.lastSeenToday', { time: formatClock(iso, locale) });
  if (days === 1) return t('format.lastSeenYesterday', { time: formatClock(iso, locale) });
  return t('format.lastSeenOn', { day: formatDayLabel(iso, now, locale) });
}

// Call durations are a product rule, shared with the desktop shell (digits only, no words).
export { formatDuration } from '@parley/shared';

/** "Alice", "Alice and Bob", "Alice, Bob and Carol", "Alice, Bob and 2 others", in the UI language. */
export function joinNames(names: readonly string[]): string {
  const [first = '', second = '', third = ''] = names;
  if (names.length <= 1) return first;
  if (names.length === 2) return t('format.joinTwo', { first, second });
  if (names.length === 3) return t('format.joinThree', { first, second, third });
  return t('format.joinMore', { first, second, count: names.length - 2 });
}

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
