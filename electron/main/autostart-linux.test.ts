import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartEntry, setLinuxAutostart } from './autostart-linux.js';

describe('Linux autostart', () => {
  it('quotes the command as the Desktop Entry spec asks', () => {
    expect(autostartEntry('/opt/Parley $1/"p"')).toContain('Exec="/opt/Parley \\$1/\\"p\\""');
  });

  it('writes the entry when on and removes it when off', () => {
    const config = mkdtempSync(join(tmpdir(), 'parley-autostart-'));
    const file = join(config, 'autostart', 'parley.desktop');
    setLinuxAutostart(config, true, '/usr/bin/parley');
    expect(readFileSync(file, 'utf8')).toMatch(
      /^\[Desktop Entry\]\nType=Application\nName=Parley\nExec="\/usr\/bin\/parley"/,
    );
    setLinuxAutostart(config, false, '/usr/bin/parley');
    expect(existsSync(file)).toBe(false);
    // Off again when there is no entry is fine.
    expect(() => setLinuxAutostart(config, false, '/usr/bin/parley')).not.toThrow();
  });
});
