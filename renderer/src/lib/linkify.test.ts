import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('finds http(s) and www links and leaves sentence punctuation out', () => {
    expect(linkify('see https://parley.example.org/docs. and www.example.com!')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', text: 'https://parley.example.org/docs', href: 'https://parley.example.org/docs' },
      { type: 'text', text: '. and ' },
      { type: 'link', text: 'www.example.com', href: 'https://www.example.com' },
      { type: 'text', text: '!' },
    ]);
  });

  it('never links other schemes', () => {
    expect(linkify('javascript:alert(1) file:///etc/passwd')).toEqual([
      { type: 'text', text: 'javascript:alert(1) file:///etc/passwd' },
    ]);
  });

  it('returns plain text unchanged', () => {
    expect(linkify('hello')).toEqual([{ type: 'text', text: 'hello' }]);
    expect(linkify('')).toEqual([]);
  });
});
