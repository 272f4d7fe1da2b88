/**
 * Counts how often message rows render, from outside the app: a stand-in for React DevTools'
 * global hook, which React (production builds too) calls after every commit. A function
 * component rendered in a commit when it was mounted or carries React's PerformedWork flag
 * (what DevTools' "highlight updates" uses); subtrees React did not touch are skipped.
 * A message row is a component whose first DOM element is an item of the message list
 * (Virtuoso puts each row in a `[data-item-index]` wrapper; the list is the `log` role, since
 * the conversation list is virtualised too and its rows do change with typing and presence).
 */
import type { Page } from '@playwright/test';

export const renderCounterScript = `(() => {
  const FUNCTION_TAGS = new Set([0, 11, 14, 15]); // function, forwardRef, memo, simple memo
  const HOST = 5;
  const PERFORMED_WORK = 1;
  const counts = { rows: 0, commits: 0 };
  Object.defineProperty(window, '__parleyRenderCounts', { value: counts });
  const rowRootOf = (fiber) => {
    let node = fiber.child;
    while (node && node.tag !== HOST) {
      if (FUNCTION_TAGS.has(node.tag)) return null;
      node = node.child;
    }
    const element = node && node.stateNode;
    const item = element && element.parentElement;
    // The conversation list is virtualised the same way: only the message list's items count.
    return item && item.hasAttribute('data-item-index') && item.closest('[role="log"]') ? element : null;
  };
  const visit = (fiber) => {
    const rendered = fiber.alternate === null || (fiber.flags & PERFORMED_WORK) === PERFORMED_WORK;
    if (FUNCTION_TAGS.has(fiber.tag) && rendered && rowRootOf(fiber)) counts.rows++;
    const previous = fiber.alternate;
    if (previous && previous.child === fiber.child) return;
    for (let child = fiber.child; child; child = child.sibling) visit(child);
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot(_id, root) {
      counts.commits++;
      visit(root.current);
    },
  };
})();`;

export interface RenderCounts {
  rows: number;
  commits: number;
}

export function renderCounts(page: Page): Promise<RenderCounts> {
  return page.evaluate(() => {
    const counts = (globalThis as unknown as { __parleyRenderCounts: RenderCounts }).__parleyRenderCounts;
    return { ...counts };
  });
}
