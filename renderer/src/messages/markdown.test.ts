import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { isJumboEmoji, renderMarkdown } from './markdown';

const html = (body: string) => renderToStaticMarkup(createElement('div', null, ...renderMarkdown(body)));

describe('renderMarkdown', () => {
  it('renders bold, italic, strikethrough, inline code, code blocks and quotes', () => {
    expect(html('**bold** _it_ ~~gone~~ `x < y`')).toBe(
      '<div><p><strong>bold</strong> <em>it</em> <s>gone</s> <code>x &lt; y</code></p></div>',
    );
    expect(html('```\nconst a = 1;\n**not bold**\n```')).toBe(
      '<div><pre><code>const a = 1;\n**not bold**</code></pre></div>',
    );
    expect(html('> quoted\n\nreply')).toBe('<div><blockquote><p>quoted</p></blockquote><p>reply</p></div>');
    expect(html('one\ntwo')).toBe('<div><p>one<br/>two</p></div>');
  });

  it('leaves out what chat does not use (headings, lists) as plain text', () => {
    expect(html('# not a heading\n- not a list')).toBe('<div><p># not a heading<br/>- not a list</p></div>');
  });

  it('links http(s) URLs only, in a new window', () => {
    expect(html('see https://example.org/a?b=1.')).toBe(
      '<div><p>see <a href="https://example.org/a?b=1" target="_blank" rel="noopener noreferrer">https://example.org/a?b=1</a>.</p></div>',
    );
  });

  it('renders hostile input inert', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      'javascript:alert(1)',
      '![x](data:text/html;base64,PHNjcmlwdD4=)',
      '<iframe src="https://evil.example"></iframe>',
      '`<b>code</b>` **<svg onload=alert(1)>**',
      '&lt;script&gt; &#x3C;img src=x onerror=alert(1)&#x3E;',
    ].join('\n\n');
    const out = html(hostile);
    // No element other than the ones formatting makes; the only link is the plain https URL.
    const tags = [...out.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['div', 'p', 'a', 'code', 'strong']));
    expect([...out.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(['https://evil.example']);
    expect(out).not.toMatch(/<[^>]*(onerror|onload|src)=/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('[click](javascript:alert(1))');
    expect(out).toContain('<code>&lt;b&gt;code&lt;/b&gt;</code>');
  });
});

describe('emoji', () => {
  it('wraps each emoji in a span for the colour emoji font, text around it untouched', () => {
    expect(html('hi 👋🏽 ❤️ 1')).toBe(
      '<div><p>hi <span class="emoji">👋🏽</span> <span class="emoji">❤️</span> 1</p></div>',
    );
  });
});

describe('isJumboEmoji', () => {
  it('is true for up to three emoji alone', () => {
    expect(isJumboEmoji('👍')).toBe(true);
    expect(isJumboEmoji(' 🎉🎉 👨‍👩‍👧 ')).toBe(true);
    expect(isJumboEmoji('👍👍👍👍')).toBe(false);
    expect(isJumboEmoji('ok 👍')).toBe(false);
    expect(isJumboEmoji('123')).toBe(false);
  });
});
