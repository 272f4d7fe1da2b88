/**
 * Message formatting: bold, italic, strikethrough, inline code, code blocks and block quotes.
 * markdown-it parses (its "zero" preset with only those rules on, raw HTML off), and the
 * tokens become React elements here, so no string ever reaches innerHTML: hostile input
 * renders as text. Links are our own linkify over text (http(s) only); markdown's
 * [text](url) form is off, so a link always shows where it goes.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import emojiRegex from 'emoji-regex';
import { createElement, type ReactNode } from 'react';
import { linkify } from '../lib/linkify';

const md = new MarkdownIt('zero', { html: false, breaks: true })
  .enable(['fence', 'blockquote'])
  .enable(['emphasis', 'strikethrough', 'backticks', 'newline', 'escape', 'entity']);

const INLINE_TAGS: Record<string, string> = {
  em_open: 'em',
  strong_open: 'strong',
  s_open: 's',
  paragraph_open: 'p',
  blockquote_open: 'blockquote',
};

/**
 * Emoji go in their own span whose font stack starts with the bundled colour emoji font: in
 * the text's own stack a system font with monochrome glyphs for some of them (❤, ☺) would win.
 */
export function withEmoji(value: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of value.matchAll(emojiRegex())) {
    if (match.index > last) out.push(value.slice(last, match.index));
    out.push(createElement('span', { key: `${key}e${match.index}`, className: 'emoji' }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < value.length) out.push(value.slice(last));
  return out;
}

function text(value: string, key: string): ReactNode[] {
  return linkify(value).flatMap((part, i) =>
    part.type === 'link'
      ? [
          createElement(
            'a',
            { key: `${key}.${i}`, href: part.href, target: '_blank', rel: 'noopener noreferrer' },
            part.text,
          ),
        ]
      : withEmoji(part.text, `${key}.${i}`),
  );
}

/** Builds React nodes from a flat token stream whose *_open/*_close pairs nest. */
function build(tokens: Token[], keyPrefix: string): ReactNode[] {
  const root: ReactNode[] = [];
  const stack: { tag: string; children: ReactNode[] }[] = [];
  const out = (): ReactNode[] => stack.at(-1)?.children ?? root;
  tokens.forEach((t, i) => {
    const key = `${keyPrefix}${i}`;
    if (t.nesting === 1) {
      stack.push({ tag: INLINE_TAGS[t.type] ?? 'span', children: [] });
      return;
    }
    if (t.nesting === -1) {
      const open = stack.pop();
      if (open) out().push(createElement(open.tag, { key }, ...open.children));
      return;
    }
    switch (t.type) {
      case 'inline':
        out().push(...build(t.children ?? [], `${key}.`));
        break;
      case 'text':
        out().push(...text(t.content, key));
        break;
      case 'code_inline':
        out().push(createElement('code', { key }, t.content));
        break;
      case 'fence':
        out().push(createElement('pre', { key }, createElement('code', null, t.content.replace(/\n$/, ''))));
        break;
      case 'softbreak':
      case 'hardbreak':
        out().push(createElement('br', { key }));
        break;
      default:
        // Anything else (no other rule is on) shows as its source text, never as markup.
        if (t.content) out().push(t.content);
    }
  });
  // Unbalanced opens cannot happen with markdown-it, but never lose their text.
  for (const open of stack) root.push(...open.children);
  return root;
}

/** The formatted body of a message, as React nodes. */
export function renderMarkdown(body: string): ReactNode[] {
  return build(md.parse(body, {}), '');
}

// One or a few emoji and nothing else: shown large, as other messengers do.
const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f|\s){1,24}$/u;

/** True for a body of at most three emoji and nothing else. */
export function isJumboEmoji(body: string): boolean {
  const trimmed = body.trim();
  if (!trimmed || !EMOJI_ONLY.test(trimmed) || /^[\d#*\s]+$/.test(trimmed)) return false;
  const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(trimmed)];
  return segments.filter((s) => s.segment.trim()).length <= 3;
}
