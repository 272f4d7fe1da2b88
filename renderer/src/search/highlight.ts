/**
 * Which words of a search result to highlight, and the snippet around them. Pure string work
 * that yields plain-text segments: the UI renders each as a React text node (matches inside
 * `<mark>`), so a message can never inject markup, and the query is never turned into a
 * regular expression, so its metacharacters are just characters.
 *
 * It mirrors the server's matching (docs/protocol.md, "Search"): words are runs of letters,
 * digits and marks in any script, compared without case (and without accents, as SQLite
 * does); every query word matches whole, the last one also as a prefix.
 */

/** A run of a message's text, highlighted or not. Concatenated, the runs give the text back. */
export interface Segment {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** As many query words as the server uses. */
const MAX_TERMS = 16;

/** Lower-cased, accents removed: "Résumé" → "resume". */
export function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The query's words, folded; the last is matched as a prefix. */
export function queryTerms(query: string): string[] {
  return (query.match(WORD) ?? [])
    .slice(0, MAX_TERMS)
    .map(fold)
    .filter((t) => t !== '');
}

/** Whether one word of a message matches: whole, or as a prefix of the last query word. */
function wordMatches(word: string, terms: readonly string[]): boolean {
  const folded = fold(word);
  const last = terms.length - 1;
  return terms.some((t, i) => folded === t || (i === last && folded.startsWith(t)));
}

/** Splits `text` into runs, with every matching word a run of its own marked `match`. */
export function highlight(text: string, query: string): Segment[] {
  const terms = queryTerms(query);
  const segments: Segment[] = [];
  let plain = 0;
  if (terms.length > 0) {
    for (const found of text.matchAll(WORD)) {
      if (!wordMatches(found[0], terms)) continue;
      const start = found.index;
      if (start > plain) segments.push({ text: text.slice(plain, start), match: false });
      segments.push({ text: found[0], match: true });
      plain = start + found[0].length;
    }
  }
  if (plain < text.length || segments.length === 0) segments.push({ text: text.slice(plain), match: false });
  return segments;
}

/** True when every query word occurs in `text` as the server would match it. */
export function matchesQuery(text: string, query: string): boolean {
  const terms = queryTerms(query);
  if (terms.length === 0) return false;
  const words = (text.match(WORD) ?? []).map(fold);
  const last = terms.length - 1;
  return terms.every((t, i) => words.some((w) => w === t || (i === last && w.startsWith(t))));
}

/**
 * The part of `text` to show in a result: whitespace collapsed to single spaces, and when
 * longer than `max` characters, a window that starts a little before the first match (on a
 * word boundary), with "…" where text was cut.
 */
export function snippet(text: string, query: string, max = 160): Segment[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return highlight(flat, query);
  const terms = queryTerms(query);
  let first = 0;
  for (const found of flat.matchAll(WORD)) {
    if (terms.length > 0 && wordMatches(found[0], terms)) {
      first = found.index;
      break;
    }
  }
  // Some context before the match, then cut at a space so no word is split.
  let start = Math.max(0, first - Math.floor(max / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > first) end = space;
  }
  const shown = `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
  return highlight(shown, query);
}
