import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { UI_LANGUAGES, type UiLanguage } from '@parley/shared';
import { en } from './en';

/**
 * The renderer's one i18n instance (i18next + react-i18next). English is bundled and
 * initialised synchronously on import, so every module (and every unit test) can translate
 * right away; other languages are separate chunks loaded by `startI18n()` before the first
 * render, and by `setLanguagePreference()` when the user picks one in the settings.
 */

/** The UI languages, by their two-letter code (one list for every app: shared's). */
export const LANGUAGES = UI_LANGUAGES;
export type Language = UiLanguage;

/** The names a language is offered under, each in its own language. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ de: unknown }>> = {
  de: () => import('./de'),
};

/** Where the user's choice is kept; absent means "follow the system". */
const PREFERENCE_KEY = 'parley.language';

export const i18n: I18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  resources: { en: { translation: en } },
  // The other languages arrive later through addResourceBundle.
  partialBundledLanguages: true,
  initAsync: false,
  // React escapes what it renders; escaping here too would show "&amp;" in names.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** `t` outside React (toasts raised by stores, the formatters in lib/format.ts). */
export const t = i18n.t.bind(i18n);

function isLanguage(value: string | null | undefined): value is Language {
  return !!value && (LANGUAGES as readonly string[]).includes(value);
}

/** The language the user chose in the settings, or null to follow the system. */
export function languagePreference(): Language | null {
  try {
    const stored = localStorage.getItem(PREFERENCE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

/** The system's languages in order of preference (the browser's, or Chromium's in the desktop app). */
function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** The first supported language of the system's list, by its primary subtag ("de-AT" → "de"); else English. */
export function detectLanguage(system: readonly string[] = systemLanguages()): Language {
  for (const tag of system) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

async function load(language: Language): Promise<void> {
  if (language === 'en' || i18n.hasResourceBundle(language, 'translation')) return;
  const module = (await loaders[language]()) as Record<Language, Record<string, unknown>>;
  i18n.addResourceBundle(language, 'translation', module[language], true, true);
}

async function switchTo(language: Language): Promise<void> {
  try {
    await load(language);
  } catch (err) {
    // A chunk that fails to load (an old cached shell) leaves the UI in English, not blank.
    console.warn(`Parley: language ${language} unavailable`, err);
    language = 'en';
  }
  await i18n.changeLanguage(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** Calls `listener` with the language shown now and after every change (the desktop tells main). */
export function followLanguage(listener: (language: Language) => void): void {
  const report = (language: string) => {
    if (isLanguage(language)) listener(language);
  };
  report(i18n.language);
  i18n.on('languageChanged', report);
}

/** Picks the language (the user's choice, else the system's) and loads it; awaited before the first render. */
export function startI18n(): Promise<void> {
  return switchTo(languagePreference() ?? detectLanguage());
}

/** Saves the user's choice (null: follow the system) and switches to it; every `useTranslation` re-renders. */
export async function setLanguagePreference(language: Language | null): Promise<void> {
  try {
    if (language) localStorage.setItem(PREFERENCE_KEY, language);
    else localStorage.removeItem(PREFERENCE_KEY);
  } catch {
    // Storage unavailable: the choice lasts for this session only.
  }
  await switchTo(language ?? detectLanguage());
}

/**
 * The locale dates and times are formatted in: the system locale when it is in the UI's
 * language (so "de-AT" and "en-GB" keep their own conventions), else the UI language itself.
 */
export function dateLocale(): string {
  // Asked once per row and time on screen, so kept until the language changes.
  if (cachedDateLocale) return cachedDateLocale;
  const language = i18n.language || 'en';
  cachedDateLocale =
    systemLanguages().find((tag) => tag.split('-')[0]?.toLowerCase() === language) ?? language;
  return cachedDateLocale;
}
let cachedDateLocale: string | null = null;
i18n.on('languageChanged', () => {
  cachedDateLocale = null;
});

/**
 * A failed host call in the user's language: the message for its error code when there is
 * one (the server's and the client core's codes), else the text the host gave.
 */
export function errorText(result: { error?: string | null; code?: string | null }): string {
  const code = result.code;
  if (code && i18n.exists(`errors.${code}`)) return t(`errors.${code}` as 'errors.internal');
  return result.error || t('errors.unknown');
}
