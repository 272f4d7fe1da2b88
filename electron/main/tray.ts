/**
 * The tray icon: unread state in the icon (a red dot) and tooltip, and a menu with Open,
 * Do not disturb and Quit (items from unread.ts).
 */
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { iconPng } from './icon-image.js';
import { badgeLabel, trayMenu, trayTooltip } from './unread.js';

export interface TrayActions {
  open(): void;
  setDoNotDisturb(on: boolean): void;
  quit(): void;
}

export class TrayController {
  private readonly tray: Tray;
  private readonly icons: { plain: NativeImage; unread: NativeImage };
  private last: { unread: number; dnd: boolean } | null = null;

  constructor(
    private readonly actions: TrayActions,
    private readonly platform: NodeJS.Platform,
  ) {
    // macOS menu bar icons are 16 pt (32 px @2x); Windows and Linux trays scale a 32 px icon.
    const size = 32;
    const make = (badge: boolean) => {
      const image = nativeImage.createFromBuffer(iconPng(size, { badge }), {
        scaleFactor: platform === 'darwin' ? 2 : 1,
      });
      return image;
    };
    this.icons = { plain: make(false), unread: make(true) };
    this.tray = new Tray(this.icons.plain);
    this.tray.on('click', () => actions.open());
    this.update(0, false);
  }

  update(unread: number, dnd: boolean): void {
    if (this.last && this.last.unread === unread && this.last.dnd === dnd) return;
    this.last = { unread, dnd };
    this.tray.setImage(unread > 0 ? this.icons.unread : this.icons.plain);
    this.tray.setToolTip(trayTooltip(unread, dnd));
    // Only the macOS menu bar shows text beside the icon; elsewhere the dot and tooltip say it.
    if (this.platform === 'darwin') this.tray.setTitle(badgeLabel(unread));
    const template = trayMenu(unread, dnd).map((item) => {
      switch (item.id) {
        case 'open':
          return { label: item.label, click: () => this.actions.open() };
        case 'dnd':
          return {
            label: item.label,
            type: 'checkbox' as const,
            checked: item.checked === true,
            click: (menuItem: Electron.MenuItem) => this.actions.setDoNotDisturb(menuItem.checked),
          };
        case 'quit':
          return { label: item.label, click: () => this.actions.quit() };
        case 'separator':
          return { type: 'separator' as const };
      }
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  /** Builds the menu and tooltip again in the current language. */
  relabel(): void {
    const last = this.last;
    this.last = null;
    if (last) this.update(last.unread, last.dnd);
  }

  destroy(): void {
    this.tray.destroy();
  }
}
