import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { LoaderCircle, LogOut, MonitorSmartphone } from 'lucide-react';
import { PASSWORD_MIN, type SessionInfo } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import { errorText, t as translate } from '../i18n';
import { dateTimeFormat } from '../lib/format';
import { showToast } from '../lib/toast';
import { useHost } from '../store/hooks';

const WHEN: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** "30 Nov 2026, 14:53" (in the user's locale): short enough for a list row. */
export function formatWhen(iso: string): string {
  return dateTimeFormat(WHEN).format(new Date(iso));
}

/** "Chrome on Linux" from a User-Agent, good enough to tell devices apart. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return translate('settings.device.unknown');
  const browser = /Electron\//.test(userAgent)
    ? translate('settings.device.desktop')
    : /Edg\//.test(userAgent)
      ? 'Edge'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : /node|undici/i.test(userAgent)
              ? translate('settings.device.script')
              : translate('settings.device.browser');
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return os ? translate('settings.device.on', { browser, os }) : browser;
}

export function PasswordSection() {
  const { t } = useTranslation();
  const host = useHost();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next.length < PASSWORD_MIN) return setError(t('settings.passwordTooShort', { min: PASSWORD_MIN }));
    if (next !== confirm) return setError(t('settings.passwordsDiffer'));
    setBusy(true);
    const r = await host.account.changePassword({ currentPassword: current, newPassword: next });
    setBusy(false);
    if (!r.ok)
      return setError(r.code === 'invalid_credentials' ? t('settings.currentPasswordWrong') : errorText(r));
    setError(null);
    setCurrent('');
    setNext('');
    setConfirm('');
    showToast(t('settings.passwordChanged'), 'info');
  };

  return (
    <section className="settings-section" aria-labelledby="settings-password">
      <h2 id="settings-password">{t('signIn.password')}</h2>
      <p className="muted settings-hint">{t('settings.passwordHint')}</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">{t('settings.currentPassword')}</span>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">{t('settings.newPassword')}</span>
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">{t('settings.newPasswordAgain')}</span>
          <input
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            required
          />
        </label>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />}{' '}
            {t('settings.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function SessionsSection() {
  const { t } = useTranslation();
  const host = useHost();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void host.account.listSessions().then((r) => {
      if (r.ok) {
        setSessions(r.value);
        setError(null);
      } else setError(errorText(r));
    });
  }, [host]);
  useEffect(load, [load]);

  const revoke = async (s: SessionInfo) => {
    const r = await host.account.revokeSession(s.id);
    if (!r.ok) showToast(t('settings.couldNotSignOut', { error: errorText(r) }));
    load();
  };

  return (
    <section className="settings-section" aria-labelledby="settings-sessions">
      <h2 id="settings-sessions">{t('settings.sessions')}</h2>
      {error && <p className="form-error">{error}</p>}
      {sessions === null && !error && <p className="muted">{t('common.loading')}</p>}
      <ul className="settings-list" aria-labelledby="settings-sessions">
        {sessions?.map((s) => (
          <li key={s.id} className="settings-list-item" data-testid="session-row">
            <MonitorSmartphone size={20} aria-hidden="true" className="muted" />
            <span className="settings-list-text">
              <span className="settings-list-name">
                {describeDevice(s.userAgent)}
                {s.current && <span className="badge">{t('settings.thisDevice')}</span>}
              </span>
              <span className="muted settings-hint">
                {t('settings.sessionTimes', {
                  used: formatWhen(s.lastUsedAt),
                  created: formatWhen(s.createdAt),
                })}
              </span>
            </span>
            {!s.current && (
              <button
                type="button"
                className="button"
                onClick={() => void revoke(s)}
                aria-label={t('settings.signOutSessionLabel', {
                  device: describeDevice(s.userAgent),
                  used: formatWhen(s.lastUsedAt),
                })}
              >
                <LogOut size={15} aria-hidden="true" /> {t('account.signOut')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeleteAccountSection() {
  const { t } = useTranslation();
  const host = useHost();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await host.account.deleteAccount(password);
    setBusy(false);
    if (!r.ok) setError(r.code === 'invalid_credentials' ? t('settings.deleteWrongPassword') : errorText(r));
  };
  return (
    <section className="settings-section danger-zone" aria-labelledby="settings-delete">
      <h2 id="settings-delete">{t('settings.deleteAccount')}</h2>
      <p className="muted settings-hint">{t('settings.deleteHint')}</p>
      {!open ? (
        <div>
          <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
            {t('settings.deleteMyAccountEllipsis')}
          </button>
        </div>
      ) : (
        <form className="settings-form" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span className="field-label">{t('settings.confirmPassword')}</span>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              autoFocus
              onChange={(e) => {
                setPassword(e.target.value);
                setError(null);
              }}
              required
            />
          </label>
          {error && (
            <div className="form-error" role="alert">
              {error}
            </div>
          )}
          <div className="settings-actions">
            <button type="button" className="button" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-danger" disabled={busy || password === ''}>
              {t('settings.deleteMyAccount')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
