import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Highlighted } from './Highlighted';
import { highlight, matchesQuery, queryTerms, snippet, type Segment } from './highlight';

const marked = (segments: Segment[]) => segments.filter((s) => s.match).map((s) => s.text);
const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');
const html = (text: string, query: string) =>
  renderToStaticMarkup(createElement(Highlighted, { segments: highlight(text, query) }));

describe('search highlighting', () => {
  it('marks whole words, and the last query word also as a prefix, as the server matches', () => {
    const text = 'Plan the planning; a planet plans';
    expect(marked(highlight(text, 'plan'))).toEqual(['Plan', 'planning', 'planet', 'plans']);
    // Only the last word is a prefix: "plan" must then be whole.
    expect(marked(highlight(text, 'plan the'))).toEqual(['Plan', 'the']);
    expect(marked(highlight('the rendezvous at ten', 'RENDEZ'))).toEqual(['rendezvous']);
    expect(joined(highlight(text, 'plan'))).toBe(text);
  });

  it('ignores case and accents, in any script', () => {
    expect(marked(highlight('Mon résumé, Café', 'resume cafe'))).toEqual(['résumé', 'Café']);
    expect(marked(highlight('Привет, мир', 'мир'))).toEqual(['мир']);
    expect(marked(highlight('会議 は 明日', '明日'))).toEqual(['明日']);
  });

  it('returns the text unmarked when the query has no words', () => {
    expect(highlight('a * b', '*')).toEqual([{ text: 'a * b', match: false }]);
    expect(highlight('', 'x')).toEqual([{ text: '', match: false }]);
    expect(queryTerms('  "quoted" OR -minus ')).toEqual(['quoted', 'or', 'minus']);
  });

  it('treats regular-expression metacharacters in the query as separators, never as a pattern', () => {
    const text = 'a+b (c) [d] $e ^f .* g|h \\i';
    for (const q of ['.*', '(', '[a-z]+', '$^', 'g|h', '\\', '(?<x>', '*'.repeat(300)]) {
      const segments = highlight(text, q);
      expect(joined(segments)).toBe(text);
    }
    expect(marked(highlight(text, '.*'))).toEqual([]);
    expect(marked(highlight(text, 'g|h'))).toEqual(['g', 'h']);
    expect(marked(highlight(text, '[d]'))).toEqual(['d']);
  });

  it('renders hostile message text and queries as inert text', () => {
    const hostile = '<img src=x onerror="alert(1)"> <script>alert(2)</script> &amp; img';
    const out = html(hostile, 'img onerror');
    expect(out).not.toMatch(/<img|<script/);
    expect(out).toContain('&lt;<mark>img</mark> src=x <mark>onerror</mark>=&quot;alert(1)&quot;&gt;');
    expect(out).toContain('&lt;script&gt;alert(2)&lt;/script&gt; &amp;amp; <mark>img</mark>');
    // A hostile query is only ever words to compare.
    const query = '<mark onclick=alert(1)>';
    expect(html('mark my words', query)).toBe('<mark>mark</mark> my words');
  });

  it('matches like the server: every word, the last one as a prefix', () => {
    expect(matchesQuery('Lunch at noon?', 'lunch no')).toBe(true);
    expect(matchesQuery('Lunch at noon?', 'lun noon')).toBe(false);
    expect(matchesQuery('Lunch at noon?', 'dinner')).toBe(false);
    expect(matchesQuery('anything', '  ')).toBe(false);
  });
});

describe('search snippets', () => {
  it('keeps a short message whole, on one line', () => {
    expect(joined(snippet('one\n\ntwo   three', 'two'))).toBe('one two three');
  });

  it('cuts a long message around the first match, on word boundaries, with ellipses', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`);
    words[80] = 'needle';
    const text = words.join(' ');
    const segments = snippet(text, 'needle', 100);
    const shown = joined(segments);
    expect(marked(segments)).toEqual(['needle']);
    expect(shown.startsWith('…word')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(102);
    // No word is cut in half.
    for (const w of shown.replace(/…/g, '').split(' ')) expect(w).toMatch(/^(word\d+|needle)$/);
  });

  it('starts at the beginning when the match is there, or when nothing matches', () => {
    const text = `needle ${'filler '.repeat(60)}`;
    expect(joined(snippet(text, 'needle', 80)).startsWith('needle')).toBe(true);
    expect(joined(snippet(text, 'absent', 80)).startsWith('needle')).toBe(true);
  });
});
