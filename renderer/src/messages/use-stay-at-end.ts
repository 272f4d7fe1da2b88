import { useCallback, useEffect, useRef, type RefObject } from 'react';

/** How far (px) a scroller is from its very end. */
export const distanceToEnd = (el: HTMLElement): number => el.scrollHeight - el.scrollTop - el.clientHeight;

/**
 * Keeps a message list at its very end once it got there (a jump to the bottom, followed
 * output, the user scrolling down to it) until it is scrolled up or jumps away.
 *
 * Virtuoso re-pins only when its at-bottom state flips (and after followed output only for
 * 100 ms), so a change within its 48 px threshold (the last row growing after it was drawn,
 * the list's viewport shrinking while a lazy screen loaded) left the newest row partly under
 * the composer: the call-record flake. `keepAtEnd` re-pins on every such change; the list
 * calls it when its rows' total height changes, and it runs itself when the scroller resizes
 * or a scroll ends.
 *
 * `awayForJump`: set by the list while it is away from the bottom because of a jump.
 */
export function useStayAtEnd(awayForJump: RefObject<boolean>) {
  const scroller = useRef<HTMLElement | null>(null);
  /** Set while the list is meant to stay at its very end. */
  const pinnedToEnd = useRef(false);
  /** A few new rows glide into view: a change meanwhile re-pins smoothly, not with a jump. */
  const gliding = useRef(false);
  const detach = useRef<(() => void) | null>(null);
  useEffect(() => () => detach.current?.(), []);

  /** Back to the very end if the list is pinned there and a size change left it short. */
  const keepAtEnd = useCallback(() => {
    const el = scroller.current;
    if (!el || !pinnedToEnd.current || awayForJump.current) return;
    if (distanceToEnd(el) <= 1) return;
    el.scrollTo({ top: el.scrollHeight, behavior: gliding.current ? 'smooth' : 'auto' });
  }, [awayForJump]);

  /** Virtuoso's `scrollerRef`. */
  const setScroller = useCallback(
    (el: HTMLElement | Window | null) => {
      detach.current?.();
      detach.current = null;
      scroller.current = el instanceof HTMLElement ? el : null;
      const target = scroller.current;
      if (!target) return;
      let lastTop = target.scrollTop;
      const onScroll = () => {
        const top = target.scrollTop;
        if (distanceToEnd(target) <= 1) pinnedToEnd.current = true;
        // Moving up, away from the end: the user (or a jump) leaves the bottom.
        else if (top < lastTop) pinnedToEnd.current = false;
        lastTop = top;
      };
      const onScrollEnd = () => {
        gliding.current = false;
        keepAtEnd();
      };
      // The viewport changing height (the composer, a bar above the chat): Virtuoso's own
      // re-pin waits for its at-bottom state to flip, which a small change never does.
      const resized = new ResizeObserver(keepAtEnd);
      resized.observe(target);
      target.addEventListener('scroll', onScroll, { passive: true });
      target.addEventListener('scrollend', onScrollEnd);
      detach.current = () => {
        resized.disconnect();
        target.removeEventListener('scroll', onScroll);
        target.removeEventListener('scrollend', onScrollEnd);
      };
    },
    [keepAtEnd],
  );

  /** The list is at its end now (a jump to the bottom, followed output); `glide`: smoothly. */
  const pinAtEnd = useCallback((glide: boolean) => {
    pinnedToEnd.current = true;
    gliding.current = glide;
  }, []);
  /** The list jumped away from its end (a reply's original, a search hit). */
  const leaveEnd = useCallback(() => {
    pinnedToEnd.current = false;
  }, []);
  const isPinned = useCallback(() => pinnedToEnd.current, []);

  return { scroller, setScroller, keepAtEnd, pinAtEnd, leaveEnd, isPinned };
}
