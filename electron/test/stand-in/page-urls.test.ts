import { describe, expect, it } from 'vitest';
import { isStandInOrigin, pageOrigin, toAppUrl, toPageUrl } from './page-urls.js';

const schemes = new Set(['app']);

describe('stand-in URL mapping', () => {
  it('shows app:// to Chromium as an https origin and back, path, query and hash kept', () => {
    const page = toPageUrl('app://parley/index.html?x=1#top', schemes);
    expect(page).toBe('https://parley.app-scheme.invalid/index.html?x=1#top');
    expect(toAppUrl(page)).toBe('app://parley/index.html?x=1#top');
    expect(pageOrigin('app', 'parley')).toBe('https://parley.app-scheme.invalid');
    expect(isStandInOrigin(page)).toBe(true);
  });

  it('leaves every other URL alone, so main judges it as it is', () => {
    for (const url of ['https://example.com/a', 'about:blank', 'file:///etc/passwd', 'not a url']) {
      expect(toAppUrl(url)).toBe(url);
      expect(isStandInOrigin(url)).toBe(false);
    }
    expect(toPageUrl('other://parley/x', schemes)).toBe('other://parley/x');
  });
});
