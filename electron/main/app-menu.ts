/**
 * The application menu: the standard edit roles (copy/paste shortcuts need them on macOS),
 * View with zoom (Ctrl/Cmd with plus, minus and 0; kept per window by the caller), Window,
 * and Help with "Open logs folder" and "Check for updates…" (which says so when updates are
 * managed or off). Devtools only in development.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { t } from './i18n.js';

export interface AppMenuActions {
  zoom(direction: 'in' | 'out' | 'reset'): void;
  openLogsFolder(): void;
  checkForUpdates(): void;
}

export function appMenuTemplate(
  platform: NodeJS.Platform,
  withDevTools: boolean,
  actions: AppMenuActions,
): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (platform === 'darwin') template.push({ role: 'appMenu' });
  template.push({ role: 'editMenu' });
  template.push({
    label: t('menu.view'),
    submenu: [
      { label: t('menu.actualSize'), accelerator: 'CmdOrCtrl+0', click: () => actions.zoom('reset') },
      { label: t('menu.zoomIn'), accelerator: 'CmdOrCtrl+Plus', click: () => actions.zoom('in') },
      // Ctrl+= is what "plus" is without Shift on most layouts; hidden, same action.
      {
        label: `${t('menu.zoomIn')} `,
        accelerator: 'CmdOrCtrl+=',
        visible: false,
        click: () => actions.zoom('in'),
      },
      { label: t('menu.zoomOut'), accelerator: 'CmdOrCtrl+-', click: () => actions.zoom('out') },
      ...(withDevTools
        ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]
        : []),
    ],
  });
  template.push({ role: 'windowMenu' });
  template.push({
    label: t('menu.help'),
    role: 'help',
    submenu: [
      { label: t('menu.openLogsFolder'), click: () => actions.openLogsFolder() },
      { label: t('menu.checkForUpdates'), click: () => actions.checkForUpdates() },
    ],
  });
  return template;
}
