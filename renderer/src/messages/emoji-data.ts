/**
 * The emoji set for the picker: @emoji-mart/data (Unicode 15, native characters, names and
 * keywords), loaded on first use so it stays out of the start-up bundle. Works offline: it is
 * bundled, never fetched from a CDN.
 */
import { t } from '../i18n';
import type { EmojiMartData } from '@emoji-mart/data';

export interface EmojiEntry {
  id: string;
  name: string;
  native: string;
  keywords: string[];
}

export interface EmojiCategory {
  id: string;
  label: string;
  emojis: EmojiEntry[];
}

/** The quick row under the hover toolbar, as in other messengers. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

const CATEGORIES = [
  'people',
  'nature',
  'foods',
  'activity',
  'places',
  'objects',
  'symbols',
  'flags',
] as const;
const isCategory = (id: string): id is (typeof CATEGORIES)[number] =>
  (CATEGORIES as readonly string[]).includes(id);

let loading: Promise<EmojiCategory[]> | null = null;

/** The categories in the data set's order; each emoji in its default skin tone. */
export function loadEmojiCategories(): Promise<EmojiCategory[]> {
  loading ??= import('@emoji-mart/data').then((module) => {
    const data = (module as { default: EmojiMartData }).default;
    return data.categories.map((c) => ({
      id: c.id,
      label: isCategory(c.id) ? t(`emoji.categories.${c.id}`) : c.id,
      emojis: c.emojis.flatMap((id) => {
        const e = data.emojis[id];
        const native = e?.skins[0]?.native;
        return e && native ? [{ id, name: e.name, native, keywords: e.keywords }] : [];
      }),
    }));
  });
  return loading;
}

/** Emoji where every word of the query starts a word of the name, id or keywords (case-insensitive). */
export function searchEmoji(categories: EmojiCategory[], query: string): EmojiEntry[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  const words = (e: EmojiEntry) => [...e.id.split('_'), ...e.name.toLowerCase().split(/\s+/), ...e.keywords];
  return categories
    .flatMap((c) => c.emojis)
    .filter((e) => {
      const own = words(e);
      return terms.every((t) => own.some((w) => w.startsWith(t)));
    });
}
