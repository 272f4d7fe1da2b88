import { useSyncExternalStore } from 'react';

/** The user's choice; 'system' follows `prefers-color-scheme`. Persisted per device. */
export type ThemePreference = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

const STORAGE_KEY = 'parley.theme';
const listeners = new Set<() => void>();

function readPreference(): ThemePreference {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

let preference: ThemePreference = readPreference();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

function resolve(): ResolvedTheme {
  if (preference !== 'system') return preference;
  return media?.matches ? 'dark' : 'light';
}

/** Puts the resolved theme on <html data-theme>; the stylesheet keys its tokens on it. */
export function applyTheme(): void {
  const theme = resolve();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

media?.addEventListener('change', () => {
  applyTheme();
  for (const l of listeners) l();
});

export function setThemePreference(next: ThemePreference): void {
  preference = next;
  try {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this session.
  }
  applyTheme();
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useThemePreference(): ThemePreference {
  return useSyncExternalStore(subscribe, () => preference);
}
