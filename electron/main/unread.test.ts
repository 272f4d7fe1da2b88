import { describe, expect, it } from 'vitest';
import { initialClientState } from '@parley/shared';
import { conversation, signedInState } from '../test/fixtures.js';
import { badgeLabel, totalUnread, trayMenu, trayTooltip } from './unread.js';

describe('unread count for badge and tray', () => {
  const state = signedInState([
    conversation({ id: 'c1', unreadCount: 3 }),
    conversation({ id: 'c2', unreadCount: 0 }),
    conversation({ id: 'c3', unreadCount: 4 }),
  ]);

  it('sums unread messages across conversations', () => {
    expect(totalUnread(state)).toBe(7);
  });

  it('leaves muted conversations out of the badge', () => {
    expect(totalUnread(state, ['c3'])).toBe(3);
  });

  it('is 0 while signed out, whatever stale conversations the state holds', () => {
    expect(totalUnread({ ...initialClientState, conversations: state.conversations })).toBe(0);
  });

  it('ignores a negative count rather than subtracting', () => {
    expect(
      totalUnread(
        signedInState([conversation({ unreadCount: -2 }), conversation({ id: 'x', unreadCount: 1 })]),
      ),
    ).toBe(1);
  });

  it('labels the badge and the tooltip', () => {
    expect(badgeLabel(0)).toBe('');
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(150)).toBe('99+');
    expect(trayTooltip(0, false)).toBe('Parley');
    expect(trayTooltip(7, true)).toBe('Parley · 7 unread · do not disturb');
  });

  it('builds the tray menu: Open (with count), do-not-disturb checkbox, Quit', () => {
    expect(trayMenu(7, true)).toEqual([
      { id: 'open', label: 'Open Parley (7 unread)', type: 'normal' },
      { id: 'dnd', label: 'Do not disturb', type: 'checkbox', checked: true },
      { id: 'separator', type: 'separator' },
      { id: 'quit', label: 'Quit Parley', type: 'normal' },
    ]);
    expect(trayMenu(0, false)[0]?.label).toBe('Open Parley');
    expect(trayMenu(0, false)[1]?.checked).toBe(false);
  });
});
