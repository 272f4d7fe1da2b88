import { afterEach, describe, expect, it } from 'vitest';
import { mainLanguage, pickLanguage, setMainLanguage, t } from './i18n.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { trayMenu } from './unread.js';
import { restartButtons } from './updates.js';

describe('main process words', () => {
  afterEach(() => setMainLanguage('en'));

  it('follows the window’s reported language, else the system’s first we speak, else English', () => {
    expect(pickLanguage('de', ['en-US'])).toBe('de');
    expect(pickLanguage(null, ['fr-FR', 'de-AT', 'en-US'])).toBe('de');
    expect(pickLanguage(null, ['fr-FR'])).toBe('en');
    expect(pickLanguage(null, [])).toBe('en');
  });

  it('has every English key in German, and no other', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('builds the tray menu, prompts and notices in German once switched, with plurals and values', () => {
    expect(setMainLanguage('de')).toBe(true);
    expect(setMainLanguage('de')).toBe(false);
    expect(mainLanguage()).toBe('de');
    expect(trayMenu(3, false).map((item) => item.label)).toEqual([
      'Parley öffnen (3 ungelesen)',
      'Nicht stören',
      undefined,
      'Parley beenden',
    ]);
    expect(restartButtons()).toEqual(['Neu starten und aktualisieren', 'Später']);
    expect(t('notify.newMessagesIn', { count: 1, conversation: 'Team' })).toBe('1 neue Nachricht in Team');
    expect(t('notify.newMessagesIn', { count: 4, conversation: 'Team' })).toBe('4 neue Nachrichten in Team');
    setMainLanguage('en');
    expect(t('notify.newMessagesIn', { count: 4, conversation: 'Team' })).toBe('4 new messages in Team');
  });
});
