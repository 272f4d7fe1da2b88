import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { MessageMenuTarget } from '@parley/shared';
import { contextMenuItems, type MenuParams } from './context-menu.js';
import { CONTEXT_MESSAGE_TTL_MS, ContextMessage, messageMenuItems } from './message-menu.js';

vi.mock('electron', () => ({ Menu: {}, clipboard: {} }));

const target: MessageMenuTarget = {
  messageId: 'm1',
  actions: ['reply', 'edit', 'copy', 'delete', 'more-reactions'],
  reactions: [
    { emoji: '👍', mine: false },
    { emoji: '❤️', mine: true },
  ],
  text: 'hello *there*',
};
const labels = (items: MenuItemConstructorOptions[]) => items.map((item) => item.label ?? `-${item.type}-`);
const find = (items: MenuItemConstructorOptions[], label: string) =>
  items.find((item) => item.label === label)!;
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('messageMenuItems', () => {
  it('offers React (quick reactions, mine checked, More reactions…) and the commands in order', () => {
    const pick = vi.fn();
    const copy = vi.fn();
    const items = messageMenuItems(target, pick, copy);
    expect(labels(items)).toEqual(['React', 'Reply', 'Edit', 'Copy text', 'Delete…']);
    const react = find(items, 'React').submenu as MenuItemConstructorOptions[];
    expect(labels(react)).toEqual(['👍', '❤️', '-separator-', 'More reactions…']);
    expect(react.map((item) => item.checked)).toEqual([false, true, undefined, undefined]);
    click(react[1]!);
    click(find(react, 'More reactions…'));
    click(find(items, 'Delete…'));
    click(find(items, 'Copy text'));
    expect(copy.mock.calls).toEqual([['hello *there*']]);
    expect(pick.mock.calls).toEqual([
      [{ messageId: 'm1', action: 'react', emoji: '❤️' }],
      [{ messageId: 'm1', action: 'more-reactions' }],
      [{ messageId: 'm1', action: 'delete' }],
    ]);
  });

  it('offers only what the renderer allowed (someone else’s message, no reacting)', () => {
    const items = messageMenuItems(
      { messageId: 'm2', actions: ['copy'], reactions: [], text: 'x' },
      vi.fn(),
      vi.fn(),
    );
    expect(labels(items)).toEqual(['Copy text']);
  });

  it('puts the message group first, then Copy and Copy link of the right-click', () => {
    const params: MenuParams = {
      x: 0,
      y: 0,
      isEditable: false,
      selectionText: 'hello',
      linkURL: 'https://example.org/',
      mediaType: 'none',
      hasImageContents: false,
      misspelledWord: '',
      dictionarySuggestions: [],
      editFlags: { canCut: false, canCopy: true, canPaste: false, canSelectAll: true },
    };
    const noop = () => {};
    const actions = {
      replaceMisspelling: noop,
      addToDictionary: noop,
      cut: noop,
      copy: noop,
      paste: noop,
      selectAll: noop,
      copyText: noop,
      copyImageAt: noop,
    };
    const items = contextMenuItems(params, actions, messageMenuItems(target, vi.fn(), vi.fn()));
    expect(labels(items)).toEqual([
      'React',
      'Reply',
      'Edit',
      'Copy text',
      'Delete…',
      '-separator-',
      'Copy link',
      '-separator-',
      'Copy',
    ]);
  });
});

describe('ContextMessage', () => {
  it('gives a report to the next menu only, and forgets one no menu followed', () => {
    let now = 1000;
    const reported = new ContextMessage(() => now);
    reported.set(target);
    expect(reported.take()).toBe(target);
    expect(reported.take()).toBeNull();
    reported.set(target);
    now += CONTEXT_MESSAGE_TTL_MS + 1;
    expect(reported.take()).toBeNull();
  });
});
