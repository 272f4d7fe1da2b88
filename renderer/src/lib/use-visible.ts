import { useSyncExternalStore } from 'react';

function subscribe(l: () => void) {
  document.addEventListener('visibilitychange', l);
  return () => document.removeEventListener('visibilitychange', l);
}

/** True while the page is visible (not a background tab or a minimised window). */
export function useDocumentVisible(): boolean {
  return useSyncExternalStore(subscribe, () => document.visibilityState === 'visible');
}
