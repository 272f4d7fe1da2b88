/**
 * Message actions in the native right-click menu. While a right-click on a message is
 * dispatched in the page, the renderer reports the message and what the user may do with it
 * (`desktop.setContextMessage`); Chromium then asks main for the menu (`context-menu`), and
 * the report is taken for that menu. Both travel renderer → main over the frame's one ordered
 * channel, the report first. A picked action goes back to the renderer (`messageAction`),
 * which runs it like its own menus do (it knows the message; main does not need to), except
 * "Copy text", which main does itself with the text the report carries.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MessageMenuChoice, MessageMenuTarget } from '@parley/shared';
import { t } from './i18n.js';

/**
 * A report not followed by a menu (the page prevented it) is forgotten after this long, so it
 * cannot turn up in the menu of a later right-click elsewhere.
 */
export const CONTEXT_MESSAGE_TTL_MS = 1000;

export class ContextMessage {
  private reported: { target: MessageMenuTarget; at: number } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  set(target: MessageMenuTarget): void {
    this.reported = { target, at: this.now() };
  }

  /** The message of the right-click being answered, once; null if none was reported for it. */
  take(): MessageMenuTarget | null {
    const reported = this.reported;
    this.reported = null;
    return reported && this.now() - reported.at <= CONTEXT_MESSAGE_TTL_MS ? reported.target : null;
  }
}

const LABELS = {
  reply: 'message.reply',
  edit: 'message.edit',
  copy: 'message.copyText',
  delete: 'message.delete',
} as const satisfies Record<Exclude<MessageMenuTarget['actions'][number], 'more-reactions'>, string>;

/** The message's part of the menu: React (a submenu of quick reactions), then the commands. */
export function messageMenuItems(
  target: MessageMenuTarget,
  pick: (choice: MessageMenuChoice) => void,
  /** "Copy text" is done here, with the OS clipboard (no round trip, no page permission). */
  copyText: (text: string) => void,
): MenuItemConstructorOptions[] {
  const { messageId } = target;
  const items: MenuItemConstructorOptions[] = [];
  if (target.reactions.length > 0)
    items.push({
      label: t('message.react'),
      submenu: [
        ...target.reactions.map(({ emoji, mine }): MenuItemConstructorOptions => ({
          label: emoji,
          type: 'checkbox',
          checked: mine,
          click: () => pick({ messageId, action: 'react', emoji }),
        })),
        ...(target.actions.includes('more-reactions')
          ? [
              { type: 'separator' as const },
              {
                label: t('message.moreReactions'),
                click: () => pick({ messageId, action: 'more-reactions' }),
              },
            ]
          : []),
      ],
    });
  for (const action of target.actions) {
    if (action === 'more-reactions') continue;
    const text = target.text;
    items.push({
      label: t(LABELS[action]),
      click: () => (action === 'copy' && text !== undefined ? copyText(text) : pick({ messageId, action })),
    });
  }
  return items;
}
