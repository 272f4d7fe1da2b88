/**
 * The desktop settings (`DesktopSettings` in the host API) and the per-window zoom, read
 * defensively from the plain settings store (electron-store: no secrets here). Defaults are
 * what most people want: close to tray, sound on, updates on, start normally.
 */
import { UI_LANGUAGES, type DesktopSettings } from '@parley/shared';
import type { KeyValueStore } from './stores.js';

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = {
  openAtLogin: false,
  startMinimized: false,
  closeToTray: true,
  notificationSound: true,
  spellCheckLanguages: [],
  downloadFolder: null,
  updatesEnabled: true,
  uiLanguage: null,
};

/** Chromium's zoom levels: each step is 20 %; ±5 steps is 40 %–250 %, plenty and still usable. */
export const ZOOM_LEVEL_LIMIT = 5;

const KEY = 'desktop';

export class DesktopSettingsStore {
  constructor(private readonly store: KeyValueStore) {}

  get(): DesktopSettings {
    const raw = this.store.get(KEY);
    const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const bool = (key: keyof DesktopSettings) => {
      const v = value[key];
      return typeof v === 'boolean' ? v : (DEFAULT_DESKTOP_SETTINGS[key] as boolean);
    };
    const languages = value.spellCheckLanguages;
    const folder = value.downloadFolder;
    return {
      openAtLogin: bool('openAtLogin'),
      startMinimized: bool('startMinimized'),
      closeToTray: bool('closeToTray'),
      notificationSound: bool('notificationSound'),
      spellCheckLanguages: Array.isArray(languages)
        ? languages.filter((tag): tag is string => typeof tag === 'string')
        : [],
      downloadFolder: typeof folder === 'string' && folder.length > 0 ? folder : null,
      updatesEnabled: bool('updatesEnabled'),
      uiLanguage: UI_LANGUAGES.find((language) => language === value.uiLanguage) ?? null,
    };
  }

  update(patch: Partial<DesktopSettings>): DesktopSettings {
    const next = { ...this.get(), ...patch };
    this.store.set(KEY, next);
    return next;
  }

  /** The zoom level of a window (`main`), kept across restarts. */
  zoomLevel(window: string): number {
    const value = this.store.get(`zoom.${window}`);
    return typeof value === 'number' && Number.isFinite(value) ? clampZoom(value) : 0;
  }

  setZoomLevel(window: string, level: number): number {
    const clamped = clampZoom(level);
    this.store.set(`zoom.${window}`, clamped);
    return clamped;
  }
}

export function clampZoom(level: number): number {
  return Math.max(-ZOOM_LEVEL_LIMIT, Math.min(ZOOM_LEVEL_LIMIT, Math.round(level)));
}
