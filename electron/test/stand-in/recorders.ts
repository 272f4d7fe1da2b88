/**
 * The parts of the fake Electron API that only record and can be driven by tests:
 * notifications, tray, menus, images, message boxes and the safeStorage cipher.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'radio' | 'submenu';
  checked?: boolean;
  role?: string;
  click?: (item: MenuItemOptions, window: unknown, event: unknown) => void;
  [key: string]: unknown;
}

export class StandInMenu {
  readonly items: MenuItemOptions[];
  constructor(template: readonly MenuItemOptions[]) {
    this.items = template.map((item) => ({ ...item }));
  }

  /**
   * Clicks an item as the user would: a checkbox flips before its click handler runs. A path
   * reaches into submenus (`click('View', 'Zoom in')`); a disabled item cannot be clicked.
   */
  click(...path: string[]): void {
    const item = this.find(path);
    if (item.enabled === false) throw new Error(`menu item "${path.join(' › ')}" is disabled`);
    if (item.type === 'checkbox') item.checked = !item.checked;
    item.click?.(item, undefined, {});
  }

  /** Labels of the visible items (of a submenu, given its path). */
  labels(...path: string[]): string[] {
    const items = path.length === 0 ? this.items : submenuOf(this.find(path));
    return items.flatMap((item) => (item.label && item.visible !== false ? [item.label] : []));
  }

  /** Labels of the enabled items. */
  enabledLabels(): string[] {
    return this.items.flatMap((item) => (item.label && item.enabled !== false ? [item.label] : []));
  }

  private find(path: readonly string[]): MenuItemOptions {
    let items = this.items;
    let found: MenuItemOptions | undefined;
    for (const label of path) {
      found = items.find((candidate) => candidate.label === label);
      if (!found)
        throw new Error(`no menu item "${label}" in [${items.map((i) => i.label ?? i.role).join(', ')}]`);
      items = submenuOf(found);
    }
    if (!found) throw new Error('an empty menu path');
    return found;
  }
}

function submenuOf(item: MenuItemOptions): MenuItemOptions[] {
  return Array.isArray(item.submenu) ? (item.submenu as MenuItemOptions[]) : [];
}

export interface StandInImage {
  /** sha1 of the PNG bytes: tells the tray's plain and unread icons apart. */
  hash: string;
  scaleFactor: number;
  isEmpty(): boolean;
  toPNG(): Buffer;
  toDataURL(): string;
}

export const nativeImage = {
  createFromBuffer(buffer: Buffer, options?: { scaleFactor?: number }): StandInImage {
    return {
      hash: createHash('sha1').update(buffer).digest('hex'),
      scaleFactor: options?.scaleFactor ?? 1,
      isEmpty: () => buffer.length === 0,
      toPNG: () => buffer,
      toDataURL: () => `data:image/png;base64,${buffer.toString('base64')}`,
    };
  },
  createEmpty(): StandInImage {
    return nativeImage.createFromBuffer(Buffer.alloc(0));
  },
};

export class StandInTray extends EventEmitter {
  image: StandInImage;
  tooltip = '';
  title = '';
  menu: StandInMenu | null = null;
  destroyed = false;

  constructor(image: StandInImage) {
    super();
    this.image = image;
  }
  setImage(image: StandInImage): void {
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setContextMenu(menu: StandInMenu | null): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Opens the context menu and clicks an item. */
  clickMenuItem(label: string): void {
    if (!this.menu) throw new Error('the tray has no context menu');
    this.menu.click(label);
  }
}

export interface NotificationOptions {
  title?: string;
  body?: string;
  silent?: boolean;
  urgency?: string;
  timeoutType?: string;
  [key: string]: unknown;
}

export class StandInNotification extends EventEmitter {
  shown = false;
  closed = false;
  constructor(readonly options: NotificationOptions) {
    super();
  }
  get title(): string {
    return this.options.title ?? '';
  }
  get body(): string {
    return this.options.body ?? '';
  }
  show(): void {
    this.shown = true;
    this.emit('show', {});
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', {});
  }
  /** The user clicks the notification. */
  click(): void {
    this.emit('click', {});
  }
  /** The user types a reply into the notification (macOS with `hasReply`). */
  reply(text: string): void {
    if (this.options.hasReply !== true) throw new Error('this notification takes no reply');
    this.emit('reply', {}, text);
  }
  /** The user clicks the notification's button with this label (macOS `actions`). */
  action(label: string): void {
    const actions = (this.options.actions ?? []) as { text: string }[];
    const index = actions.findIndex((candidate) => candidate.text === label);
    if (index < 0) throw new Error(`no action "${label}" in [${actions.map((a) => a.text).join(', ')}]`);
    this.emit('action', {}, index);
  }
}

export interface MessageBoxOptions {
  type?: string;
  title?: string;
  message: string;
  detail?: string;
  buttons?: string[];
  cancelId?: number;
  [key: string]: unknown;
}

/** A message box on screen; the test answers it by button index. */
export class PendingDialog {
  answered = false;
  private resolveResponse!: (value: { response: number; checkboxChecked: boolean }) => void;
  readonly result = new Promise<{ response: number; checkboxChecked: boolean }>((resolve) => {
    this.resolveResponse = resolve;
  });

  constructor(
    readonly options: MessageBoxOptions,
    readonly parent: unknown,
  ) {}

  /** Clicks the button at `index`, or the one labelled `label`. */
  respond(choice: number | string): void {
    const index = typeof choice === 'number' ? choice : (this.options.buttons ?? []).indexOf(choice);
    if (index < 0) throw new Error(`no button "${choice}" in [${(this.options.buttons ?? []).join(', ')}]`);
    this.answered = true;
    this.resolveResponse({ response: index, checkboxChecked: false });
  }
}

/**
 * safeStorage's cipher, as Chromium's OSCrypt does it on Linux with a keyring: AES-GCM under a
 * key that lives outside the app's files (here: in the stand-in's "OS keyring", one per test
 * process, so it survives app restarts), with a version prefix.
 */
export class KeyringCipher {
  private readonly key = randomBytes(32);
  /** Every plain text the app encrypted, for tests. */
  readonly encrypted: string[] = [];

  encrypt(plainText: string): Buffer {
    this.encrypted.push(plainText);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
  }

  decrypt(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v11')
      throw new Error('Error while decrypting the ciphertext');
    const iv = encrypted.subarray(3, 15);
    const tag = encrypted.subarray(15, 31);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
  }
}
