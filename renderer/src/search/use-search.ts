import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message } from '@parley/shared';

/** Where the panel searches: the open conversation, or every conversation. */
export type SearchScope = 'conversation' | 'all';

/** A message to show in its conversation (a search hit): ChatView scrolls to it and flashes it. */
export interface JumpRequest {
  conversationId: string;
  messageId: string;
  seq: number;
  /** Changes on every request, so opening the same hit twice jumps twice. */
  key: number;
}

export interface SearchPanelState {
  scope: SearchScope;
  /** Bumped by every shortcut, so an open panel takes the focus back and selects its text. */
  focusKey: number;
}

/** Below this width the panel covers the chat, so opening a hit closes it (styles.css agrees). */
const NARROW = '(max-width: 700px)';

/**
 * The search panel's state for the shell: Ctrl/Cmd+F searches the open conversation,
 * Ctrl/Cmd+Shift+F every conversation; closing returns the focus to where it was. Picking a
 * hit opens its conversation and asks it to jump there (`jump`, consumed by `jumpDone`).
 */
export function useSearch(shownId: string | null, openConversation: (id: string) => void) {
  const [panel, setPanel] = useState<SearchPanelState | null>(null);
  const [jump, setJump] = useState<JumpRequest | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const panelOpen = useRef(false);
  useEffect(() => {
    panelOpen.current = panel !== null;
  }, [panel]);

  const openPanel = useCallback((scope: SearchScope) => {
    if (!panelOpen.current && document.activeElement instanceof HTMLElement)
      returnFocus.current = document.activeElement;
    panelOpen.current = true;
    setPanel((p) => ({ scope, focusKey: (p?.focusKey ?? 0) + 1 }));
  }, []);

  const closePanel = useCallback(() => {
    setPanel(null);
    const back = returnFocus.current;
    returnFocus.current = null;
    // The element may be gone (a hit opened another conversation): the composer then. After
    // the panel has gone, and only if nothing took the keyboard meanwhile: a dialog opened by a
    // shortcut right after Esc (Ctrl+K) keeps its focus.
    requestAnimationFrame(() => {
      if (document.activeElement && document.activeElement !== document.body) return;
      if (back?.isConnected) back.focus();
      else document.querySelector<HTMLElement>('.chat textarea')?.focus();
    });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.defaultPrevented) return;
      if (e.key.toLowerCase() !== 'f' && e.code !== 'KeyF') return;
      // An open dialog or popover (new chat, switcher, emoji picker) owns the keyboard until it closes.
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      e.preventDefault();
      openPanel(e.shiftKey || !shownId ? 'all' : 'conversation');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openPanel, shownId]);

  const pick = useCallback(
    (hit: Message) => {
      openConversation(hit.conversationId);
      setJump({ conversationId: hit.conversationId, messageId: hit.id, seq: hit.seq, key: Date.now() });
      if (window.matchMedia(NARROW).matches) {
        returnFocus.current = null;
        closePanel();
      }
    },
    [openConversation, closePanel],
  );

  return {
    panel,
    openPanel,
    closePanel,
    setScope: (scope: SearchScope) => setPanel((p) => (p ? { ...p, scope } : p)),
    pick,
    /** The pending jump for the conversation on screen, if any. */
    jump: jump && jump.conversationId === shownId ? jump : null,
    jumpDone: useCallback(() => setJump(null), []),
  };
}
