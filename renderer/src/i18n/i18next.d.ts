import type { en } from './en';

// Typed keys: `t('chat.typo')` is a compile error, in components and in plain modules alike.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    returnNull: false;
  }
}
