import { errorText, t } from '../i18n';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';
import type { MessageRow } from '../lib/message-rows';
import { showToast } from '../lib/toast';
import { useHost } from '../store/hooks';

/**
 * Jumping to a message (a reply's original, later a search hit): load history back to it,
 * scroll its row into view, and flash it (`highlightId`).
 */
export function useJumpToMessage(
  conversationId: string,
  rows: MessageRow[],
  virtuoso: RefObject<VirtuosoHandle | null>,
  scroller: RefObject<HTMLElement | null>,
) {
  const host = useHost();
  const [highlightId, setHighlightId] = useState<string | null>(null);
  // A ref, not state: the effect below consumes it once the row shows up in `rows`.
  const jumpTarget = useRef<string | null>(null);
  const jumpTo = useCallback(
    async (messageId: string, seq?: number) => {
      const held = async () =>
        (await host.getState()).messages[conversationId]?.items.some((m) => m.id === messageId) ?? false;
      if (!(await held())) {
        if (seq !== undefined && host.conversations.loadAround) {
          const r = await host.conversations.loadAround(conversationId, seq);
          if (!r.ok) showToast(t('chat.couldNotLoadMessage', { error: errorText(r) }));
        } else {
          // A reply names its original by id only, so page back until it is there (bounded).
          for (let page = 0; page < 40 && !(await held()); page++) {
            if (!(await host.getState()).messages[conversationId]?.hasOlder) break;
            const r = await host.conversations.loadOlder(conversationId);
            if (!r.ok) {
              showToast(t('chat.couldNotLoadOlder', { error: errorText(r) }));
              break;
            }
          }
        }
        if (!(await held())) {
          showToast(t('chat.originalGone'));
          return;
        }
      }
      jumpTarget.current = messageId;
      setHighlightId(messageId);
    },
    [host, conversationId],
  );

  const rowsRef = useRef(rows);
  useEffect(() => {
    rowsRef.current = rows;
  }, [rows]);

  /**
   * Scrolls a message's row into view. Right after a page was prepended Virtuoso is still
   * keeping the old position, which can undo one scrollToIndex, so keep asking until the row
   * is on screen for a few frames (or 3 s pass).
   */
  const scrollToMessage = useCallback(
    (messageId: string) => {
      const started = performance.now();
      let settledFrames = 0;
      const step = () => {
        const index = rowsRef.current.findIndex((r) => r.message.id === messageId);
        const list = scroller.current;
        if (index < 0 || !list) return;
        const row = list.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
        const box = list.getBoundingClientRect();
        const rect = row?.getBoundingClientRect();
        if (rect && rect.bottom > box.top && rect.top < box.bottom) settledFrames++;
        else {
          settledFrames = 0;
          virtuoso.current?.scrollToIndex({ index, align: 'center', behavior: 'auto' });
        }
        if (settledFrames < 3 && performance.now() - started < 3000) requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    },
    [scroller, virtuoso],
  );

  useEffect(() => {
    const target = jumpTarget.current;
    if (!target || !rows.some((r) => r.message.id === target)) return;
    jumpTarget.current = null;
    scrollToMessage(target);
  }, [highlightId, rows, scrollToMessage]);

  return { highlightId, jumpTo };
}
