/**
 * The unread count shown outside the window (dock/taskbar badge, tray tooltip) and the tray
 * menu. Pure, so the numbers and the menu are tested without Electron.
 */
import type { ClientState } from '@parley/shared';

/** Unread messages across all conversations; 0 while signed out. */
export function totalUnread(state: ClientState, mutedConversationIds: readonly string[] = []): number {
  if (state.session.status !== 'signed-in') return 0;
  const muted = new Set(mutedConversationIds);
  let total = 0;
  for (const conversation of state.conversations) {
    // Muted conversations still show their count inside the app, but do not nag from the dock.
    if (muted.has(conversation.id)) continue;
    total += Math.max(0, conversation.unreadCount);
  }
  return total;
}

export function trayTooltip(unread: number, doNotDisturb: boolean): string {
  const parts = ['Parley'];
  if (unread > 0) parts.push(`${unread} unread`);
  if (doNotDisturb) parts.push('do not disturb');
  return parts.join(' · ');
}

/** The tray/badge label: the number, capped so it fits. */
export function badgeLabel(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

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
      label: unread > 0 ? `Open Parley (${badgeLabel(unread)} unread)` : 'Open Parley',
      type: 'normal',
    },
    { id: 'dnd', label: 'Do not disturb', type: 'checkbox', checked: doNotDisturb },
    { id: 'separator', type: 'separator' },
    { id: 'quit', label: 'Quit Parley', type: 'normal' },
  ];
}
