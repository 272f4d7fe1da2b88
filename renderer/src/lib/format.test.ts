import { afterEach, describe, expect, it } from 'vitest';
import { de } from '../i18n/de';
import { i18n } from '../i18n';
import {
  calendarDaysBetween,
  ellipsize,
  dateTimeFormat,
  formatClock,
  formatDayLabel,
  formatDuration,
  formatLastSeen,
  formatListTime,
  initials,
  joinNames,
} from './format';

// Local-time instants, so the tests hold in any time zone.
const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const iso = (t: number) => new Date(t).toISOString();
const now = at(2026, 11, 22, 15, 30); // a Sunday

describe('formatListTime', () => {
  it('shows the clock time today, the weekday this week, a date before', () => {
    expect(formatListTime(iso(at(2026, 11, 22, 14, 2)), now, 'en-GB')).toBe('14:02');
    expect(formatListTime(iso(at(2026, 11, 17, 9, 0)), now, 'en-GB')).toBe('Tue');
    expect(formatListTime(iso(at(2026, 3, 12)), now, 'en-GB')).toBe('12/03');
    expect(formatListTime(iso(at(2025, 3, 12)), now, 'en-GB')).toBe('12/03/2025');
  });

  it('returns an empty string for a bad timestamp instead of "Invalid Date"', () => {
    expect(formatListTime('not a date', now)).toBe('');
  });
});

describe('formatDayLabel', () => {
  it('says Today, Yesterday, a weekday, then a date', () => {
    expect(formatDayLabel(iso(at(2026, 11, 22, 0, 5)), now, 'en-GB')).toBe('Today');
    expect(formatDayLabel(iso(at(2026, 11, 21, 23, 59)), now, 'en-GB')).toBe('Yesterday');
    expect(formatDayLabel(iso(at(2026, 11, 18)), now, 'en-GB')).toBe('Wednesday');
    expect(formatDayLabel(iso(at(2026, 3, 12)), now, 'en-GB')).toBe('12 March');
  });

  it('counts calendar days, not 24-hour periods', () => {
    expect(calendarDaysBetween(at(2026, 11, 21, 23, 59), at(2026, 11, 22, 0, 1))).toBe(1);
  });
});

describe('formatLastSeen', () => {
  it('is relative when recent and a day label when old', () => {
    expect(formatLastSeen(iso(now - 20_000), now)).toBe('last seen just now');
    expect(formatLastSeen(iso(now - 5 * 60_000), now)).toBe('last seen 5 min ago');
    expect(formatLastSeen(null, now)).toBe('offline');
    expect(formatLastSeen(iso(at(2026, 3, 12)), now, 'en-GB')).toBe('last seen 12 March');
  });
});

describe('small formatters', () => {
  it('formats call durations', () => {
    expect(formatDuration(42)).toBe('0:42');
    expect(formatDuration(222)).toBe('3:42');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('takes up to two initials, including non-ASCII and dotted usernames', () => {
    expect(initials('Alice Martin')).toBe('AM');
    expect(initials('bob')).toBe('B');
    expect(initials('élodie.durand')).toBe('ÉD');
    expect(initials('  ')).toBe('?');
  });

  it('joins names like a person would', () => {
    expect(joinNames(['Alice'])).toBe('Alice');
    expect(joinNames(['Alice', 'Bob'])).toBe('Alice and Bob');
    expect(joinNames(['A', 'B', 'C', 'D', 'E'])).toBe('A, B and 3 others');
  });
});

describe('ellipsize', () => {
  it('keeps short text, cuts long text at a code point and ends it with …', () => {
    expect(ellipsize('Bob', 10)).toBe('Bob');
    expect(ellipsize('The weekend hiking club', 12)).toBe('The weekend…');
    expect(ellipsize('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('in German', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('formats dates and times the German way and says the words in German', async () => {
    i18n.addResourceBundle('de', 'translation', de, true, true);
    await i18n.changeLanguage('de');
    expect(formatListTime(iso(at(2026, 11, 22, 14, 2)), now, 'de-DE')).toBe('14:02');
    // ICU versions differ on the abbreviation's dot.
    expect(formatListTime(iso(at(2026, 11, 17, 9, 0)), now, 'de-DE')).toMatch(/^Di\.?$/);
    expect(formatListTime(iso(at(2026, 3, 12)), now, 'de-DE')).toBe('12.03.');
    expect(formatListTime(iso(at(2025, 3, 12)), now, 'de-DE')).toBe('12.03.2025');
    expect(formatDayLabel(iso(at(2026, 11, 22, 0, 5)), now, 'de-DE')).toBe('Heute');
    expect(formatDayLabel(iso(at(2026, 11, 21, 23, 59)), now, 'de-DE')).toBe('Gestern');
    expect(formatDayLabel(iso(at(2026, 3, 12)), now, 'de-DE')).toBe('12. März');
    expect(formatLastSeen(iso(now - 5 * 60_000), now, 'de-DE')).toBe('vor 5 Min. online');
    expect(formatLastSeen(iso(at(2026, 11, 22, 9, 5)), now, 'de-DE')).toBe('zuletzt online heute um 09:05');
    expect(joinNames(['A', 'B', 'C', 'D', 'E'])).toBe('A, B und 3 weitere');
  });

  it('uses the UI language when no locale is given', async () => {
    i18n.addResourceBundle('de', 'translation', de, true, true);
    await i18n.changeLanguage('de');
    expect(formatClock(iso(at(2026, 11, 22, 14, 2)))).toBe('14:02');
    expect(formatDayLabel(iso(at(2026, 11, 18)), now)).toBe('Mittwoch');
  });
});

describe('dateTimeFormat', () => {
  it('makes one formatter per locale and options and reuses it', () => {
    const options: Intl.DateTimeFormatOptions = { hour: '2-digit' };
    const first = dateTimeFormat(options, 'en-GB');
    expect(dateTimeFormat(options, 'en-GB')).toBe(first);
    expect(dateTimeFormat(options, 'de-DE')).not.toBe(first);
    expect(dateTimeFormat({ hour: '2-digit' }, 'en-GB')).not.toBe(first);
  });
});
