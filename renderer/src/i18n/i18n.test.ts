import { afterEach, describe, expect, it } from 'vitest';
import { de } from './de';
import { en } from './en';
import { detectLanguage, errorText, i18n, t } from './index';

/** Every leaf key of a resource tree, dotted: "chat.send". */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`),
  );
}

/** The interpolation variables of a string: "{{count}} new" → ["count"]. */
const variables = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function leaf(tree: object, key: string): string {
  return key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('resources', () => {
  it('German has exactly the keys of English, none empty', () => {
    expect(keys(de).sort()).toEqual(keys(en).sort());
    for (const key of keys(de)) expect(leaf(de, key), key).not.toBe('');
  });

  it('every German string uses the same variables as its English one', () => {
    for (const key of keys(en)) expect(variables(leaf(de, key)), key).toEqual(variables(leaf(en, key)));
  });

  it('English has a form for every plural category English needs, German too', () => {
    for (const tree of [en, de]) {
      const plurals = keys(tree).filter((k) => /_(one|other)$/.test(k));
      const bases = new Set(plurals.map((k) => k.replace(/_(one|other)$/, '')));
      for (const base of bases) {
        expect(plurals, base).toContain(`${base}_one`);
        expect(plurals, base).toContain(`${base}_other`);
      }
    }
  });
});

describe('translation', () => {
  it('interpolates and picks plural forms, in English and German', async () => {
    expect(t('format.lastSeenToday', { time: '14:02' })).toBe('last seen today at 14:02');
    expect(t('format.joinMore', { first: 'A', second: 'B', count: 1 })).toBe('A, B and 1 other');
    expect(t('format.joinMore', { first: 'A', second: 'B', count: 3 })).toBe('A, B and 3 others');
    i18n.addResourceBundle('de', 'translation', de, true, true);
    await i18n.changeLanguage('de');
    expect(t('format.lastSeenToday', { time: '14:02' })).toBe('zuletzt online heute um 14:02');
    expect(t('format.joinMore', { first: 'A', second: 'B', count: 1 })).toBe('A, B und 1 weitere Person');
    expect(t('format.joinMore', { first: 'A', second: 'B', count: 3 })).toBe('A, B und 3 weitere');
  });

  it('does not escape what React escapes anyway', () => {
    expect(t('format.joinTwo', { first: 'Tom & Jerry', second: '<b>' })).toBe('Tom & Jerry and <b>');
  });
});

describe('detectLanguage', () => {
  it('takes the first supported language by its primary subtag, else English', () => {
    expect(detectLanguage(['de-AT', 'en-US'])).toBe('de');
    expect(detectLanguage(['fr-FR', 'de'])).toBe('de');
    expect(detectLanguage(['fr-FR'])).toBe('en');
    expect(detectLanguage([])).toBe('en');
  });
});

describe('errorText', () => {
  it('says what the code means in the UI language, not the server wording', async () => {
    expect(errorText({ ok: false, code: 'invalid_credentials', error: 'server words' } as never)).toBe(
      'Wrong username or password',
    );
    i18n.addResourceBundle('de', 'translation', de, true, true);
    await i18n.changeLanguage('de');
    expect(errorText({ code: 'offline', error: 'Not connected to the server' })).toBe(
      'Keine Verbindung zum Server',
    );
  });

  it('falls back to the given text for an unknown code, and to a generic line without one', () => {
    expect(errorText({ code: 'brand_new', error: 'Something specific' })).toBe('Something specific');
    expect(errorText({})).toBe('Something went wrong. Try again.');
  });
});
