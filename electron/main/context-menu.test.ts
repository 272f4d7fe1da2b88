import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { contextMenuItems, type MenuActions, type MenuParams } from './context-menu.js';

vi.mock('electron', () => ({ Menu: {}, clipboard: {} }));

const params = (overrides: Partial<MenuParams> = {}): MenuParams => ({
  x: 10,
  y: 20,
  isEditable: false,
  selectionText: '',
  linkURL: '',
  mediaType: 'none',
  hasImageContents: false,
  misspelledWord: '',
  dictionarySuggestions: [],
  editFlags: { canCut: false, canCopy: false, canPaste: false, canSelectAll: false },
  ...overrides,
});

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  return {
    replaceMisspelling: vi.fn(),
    addToDictionary: vi.fn(),
    cut: vi.fn(),
    copy: vi.fn(),
    paste: vi.fn(),
    selectAll: vi.fn(),
    copyText: vi.fn(),
    copyImageAt: vi.fn(),
  };
}

const labels = (items: MenuItemConstructorOptions[]) => items.map((item) => item.label ?? `-${item.type}-`);
const click = (items: MenuItemConstructorOptions[], label: string) =>
  (items.find((item) => item.label === label)?.click as () => void)();

describe('contextMenuItems', () => {
  it('offers nothing on plain text with no selection', () => {
    expect(contextMenuItems(params(), actions())).toEqual([]);
  });

  it('puts spelling suggestions first in a field, at most five, then the editing commands', () => {
    const act = actions();
    const items = contextMenuItems(
      params({
        isEditable: true,
        misspelledWord: 'teh',
        dictionarySuggestions: ['the', 'tech', 'ten', 'tea', 'tex', 'teg'],
        editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true },
      }),
      act,
    );
    expect(labels(items)).toEqual([
      'the',
      'tech',
      'ten',
      'tea',
      'tex',
      'Add to dictionary',
      '-separator-',
      'Cut',
      'Copy',
      'Paste',
      'Select all',
    ]);
    expect(items.find((item) => item.label === 'Cut')?.enabled).toBe(false);
    click(items, 'tech');
    expect(act.replaceMisspelling).toHaveBeenCalledWith('tech');
    click(items, 'Add to dictionary');
    expect(act.addToDictionary).toHaveBeenCalledWith('teh');
    click(items, 'Paste');
    expect(act.paste).toHaveBeenCalled();
  });

  it('says when there are no suggestions', () => {
    const items = contextMenuItems(params({ isEditable: true, misspelledWord: 'qzx' }), actions());
    expect(items[0]).toMatchObject({ label: 'No spelling suggestions', enabled: false });
  });

  it('copies web and mail links only, never javascript: or file: ones', () => {
    const act = actions();
    const items = contextMenuItems(params({ linkURL: 'https://example.org/a' }), act);
    expect(labels(items)).toEqual(['Copy link']);
    click(items, 'Copy link');
    expect(act.copyText).toHaveBeenCalledWith('https://example.org/a');
    expect(contextMenuItems(params({ linkURL: 'mailto:a@example.org' }), act)).toHaveLength(1);
    expect(contextMenuItems(params({ linkURL: 'javascript:alert(1)' }), act)).toEqual([]);
    expect(contextMenuItems(params({ linkURL: 'file:///etc/passwd' }), act)).toEqual([]);
  });

  it('copies an image at the pointer, and a selection outside fields', () => {
    const act = actions();
    const items = contextMenuItems(
      params({ mediaType: 'image', hasImageContents: true, selectionText: 'hi' }),
      act,
    );
    expect(labels(items)).toEqual(['Copy image', '-separator-', 'Copy']);
    click(items, 'Copy image');
    expect(act.copyImageAt).toHaveBeenCalledWith(10, 20);
    // An image that has not loaded has nothing to copy.
    expect(contextMenuItems(params({ mediaType: 'image' }), act)).toEqual([]);
  });
});
