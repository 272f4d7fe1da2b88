import { describe, expect, it } from 'vitest';
import { formatSize, isImage, thumbnailBox } from './files';

describe('file helpers', () => {
  it('says sizes in decimal units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1000)).toBe('1 KB');
    expect(formatSize(3_400)).toBe('3.4 KB');
    expect(formatSize(20_000_000)).toBe('20 MB');
    expect(formatSize(26_214_400)).toBe('26 MB');
    expect(formatSize(-1)).toBe('');
  });

  it('reserves the thumbnail box from the image size', () => {
    expect(thumbnailBox(4000, 3000)).toEqual({ width: 240, height: 180 });
    expect(thumbnailBox(300, 1200)).toEqual({ width: 60, height: 240 });
    expect(thumbnailBox(40, 30)).toEqual({ width: 80, height: 60 });
    expect(thumbnailBox(10_000, 10)).toEqual({ width: 240, height: 48 });
    expect(thumbnailBox(null, undefined)).toEqual({ width: 240, height: 180 });
  });

  it('shows the server’s image types inline, nothing else', () => {
    expect(isImage('image/png')).toBe(true);
    expect(isImage('image/svg+xml')).toBe(false);
    expect(isImage('application/pdf')).toBe(false);
  });
});
