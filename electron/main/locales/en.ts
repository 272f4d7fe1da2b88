/**
 * The desktop main process's own words: native menus, dialogs and notifications (the
 * renderer's are in renderer/src/i18n). Flat keys; `_one`/`_other` are i18next plurals.
 */
export const en = {
  'menu.view': 'View',
  'menu.actualSize': 'Actual size',
  'menu.zoomIn': 'Zoom in',
  'menu.zoomOut': 'Zoom out',
  'menu.help': 'Help',
  'menu.openLogsFolder': 'Open logs folder',
  'menu.checkForUpdates': 'Check for updates…',

  'context.noSuggestions': 'No spelling suggestions',
  'context.addToDictionary': 'Add to dictionary',
  'context.copyLink': 'Copy link',
  'context.copyImage': 'Copy image',
  'context.cut': 'Cut',
  'context.copy': 'Copy',
  'context.paste': 'Paste',
  'context.selectAll': 'Select all',

  'message.react': 'React',
  'message.moreReactions': 'More reactions…',
  'message.reply': 'Reply',
  'message.edit': 'Edit',
  'message.copyText': 'Copy text',
  'message.delete': 'Delete…',

  'tray.open': 'Open Parley',
  'tray.openUnread': 'Open Parley ({{count}} unread)',
  'tray.doNotDisturb': 'Do not disturb',
  'tray.quit': 'Quit Parley',
  'tray.tooltipUnread': '{{count}} unread',
  'tray.tooltipDoNotDisturb': 'do not disturb',

  'notify.newMessagesIn_one': '{{count}} new message in {{conversation}}',
  'notify.newMessagesIn_other': '{{count}} new messages in {{conversation}}',
  'notify.newMessagesAcross': '{{count}} new messages in {{conversations}} conversations',
  'notify.incomingVideoCall': 'Incoming video call',
  'notify.incomingVoiceCall': 'Incoming voice call',
  'notify.answer': 'Answer',
  'notify.decline': 'Decline',
  'notify.missedCall': 'Missed call',
  'notify.missedVideoCallFrom': 'Missed video call from {{name}}',
  'notify.missedVoiceCallFrom': 'Missed voice call from {{name}}',

  'link.alreadySignedIn': 'You are already signed in',
  'link.alreadySignedInDetail':
    'This invite is for a new account on {{host}}. Sign out first to create that account.',
  'link.signInFirst': 'Sign in to open this conversation',
  'link.signInFirstDetail':
    'The link is for a conversation on {{host}}. Sign in there, then open the link again.',
  'link.otherServer': 'This link is for another server',
  'link.otherServerDetail': 'The link is for {{host}}, and you are signed in to {{current}}.',
  'link.notFound': 'Conversation not found',
  'link.notFoundDetail': 'The link is for a conversation you are not in, or one that no longer exists.',

  'storage.noKeyring': 'Your sign-in is stored without a system keyring',
  'storage.noKeyringDetail':
    'No secret service (GNOME Keyring, KWallet) was found, so Parley can only obfuscate the saved sign-in on disk, not encrypt it. Install or unlock a keyring and restart Parley to protect it.',
  'storage.memoryOnly': 'Your sign-in will not be saved',
  'storage.memoryOnlyDetail':
    'This system offers no way to encrypt data, so Parley keeps your sign-in in memory only. You will need to sign in again after restarting Parley.',

  'downloads.chooseFolder': 'Download folder',

  'updates.noFeed': 'No updates in this build',
  'updates.noFeedDetail': 'Development builds have no update feed; packaged releases update themselves.',
  'updates.managed': 'Updates are managed',
  'updates.managedDetail':
    'Automatic updates are turned off for this installation (Desktop settings), for example because your administrator provides new versions.',
  'updates.failed': 'Could not check for updates',
  'updates.ready': 'Parley {{version}} is ready',
  'updates.readyDetail':
    'Restart now to finish updating, or later: the update is installed when Parley quits.',
  'updates.restart': 'Restart to update',
  'updates.later': 'Later',
} as const;

export type MainKey = keyof typeof en;
