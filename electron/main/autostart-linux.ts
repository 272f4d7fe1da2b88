/**
 * "Open at login" on Linux, where Electron's `setLoginItemSettings` does nothing: an XDG
 * autostart entry, `<config>/autostart/parley.desktop` (`config` is Electron's appData path,
 * i.e. $XDG_CONFIG_HOME or ~/.config). The AppImage starts through its own file ($APPIMAGE),
 * anything else through the executable.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The entry's text; `exec` quoted as the Desktop Entry spec asks. */
export function autostartEntry(exec: string): string {
  const quoted = `"${exec.replace(/[\\"`$]/g, (char) => `\\${char}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Parley',
    `Exec=${quoted}`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function setLinuxAutostart(configDir: string, open: boolean, exec: string): void {
  const dir = join(configDir, 'autostart');
  const file = join(dir, 'parley.desktop');
  if (!open) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, autostartEntry(exec));
}
