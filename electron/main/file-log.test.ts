import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLog } from './file-log.js';

const now = () => new Date('2026-11-30T12:00:00.000Z');

describe('FileLog', () => {
  it('writes one line per entry with level and context', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'parley-log-')), 'logs');
    const log = new FileLog({ dir, now });
    log.write('info', 'started', { version: '1.0.0' });
    log.write('error', 'boom');
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toBe(
      '2026-11-30T12:00:00.000Z INFO started {"version":"1.0.0"}\n2026-11-30T12:00:00.000Z ERROR boom\n',
    );
  });

  it('rotates by size and keeps a bounded number of files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-log-'));
    const log = new FileLog({ dir, now, maxBytes: 100, keep: 2 });
    for (let i = 0; i < 20; i++) log.write('info', `entry ${i}`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const file of readdirSync(dir))
      expect(readFileSync(join(dir, file)).length).toBeLessThanOrEqual(100);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('entry 19');
  });

  it('never throws when it cannot write', () => {
    // A folder under a plain file can never be created.
    const file = join(mkdtempSync(join(tmpdir(), 'parley-log-')), 'not-a-folder');
    writeFileSync(file, '');
    const log = new FileLog({ dir: join(file, 'logs') });
    expect(() => log.write('warn', 'lost')).not.toThrow();
    expect(existsSync(join(file, 'logs'))).toBe(false);
  });
});
