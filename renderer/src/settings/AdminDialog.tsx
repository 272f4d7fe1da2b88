import { useCallback, useEffect, useState, type FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { KeyRound, Search, ShieldCheck, UserX, X } from 'lucide-react';
import { PASSWORD_MIN, type AdminUser } from '@parley/shared';
import { Trans, useTranslation } from 'react-i18next';
import { errorText } from '../i18n';
import { Avatar } from '../components/Avatar';
import { formatLastSeen } from '../lib/format';
import { formatWhen } from './SecuritySections';
import { showToast } from '../lib/toast';
import { useNow } from '../lib/use-now';
import { useClientState, useHost } from '../store/hooks';
import { selectMe } from '../store/selectors';
import { openAccountPage, useAccountInfo, useAccountPage } from './account-store';
import { InvitesSection } from './InvitesSection';
import './settings.css';

/** Server administration, for server admins: users (search, deactivate, reset, roles) and invites. */
export function AdminDialog() {
  const { t } = useTranslation();
  const page = useAccountPage();
  const host = useHost();
  const me = useClientState(selectMe);
  const account = useAccountInfo(host);
  const open = page === 'admin' && account?.serverRole === 'admin';
  return (
    <Dialog.Root open={open} onOpenChange={(o) => !o && openAccountPage(null)}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog page-dialog" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('admin.title')}</Dialog.Title>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('admin.close')}>
              <X size={18} />
            </Dialog.Close>
          </div>
          <div className="dialog-body page-body">
            {account && (
              <p className="muted settings-hint" data-testid="registration-mode">
                <Trans
                  i18nKey={
                    account.registration === 'invite' ? 'admin.registrationInvite' : 'admin.registration'
                  }
                  values={{ mode: account.registration ?? t('admin.registrationUnknown') }}
                  components={{ strong: <strong /> }}
                />
              </p>
            )}
            <UsersSection meId={me?.id ?? ''} />
            <InvitesSection />
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function UsersSection({ meId }: { meId: string }) {
  const { t } = useTranslation();
  const host = useHost();
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const now = useNow(60_000);

  const load = useCallback(
    (q: string) =>
      void host.admin.listUsers(q).then((r) => {
        if (r.ok) {
          setUsers(r.value);
          setError(null);
        } else setError(errorText(r));
      }),
    [host],
  );
  useEffect(() => {
    const timer = setTimeout(() => load(query), 150);
    return () => clearTimeout(timer);
  }, [load, query]);

  const act = async (run: () => Promise<{ ok: boolean; error?: string; code?: string }>, done: string) => {
    const r = await run();
    if (r.ok) showToast(done, 'info');
    else showToast(errorText(r));
    load(query);
  };

  return (
    <section className="settings-section" aria-labelledby="admin-users">
      <h2 id="admin-users">{t('admin.users')}</h2>
      <label className="search-box">
        <Search size={16} aria-hidden="true" />
        <input
          type="search"
          placeholder={t('admin.searchPlaceholder')}
          aria-label={t('admin.searchLabel')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      {error && <p className="form-error">{error}</p>}
      <ul className="settings-list" aria-label={t('admin.users')}>
        {users?.map((u) => (
          <li
            key={u.id}
            className={`settings-list-item admin-user${u.deactivated ? ' is-deactivated' : ''}`}
            data-testid="admin-user-row"
          >
            <Avatar
              id={u.id}
              name={u.displayName}
              size={36}
              online={u.deactivated ? undefined : (u.online ?? false)}
              picture={u.avatarId}
            />
            <span className="settings-list-text">
              <span className="settings-list-name">
                {u.displayName} <span className="muted">@{u.username}</span>
                {u.role === 'admin' && <span className="badge">{t('admin.badgeAdmin')}</span>}
                {u.deactivated && <span className="badge badge-danger">{t('admin.badgeDeactivated')}</span>}
              </span>
              <span className="muted settings-hint">
                {t('admin.userTimes', {
                  seen: u.online
                    ? t('admin.onlineNow')
                    : u.lastSeenAt
                      ? capitalise(formatLastSeen(u.lastSeenAt, now))
                      : t('admin.neverSeen'),
                  joined: formatWhen(u.createdAt),
                })}
              </span>
              {resetting === u.id && <ResetPasswordForm user={u} onDone={() => setResetting(null)} />}
              {confirming === u.id && (
                <span
                  className="admin-confirm"
                  role="group"
                  aria-label={t('admin.confirmDeactivateLabel', { name: u.displayName })}
                >
                  <span className="settings-hint">
                    {t('admin.confirmDeactivate', { name: u.displayName })}
                  </span>
                  <span className="settings-actions">
                    <button type="button" className="button" onClick={() => setConfirming(null)} autoFocus>
                      {t('common.cancel')}
                    </button>
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => {
                        setConfirming(null);
                        void act(
                          () => host.admin.deactivate(u.id),
                          t('admin.deactivated', { name: u.displayName }),
                        );
                      }}
                    >
                      {t('admin.deactivate')}
                    </button>
                  </span>
                </span>
              )}
            </span>
            {!u.deactivated && u.id !== meId && (
              <span className="admin-actions">
                <button
                  type="button"
                  className="icon-button icon-button-ghost"
                  aria-label={t('admin.resetLabel', { name: u.displayName })}
                  onClick={() => setResetting(resetting === u.id ? null : u.id)}
                >
                  <KeyRound size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button icon-button-ghost"
                  aria-label={
                    u.role === 'admin'
                      ? t('admin.removeAdminLabel', { name: u.displayName })
                      : t('admin.makeAdminLabel', { name: u.displayName })
                  }
                  aria-pressed={u.role === 'admin'}
                  onClick={() =>
                    void act(
                      () => host.admin.setRole(u.id, u.role === 'admin' ? 'user' : 'admin'),
                      u.role === 'admin'
                        ? t('admin.noLongerAdmin', { name: u.displayName })
                        : t('admin.nowAdmin', { name: u.displayName }),
                    )
                  }
                >
                  <ShieldCheck size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button icon-button-ghost admin-danger"
                  aria-label={t('admin.deactivateLabel', { name: u.displayName })}
                  aria-expanded={confirming === u.id}
                  onClick={() => setConfirming(confirming === u.id ? null : u.id)}
                >
                  <UserX size={16} />
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {users?.length === 0 && <p className="muted">{t('admin.noMatch', { query })}</p>}
    </section>
  );
}

function ResetPasswordForm({ user, onDone }: { user: AdminUser; onDone: () => void }) {
  const { t } = useTranslation();
  const host = useHost();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < PASSWORD_MIN) return setError(t('admin.passwordTooShort', { min: PASSWORD_MIN }));
    const r = await host.admin.resetPassword(user.id, password);
    if (!r.ok) return setError(errorText(r));
    showToast(t('admin.passwordReset', { name: user.displayName }), 'info');
    onDone();
  };
  return (
    <form className="settings-form inline" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span className="field-label">{t('admin.newPasswordFor', { name: user.displayName })}</span>
        <input
          type="text"
          autoComplete="off"
          value={password}
          autoFocus
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && <span className="field-error">{error}</span>}
      </label>
      <button type="submit" className="button button-primary">
        {t('admin.reset')}
      </button>
    </form>
  );
}

/** "last seen 5 min ago" → "Last seen 5 min ago": the list's line starts with it. */
function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
