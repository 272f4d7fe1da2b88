import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import {
  BellOff,
  Check,
  ChevronDown,
  LogOut,
  Monitor,
  Moon,
  Settings,
  ShieldCheck,
  Sun,
  UserMinus,
  UserPlus,
} from 'lucide-react';
import { useState } from 'react';
import type { User } from '@parley/shared';
import { Trans, useTranslation } from 'react-i18next';
import { Avatar } from '../components/Avatar';
import { setThemePreference, useThemePreference, type ThemePreference } from '../lib/theme';
import { useHost } from '../store/hooks';
import { useNotificationControls } from '../store/notification-prefs';
import { clearDrafts } from '../lib/drafts';
import { DesktopSettingsMenuItem } from '../desktop/DesktopSettings';
import { useAccounts } from '../desktop/accounts-store';
import { RemoveAccountDialog } from '../desktop/RemoveAccountDialog';
import type { AccountSummary } from '@parley/shared';
import { openAccountPage, useAccountInfo } from '../settings/account-store';
import { modKey } from '../lib/platform';

const THEMES: { value: ThemePreference; label: 'system' | 'light' | 'dark'; icon: typeof Sun }[] = [
  { value: 'system', label: 'system', icon: Monitor },
  { value: 'light', label: 'light', icon: Sun },
  { value: 'dark', label: 'dark', icon: Moon },
];

/** The account chip at the top of the sidebar: who you are, the connection, theme and sign out. */
export function AccountMenu({ me, statusText, online }: { me: User; statusText: string; online: boolean }) {
  const { t } = useTranslation();
  const host = useHost();
  const theme = useThemePreference();
  // Only where the host keeps notification prefs (feature-detected).
  const notifications = useNotificationControls();
  const account = useAccountInfo(host);
  // Desktop: add an account; with several, remove this one (confirmed first).
  const accounts = useAccounts(host);
  const activeAccount = accounts?.accounts.find((a) => a.id === accounts.activeId);
  const [removing, setRemoving] = useState<AccountSummary | null>(null);
  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger
          className="account-chip"
          aria-label={t('account.chipLabel', { name: me.displayName, status: statusText })}
        >
          <Avatar id={me.id} name={me.displayName} size={36} online={online} picture={me.avatarId} />
          <span className="account-chip-text">
            <span className="account-chip-name">{me.displayName}</span>{' '}
            <span className="account-chip-status" data-testid="connection-status">
              {statusText}
            </span>
          </span>
          <ChevronDown size={16} aria-hidden="true" className="muted" />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
            <DropdownMenu.Label className="menu-label">
              <Trans
                i18nKey="account.signedInAs"
                values={{ username: me.username }}
                components={{ strong: <strong /> }}
              />
            </DropdownMenu.Label>
            <DropdownMenu.Separator className="menu-separator" />
            <DropdownMenu.Label className="menu-label">{t('account.theme')}</DropdownMenu.Label>
            <DropdownMenu.RadioGroup
              value={theme}
              onValueChange={(v) => setThemePreference(v as ThemePreference)}
            >
              {THEMES.map(({ value, label, icon: Icon }) => (
                <DropdownMenu.RadioItem key={value} value={value} className="menu-item">
                  <Icon size={16} aria-hidden="true" />
                  {t(`account.themes.${label}`)}
                  <DropdownMenu.ItemIndicator className="menu-indicator">
                    <Check size={14} />
                  </DropdownMenu.ItemIndicator>
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
            <DropdownMenu.Separator className="menu-separator" />
            {notifications?.prefs && (
              <>
                <DropdownMenu.CheckboxItem
                  className="menu-item"
                  checked={notifications.prefs.doNotDisturb}
                  onCheckedChange={(on) => notifications.setDoNotDisturb(on === true)}
                >
                  <BellOff size={16} aria-hidden="true" />
                  {t('account.doNotDisturb')}
                  <DropdownMenu.ItemIndicator className="menu-indicator">
                    <Check size={14} />
                  </DropdownMenu.ItemIndicator>
                </DropdownMenu.CheckboxItem>
                <DropdownMenu.Separator className="menu-separator" />
              </>
            )}
            <DropdownMenu.Item className="menu-item" onSelect={() => openAccountPage('settings')}>
              <Settings size={16} aria-hidden="true" /> {t('account.settings')}
              <span className="menu-shortcut">{modKey},</span>
            </DropdownMenu.Item>
            {account?.serverRole === 'admin' && (
              <DropdownMenu.Item className="menu-item" onSelect={() => openAccountPage('admin')}>
                <ShieldCheck size={16} aria-hidden="true" /> {t('account.admin')}
              </DropdownMenu.Item>
            )}
            <DesktopSettingsMenuItem />
            {host.accounts && (
              <DropdownMenu.Item className="menu-item" onSelect={() => void host.accounts?.add()}>
                <UserPlus size={16} aria-hidden="true" /> {t('accounts.addMenu')}
              </DropdownMenu.Item>
            )}
            {activeAccount && (accounts?.accounts.length ?? 0) > 1 && (
              <DropdownMenu.Item className="menu-item danger" onSelect={() => setRemoving(activeAccount)}>
                <UserMinus size={16} aria-hidden="true" /> {t('accounts.removeMenu')}
              </DropdownMenu.Item>
            )}
            <DropdownMenu.Item
              className="menu-item danger"
              onSelect={() => {
                clearDrafts();
                void host.auth.signOut();
              }}
            >
              <LogOut size={16} aria-hidden="true" /> {t('account.signOut')}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <RemoveAccountDialog
        account={removing}
        onConfirm={(target) => void host.accounts?.remove(target.id)}
        onClose={() => setRemoving(null)}
      />
    </>
  );
}
