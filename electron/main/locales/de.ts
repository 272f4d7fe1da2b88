import type { MainKey } from './en.js';

/** German: every key of en.ts (the compiler checks that none is missing). */
export const de: Record<MainKey, string> = {
  'menu.view': 'Ansicht',
  'menu.actualSize': 'Originalgröße',
  'menu.zoomIn': 'Vergrößern',
  'menu.zoomOut': 'Verkleinern',
  'menu.help': 'Hilfe',
  'menu.openLogsFolder': 'Protokollordner öffnen',
  'menu.checkForUpdates': 'Nach Updates suchen…',

  'context.noSuggestions': 'Keine Rechtschreibvorschläge',
  'context.addToDictionary': 'Zum Wörterbuch hinzufügen',
  'context.copyLink': 'Link kopieren',
  'context.copyImage': 'Bild kopieren',
  'context.cut': 'Ausschneiden',
  'context.copy': 'Kopieren',
  'context.paste': 'Einfügen',
  'context.selectAll': 'Alles auswählen',

  'message.react': 'Reagieren',
  'message.moreReactions': 'Weitere Reaktionen…',
  'message.reply': 'Antworten',
  'message.edit': 'Bearbeiten',
  'message.copyText': 'Text kopieren',
  'message.delete': 'Löschen…',

  'tray.open': 'Parley öffnen',
  'tray.openUnread': 'Parley öffnen ({{count}} ungelesen)',
  'tray.doNotDisturb': 'Nicht stören',
  'tray.quit': 'Parley beenden',
  'tray.tooltipUnread': '{{count}} ungelesen',
  'tray.tooltipDoNotDisturb': 'nicht stören',

  'notify.newMessagesIn_one': '{{count}} neue Nachricht in {{conversation}}',
  'notify.newMessagesIn_other': '{{count}} neue Nachrichten in {{conversation}}',
  'notify.newMessagesAcross': '{{count}} neue Nachrichten in {{conversations}} Unterhaltungen',
  'notify.incomingVideoCall': 'Eingehender Videoanruf',
  'notify.incomingVoiceCall': 'Eingehender Sprachanruf',
  'notify.answer': 'Annehmen',
  'notify.decline': 'Ablehnen',
  'notify.missedCall': 'Verpasster Anruf',
  'notify.missedVideoCallFrom': 'Verpasster Videoanruf von {{name}}',
  'notify.missedVoiceCallFrom': 'Verpasster Sprachanruf von {{name}}',

  'link.alreadySignedIn': 'Du bist bereits angemeldet',
  'link.alreadySignedInDetail':
    'Diese Einladung ist für ein neues Konto auf {{host}}. Melde dich zuerst ab, um dieses Konto anzulegen.',
  'link.signInFirst': 'Melde dich an, um diese Unterhaltung zu öffnen',
  'link.signInFirstDetail':
    'Der Link führt zu einer Unterhaltung auf {{host}}. Melde dich dort an und öffne den Link dann erneut.',
  'link.otherServer': 'Dieser Link ist für einen anderen Server',
  'link.otherServerDetail': 'Der Link ist für {{host}}, und du bist bei {{current}} angemeldet.',
  'link.notFound': 'Unterhaltung nicht gefunden',
  'link.notFoundDetail':
    'Der Link führt zu einer Unterhaltung, in der du nicht bist, oder zu einer, die es nicht mehr gibt.',

  'storage.noKeyring': 'Deine Anmeldung wird ohne Schlüsselbund gespeichert',
  'storage.noKeyringDetail':
    'Es wurde kein Schlüsseldienst (GNOME Keyring, KWallet) gefunden, daher kann Parley die gespeicherte Anmeldung nur verschleiern, nicht verschlüsseln. Installiere oder entsperre einen Schlüsselbund und starte Parley neu, um sie zu schützen.',
  'storage.memoryOnly': 'Deine Anmeldung wird nicht gespeichert',
  'storage.memoryOnlyDetail':
    'Dieses System bietet keine Verschlüsselung, daher hält Parley deine Anmeldung nur im Arbeitsspeicher. Nach einem Neustart von Parley musst du dich erneut anmelden.',

  'downloads.chooseFolder': 'Download-Ordner',

  'updates.noFeed': 'Keine Updates in diesem Build',
  'updates.noFeedDetail':
    'Entwicklungs-Builds haben keinen Update-Feed; veröffentlichte Versionen aktualisieren sich selbst.',
  'updates.managed': 'Updates werden verwaltet',
  'updates.managedDetail':
    'Automatische Updates sind für diese Installation ausgeschaltet (Desktop-Einstellungen), zum Beispiel weil deine Administration neue Versionen bereitstellt.',
  'updates.failed': 'Suche nach Updates fehlgeschlagen',
  'updates.ready': 'Parley {{version}} ist bereit',
  'updates.readyDetail':
    'Starte jetzt neu, um das Update abzuschließen, oder später: Es wird installiert, wenn Parley beendet wird.',
  'updates.restart': 'Neu starten und aktualisieren',
  'updates.later': 'Später',
};
