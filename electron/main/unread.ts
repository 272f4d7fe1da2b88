/**
 * The unread count shown outside the window (dock/taskbar badge, tray tooltip) and the tray
 * menu. Pure, so the numbers and the menu are tested without Electron.
 */
import type { ClientState } from '@parley/shared';
import { totalUnread as unreadTotal, unreadBadge } from '@parley/shared';
import { t } from './i18n.js';

/**
 * Unread messages across all conversations, by the one unread rule (muted conversations left
 * out, as in the window title); 0 while signed out.
 */
export function totalUnread(state: ClientState, mutedConversationIds: readonly string[] = []): number {
  if (state.session.status !== 'signed-in') return 0;
  return unreadTotal(state.conversations, mutedConversationIds);
}

export function trayTooltip(unread: number, doNotDisturb: boolean): string {
  const parts = ['Parley'];
  if (unread > 0) parts.push(t('tray.tooltipUnread', { count: unread }));
  if (doNotDisturb) parts.push(t('tray.tooltipDoNotDisturb'));
  return parts.join(' · ');
}

/** The tray/badge label: the number, capped so it fits (the shared rule). */
export const badgeLabel = unreadBadge;

export interface TrayMenuItem {
  id: 'open' | 'dnd' | 'quit' | 'separator';
  label?: string;
  type?: 'normal' | 'checkbox' | 'separator';
  checked?: boolean;
}

/** The tray menu: Open, Do not disturb (a checkbox), Quit. */
export function trayMenu(unread: number, doNotDisturb: boolean): TrayMenuItem[] {
  return [
    {
      id: 'open',
      label: unread > 0 ? t('tray.openUnread', { count: badgeLabel(unread) }) : t('tray.open'),
      type: 'normal',
    },
    { id: 'dnd', label: t('tray.doNotDisturb'), type: 'checkbox', checked: doNotDisturb },
    { id: 'separator', type: 'separator' },
    { id: 'quit', label: t('tray.quit'), type: 'normal' },
  ];
}
