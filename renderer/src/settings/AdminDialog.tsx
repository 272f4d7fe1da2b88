import { useCallback, useEffect, useState, type FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { KeyRound, Search, ShieldCheck, UserX, X } from 'lucide-react';
import { PASSWORD_MIN, type AdminUser } from '@parley/shared';
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
            <Dialog.Title className="dialog-title">Server administration</Dialog.Title>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label="Close server administration">
              <X size={18} />
            </Dialog.Close>
          </div>
          <div className="dialog-body page-body">
            {account && (
              <p className="muted settings-hint" data-testid="registration-mode">
                Registration on this server: <strong>{account.registration ?? 'unknown'}</strong>
                {account.registration === 'invite' && ' (an invite link is needed)'}. It is set with the
                server’s REGISTRATION setting.
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
        } else setError(r.error);
      }),
    [host],
  );
  useEffect(() => {
    const t = setTimeout(() => load(query), 150);
    return () => clearTimeout(t);
  }, [load, query]);

  const act = async (run: () => Promise<{ ok: boolean; error?: string }>, done: string) => {
    const r = await run();
    if (r.ok) showToast(done, 'info');
    else showToast(r.error ?? 'That failed.');
    load(query);
  };

  return (
    <section className="settings-section" aria-labelledby="admin-users">
      <h2 id="admin-users">Users</h2>
      <label className="search-box">
        <Search size={16} aria-hidden="true" />
        <input
          type="search"
          placeholder="Search by name or username"
          aria-label="Search users"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      {error && <p className="form-error">{error}</p>}
      <ul className="settings-list" aria-label="Users">
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
                {u.role === 'admin' && <span className="badge">Admin</span>}
                {u.deactivated && <span className="badge badge-danger">Deactivated</span>}
              </span>
              <span className="muted settings-hint">
                {u.online
                  ? 'Online now'
                  : u.lastSeenAt
                    ? `Last seen ${formatLastSeen(u.lastSeenAt, now).replace(/^last seen /, '')}`
                    : 'Never seen'}{' '}
                · joined {formatWhen(u.createdAt)}
              </span>
              {resetting === u.id && <ResetPasswordForm user={u} onDone={() => setResetting(null)} />}
              {confirming === u.id && (
                <span
                  className="admin-confirm"
                  role="group"
                  aria-label={`Confirm deactivating ${u.displayName}`}
                >
                  <span className="settings-hint">
                    Deactivate {u.displayName}? They are signed out everywhere and cannot sign in again. Their
                    messages stay.
                  </span>
                  <span className="settings-actions">
                    <button type="button" className="button" onClick={() => setConfirming(null)} autoFocus>
                      Cancel
                    </button>
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => {
                        setConfirming(null);
                        void act(() => host.admin.deactivate(u.id), `${u.displayName} was deactivated.`);
                      }}
                    >
                      Deactivate
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
                  aria-label={`Reset the password of ${u.displayName}`}
                  onClick={() => setResetting(resetting === u.id ? null : u.id)}
                >
                  <KeyRound size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button icon-button-ghost"
                  aria-label={
                    u.role === 'admin'
                      ? `Remove ${u.displayName} as server admin`
                      : `Make ${u.displayName} a server admin`
                  }
                  aria-pressed={u.role === 'admin'}
                  onClick={() =>
                    void act(
                      () => host.admin.setRole(u.id, u.role === 'admin' ? 'user' : 'admin'),
                      u.role === 'admin'
                        ? `${u.displayName} is no longer an admin.`
                        : `${u.displayName} is now a server admin.`,
                    )
                  }
                >
                  <ShieldCheck size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button icon-button-ghost admin-danger"
                  aria-label={`Deactivate ${u.displayName}`}
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
      {users?.length === 0 && <p className="muted">Nobody matches “{query}”.</p>}
    </section>
  );
}

function ResetPasswordForm({ user, onDone }: { user: AdminUser; onDone: () => void }) {
  const host = useHost();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < PASSWORD_MIN) return setError(`At least ${PASSWORD_MIN} characters.`);
    const r = await host.admin.resetPassword(user.id, password);
    if (!r.ok) return setError(r.error);
    showToast(`${user.displayName}’s password was reset; they were signed out everywhere.`, 'info');
    onDone();
  };
  return (
    <form className="settings-form inline" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span className="field-label">New password for {user.displayName}</span>
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
        Reset
      </button>
    </form>
  );
}
