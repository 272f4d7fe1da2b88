import { useEffect } from 'react';
import { openAccountPage } from './account-store';

/** Ctrl+, (⌘, on a Mac) opens settings, as in most desktop apps; lives outside the lazy settings chunk. */
export function useSettingsShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key === ',') {
        e.preventDefault();
        openAccountPage('settings');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
