// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSearch } from './use-search';

/** Runs what requestAnimationFrame queued (jsdom's frames are timers). */
const nextFrame = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 50)));

function button(label: string) {
  const el = document.createElement('button');
  el.textContent = label;
  document.body.append(el);
  return el;
}

afterEach(() => {
  document.body.innerHTML = '';
});

/**
 * Focuses the header's search button, opens the panel from it and closes it again (the
 * panel's field had the focus; closing removes it). Answers the header's button.
 */
function openThenClose(): HTMLElement {
  const header = button('Search in conversation');
  header.focus();
  const { result } = renderHook(() => useSearch('c1', vi.fn()));
  act(() => result.current.openPanel('conversation'));
  document.body.focus();
  act(() => result.current.closePanel());
  return header;
}

describe('useSearch: closing the panel gives the keyboard back', () => {
  it('to where it was when the panel opened', async () => {
    const header = openThenClose();
    await nextFrame();
    expect(document.activeElement).toBe(header);
  });

  it('not when something took the keyboard in between (a dialog opened by a shortcut)', async () => {
    openThenClose();
    // Ctrl+K right after Esc: the switcher's field has the focus before the next frame.
    const switcher = document.createElement('input');
    document.body.append(switcher);
    switcher.focus();
    await nextFrame();
    expect(document.activeElement).toBe(switcher);
  });
});
