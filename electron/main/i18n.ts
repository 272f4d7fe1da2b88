/**
 * The main process's words in the UI's language. The renderer owns the choice (its Language
 * setting, else the system's); it reports the language it shows through the desktop settings
 * (`uiLanguage`), which main keeps so menus are right from the next start. Until then main
 * follows the system locale.
 */
import i18next from 'i18next';
import { UI_LANGUAGES, type UiLanguage } from '@parley/shared';
import { de } from './locales/de.js';
import { en, type MainKey } from './locales/en.js';

const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: en }, de: { translation: de } },
  // Keys are flat ("menu.view"): no nesting, no namespaces in them.
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
  // Native menus and notifications are plain text: nothing to escape.
  interpolation: { escapeValue: false },
});

/** A plural key's base ("notify.newMessagesIn" for `_one`/`_other`). */
type BaseKey<K extends string> = K extends `${infer Base}_${'one' | 'other'}` ? Base : K;

export function t(key: BaseKey<MainKey>, values?: Record<string, string | number>): string {
  return i18n.t(key, values ?? {});
}

/** The UI language for a stored choice, else the first of the system's locales we speak. */
export function pickLanguage(stored: UiLanguage | null, systemLocales: readonly string[]): UiLanguage {
  if (stored) return stored;
  for (const tag of systemLocales) {
    const primary = tag.split('-')[0]?.toLowerCase();
    const match = UI_LANGUAGES.find((language) => language === primary);
    if (match) return match;
  }
  return 'en';
}

/** Switches main's words; true when the language changed (menus then need rebuilding). */
export function setMainLanguage(language: UiLanguage): boolean {
  if (i18n.language === language) return false;
  void i18n.changeLanguage(language);
  return true;
}

export function mainLanguage(): UiLanguage {
  return UI_LANGUAGES.find((language) => language === i18n.language) ?? 'en';
}
