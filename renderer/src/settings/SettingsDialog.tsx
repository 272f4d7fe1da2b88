import { useRef, useState, type FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { ImagePlus, LoaderCircle, Monitor, Moon, Sun, Trash2, X } from 'lucide-react';
import { DISPLAY_NAME_MAX, type User } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import {
  detectLanguage,
  errorText,
  LANGUAGE_NAMES,
  LANGUAGES,
  languagePreference,
  setLanguagePreference,
  type Language,
} from '../i18n';
import { Avatar } from '../components/Avatar';
import { setThemePreference, useThemePreference, type ThemePreference } from '../lib/theme';
import { showToast } from '../lib/toast';
import { useClientState, useHost } from '../store/hooks';
import { selectMe } from '../store/selectors';
import { canInvite, openAccountPage, useAccountInfo, useAccountPage } from './account-store';
import { readImageFile } from './image-file';
import { InvitesSection } from './InvitesSection';
import { DeleteAccountSection, PasswordSection, SessionsSection } from './SecuritySections';
import './settings.css';

const THEMES: { value: ThemePreference; icon: typeof Sun }[] = [
  { value: 'system', icon: Monitor },
  { value: 'light', icon: Sun },
  { value: 'dark', icon: Moon },
];

/** The settings page (account menu, or Ctrl+, anywhere): profile, look, notifications, security. */
export function SettingsDialog() {
  const { t } = useTranslation();
  const page = useAccountPage();
  const me = useClientState(selectMe);
  return (
    <Dialog.Root
      open={page === 'settings' && me !== null}
      onOpenChange={(open) => !open && openAccountPage(null)}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog page-dialog" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('settings.title')}</Dialog.Title>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('settings.close')}>
              <X size={18} />
            </Dialog.Close>
          </div>
          {me && <SettingsBody me={me} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function SettingsBody({ me }: { me: User }) {
  const host = useHost();
  const account = useAccountInfo(host);
  return (
    <div className="dialog-body page-body">
      <ProfileSection me={me} />
      <AppearanceSection />
      <LanguageSection />
      <NotificationsSection />
      <PasswordSection />
      <SessionsSection />
      {canInvite(account) && <InvitesSection />}
      <DeleteAccountSection />
    </div>
  );
}

function ProfileSection({ me }: { me: User }) {
  const { t } = useTranslation();
  const host = useHost();
  const [name, setName] = useState(me.displayName);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busyPicture, setBusyPicture] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const displayName = name.trim();
    if (!displayName) return setError(t('settings.nameMissing'));
    setSaving(true);
    const r = await host.account.updateProfile({ displayName });
    setSaving(false);
    if (r.ok) {
      setError(null);
      showToast(t('settings.nameSaved'), 'info');
    } else setError(errorText(r));
  };

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusyPicture(true);
    const image = await readImageFile(file);
    const r = image.ok ? await host.account.setAvatar(image.value) : image;
    setBusyPicture(false);
    // The picture's own checks say what is wrong in the UI language already.
    if (!r.ok) showToast(t('settings.couldNotChangePicture', { error: image.ok ? errorText(r) : r.error }));
  };

  return (
    <section className="settings-section" aria-labelledby="settings-profile">
      <h2 id="settings-profile">{t('settings.profile')}</h2>
      <div className="profile-row">
        <Avatar id={me.id} name={me.displayName} size={72} picture={me.avatarId} />
        <div className="profile-picture-actions">
          <input
            ref={fileRef}
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            hidden
            aria-label={t('settings.choosePicture')}
            data-testid="avatar-input"
            onChange={(e) => {
              void pick(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <button
            type="button"
            className="button"
            disabled={busyPicture}
            onClick={() => fileRef.current?.click()}
          >
            {busyPicture ? (
              <LoaderCircle size={16} className="spin" aria-hidden="true" />
            ) : (
              <ImagePlus size={16} aria-hidden="true" />
            )}
            {me.avatarId ? t('settings.changePicture') : t('settings.addPicture')}
          </button>
          {me.avatarId && (
            <button
              type="button"
              className="button"
              disabled={busyPicture}
              onClick={() =>
                void host.account
                  .removeAvatar()
                  .then(
                    (r) => !r.ok && showToast(t('settings.couldNotRemovePicture', { error: errorText(r) })),
                  )
              }
            >
              <Trash2 size={16} aria-hidden="true" /> {t('settings.removePicture')}
            </button>
          )}
          <span className="muted settings-hint">@{me.username}</span>
        </div>
      </div>
      <form className="settings-form inline" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span className="field-label">{t('settings.displayName')}</span>
          <input
            value={name}
            maxLength={DISPLAY_NAME_MAX}
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
          />
          {error && <span className="field-error">{error}</span>}
        </label>
        <button
          type="submit"
          className="button button-primary"
          disabled={saving || name.trim() === me.displayName}
        >
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}

function AppearanceSection() {
  const { t } = useTranslation();
  const theme = useThemePreference();
  return (
    <section className="settings-section" aria-labelledby="settings-theme">
      <h2 id="settings-theme">{t('account.theme')}</h2>
      <div
        className="segmented"
        role="radiogroup"
        aria-labelledby="settings-theme"
        // A radio group is one Tab stop; the arrow keys move the choice (WAI-ARIA radio pattern).
        onKeyDown={(e) => {
          const step =
            e.key === 'ArrowRight' || e.key === 'ArrowDown'
              ? 1
              : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
                ? -1
                : 0;
          if (!step) return;
          e.preventDefault();
          const index = THEMES.findIndex((x) => x.value === theme);
          const next = THEMES[(index + step + THEMES.length) % THEMES.length]!;
          setThemePreference(next.value);
          e.currentTarget.querySelector<HTMLButtonElement>(`[data-value="${next.value}"]`)?.focus();
        }}
      >
        {THEMES.map(({ value, icon: Icon }) => (
          <button
            key={value}
            type="button"
            role="radio"
            data-value={value}
            aria-checked={theme === value}
            tabIndex={theme === value ? 0 : -1}
            className={theme === value ? 'active' : undefined}
            onClick={() => setThemePreference(value)}
          >
            <Icon size={15} aria-hidden="true" /> {t(`account.themes.${value}`)}
          </button>
        ))}
      </div>
    </section>
  );
}

/** The UI language: the system's (the default) or one the user picked; kept on this device. */
function LanguageSection() {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<Language | 'system'>(() => languagePreference() ?? 'system');
  return (
    <section className="settings-section" aria-labelledby="settings-language">
      <h2 id="settings-language">{t('settings.language')}</h2>
      <div className="settings-form">
        <select
          aria-labelledby="settings-language"
          value={choice}
          onChange={(e) => {
            const value = e.target.value as Language | 'system';
            setChoice(value);
            void setLanguagePreference(value === 'system' ? null : value);
          }}
        >
          <option value="system">
            {t('settings.languageSystem', { name: LANGUAGE_NAMES[detectLanguage()] })}
          </option>
          {LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {LANGUAGE_NAMES[language]}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

type Permission = 'granted' | 'denied' | 'default' | 'unsupported';
const readPermission = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Whether notifications can show, and how to fix it when they cannot. */
function NotificationsSection() {
  const { t } = useTranslation();
  const host = useHost();
  const [permission, setPermission] = useState<Permission>(readPermission);
  let text: string;
  if (host.kind === 'desktop') {
    text = t('settings.notificationsDesktop');
  } else if (permission === 'granted') text = t('settings.notificationsOn');
  else if (permission === 'denied') text = t('settings.notificationsBlocked');
  else if (permission === 'default') text = t('settings.notificationsDefault');
  else text = t('settings.notificationsUnsupported');
  return (
    <section className="settings-section" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">{t('settings.notifications')}</h2>
      <p
        className={permission === 'denied' && host.kind === 'web' ? 'settings-warning' : 'muted'}
        data-testid="notification-state"
      >
        {text}
      </p>
      {host.kind === 'web' && permission === 'default' && (
        <button
          type="button"
          className="button"
          onClick={() => void Notification.requestPermission().then(() => setPermission(readPermission()))}
        >
          {t('settings.allowNotifications')}
        </button>
      )}
    </section>
  );
}
