import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadPath, isAppDownload, safeFileName } from './downloads.js';
import { rendererSource } from './security.js';

describe('downloads', () => {
  const source = rendererSource(undefined);

  it("lets through only the app page's own object URLs", () => {
    expect(isAppDownload('blob:app://parley/4b3c7e2a-0000-4000-8000-000000000000', source)).toBe(true);
    expect(isAppDownload('blob:https://evil.example/4b3c', source)).toBe(false);
    expect(isAppDownload('https://evil.example/file.exe', source)).toBe(false);
    expect(isAppDownload('app://parley/index.html', source)).toBe(false);
    expect(isAppDownload('blob:app://parley.evil/x', source)).toBe(false);
    const dev = rendererSource('http://localhost:5173/');
    expect(isAppDownload('blob:http://localhost:5173/x', dev)).toBe(true);
  });

  it('keeps file names inside the folder and legal everywhere', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\evil.bat')).toBe('evil.bat');
    expect(safeFileName('a<b>:"c|?*.txt')).toBe('a_b___c___.txt');
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('')).toBe('download');
  });

  it('never overwrites: numbers the name before its extension', () => {
    const taken = new Set([join('/d', 'report.pdf'), join('/d', 'report (2).pdf')]);
    expect(downloadPath('/d', 'report.pdf', (p) => taken.has(p))).toBe(join('/d', 'report (3).pdf'));
    expect(downloadPath('/d', 'notes', () => false)).toBe(join('/d', 'notes'));
  });
});
