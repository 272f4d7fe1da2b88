/**
 * The right-click menu of the app window, built from Electron's `context-menu` event: spelling
 * suggestions and "Add to dictionary" on a misspelled word, the message's actions on a message
 * (message-menu.ts), Cut/Copy/Paste as the editing state allows, Copy link on a link, Copy
 * image on an image. `contextMenuItems` is pure (unit tested); `installContextMenu` wires it
 * to a window.
 */
import { Menu, clipboard, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { MessageMenuChoice } from '@parley/shared';
import { messageMenuItems, type ContextMessage } from './message-menu.js';
import { t } from './i18n.js';

/** The fields of Electron's `ContextMenuParams` used here. */
export interface MenuParams {
  x: number;
  y: number;
  isEditable: boolean;
  selectionText: string;
  linkURL: string;
  mediaType: string;
  hasImageContents: boolean;
  misspelledWord: string;
  dictionarySuggestions: string[];
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export interface MenuActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
  cut(): void;
  copy(): void;
  paste(): void;
  selectAll(): void;
  copyText(text: string): void;
  copyImageAt(x: number, y: number): void;
}

/** At most this many spelling suggestions, as Chromium's own menu does it. */
export const MAX_SUGGESTIONS = 5;

export function contextMenuItems(
  params: MenuParams,
  actions: MenuActions,
  /** The items of the right-clicked message (message-menu.ts), if any. */
  message: MenuItemConstructorOptions[] = [],
): MenuItemConstructorOptions[] {
  const groups: MenuItemConstructorOptions[][] = [];
  if (message.length > 0) groups.push(message);
  if (params.isEditable && params.misspelledWord) {
    const word = params.misspelledWord;
    const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    groups.push([
      ...(suggestions.length > 0
        ? suggestions.map((suggestion) => ({
            label: suggestion,
            click: () => actions.replaceMisspelling(suggestion),
          }))
        : [{ label: t('context.noSuggestions'), enabled: false }]),
      { label: t('context.addToDictionary'), click: () => actions.addToDictionary(word) },
    ]);
  }
  const link = safeLink(params.linkURL);
  if (link) groups.push([{ label: t('context.copyLink'), click: () => actions.copyText(link) }]);
  if (params.mediaType === 'image' && params.hasImageContents)
    groups.push([{ label: t('context.copyImage'), click: () => actions.copyImageAt(params.x, params.y) }]);
  const { editFlags } = params;
  if (params.isEditable)
    groups.push([
      { label: t('context.cut'), enabled: editFlags.canCut, click: () => actions.cut() },
      { label: t('context.copy'), enabled: editFlags.canCopy, click: () => actions.copy() },
      { label: t('context.paste'), enabled: editFlags.canPaste, click: () => actions.paste() },
      { label: t('context.selectAll'), enabled: editFlags.canSelectAll, click: () => actions.selectAll() },
    ]);
  else if (params.selectionText.trim())
    groups.push([{ label: t('context.copy'), click: () => actions.copy() }]);
  return groups.flatMap((group, index) => (index === 0 ? group : [{ type: 'separator' as const }, ...group]));
}

/** Only web and mail links are offered for copying: nothing a page could smuggle in (javascript:, file:). */
function safeLink(url: string): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:' ? url : null;
  } catch {
    return null;
  }
}

export interface MessageMenuDeps {
  /** What the renderer reported about the right-clicked message. */
  contextMessage: ContextMessage;
  /** A message action was picked: the renderer runs it. */
  pick(choice: MessageMenuChoice): void;
}

export function installContextMenu(window: BrowserWindow, messages?: MessageMenuDeps): void {
  const contents = window.webContents;
  contents.on('context-menu', (_event, params) => {
    const target = messages?.contextMessage.take() ?? null;
    const messageItems =
      target && messages ? messageMenuItems(target, messages.pick, (text) => clipboard.writeText(text)) : [];
    const items = contextMenuItems(
      params,
      {
        replaceMisspelling: (word) => contents.replaceMisspelling(word),
        addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
        cut: () => contents.cut(),
        copy: () => contents.copy(),
        paste: () => contents.paste(),
        selectAll: () => contents.selectAll(),
        copyText: (text) => clipboard.writeText(text),
        copyImageAt: (x, y) => contents.copyImageAt(x, y),
      },
      messageItems,
    );
    if (items.length > 0) Menu.buildFromTemplate(items).popup({ window });
  });
}
