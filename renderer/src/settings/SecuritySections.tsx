import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { LoaderCircle, LogOut, MonitorSmartphone } from 'lucide-react';
import { PASSWORD_MIN, type SessionInfo } from '@parley/shared';
import { showToast } from '../lib/toast';
import { useHost } from '../store/hooks';

/** "30 Nov 2026, 14:53": short enough for a list row. */
export function formatWhen(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "Chrome on Linux" from a User-Agent, good enough to tell devices apart. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Electron\//.test(userAgent)
    ? 'Parley desktop'
    : /Edg\//.test(userAgent)
      ? 'Edge'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : /node|undici/i.test(userAgent)
              ? 'A script'
              : 'A browser';
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
  return os ? `${browser} on ${os}` : browser;
}

export function PasswordSection() {
  const host = useHost();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next.length < PASSWORD_MIN)
      return setError(`The new password needs at least ${PASSWORD_MIN} characters.`);
    if (next !== confirm) return setError('The two new passwords differ.');
    setBusy(true);
    const r = await host.account.changePassword({ currentPassword: current, newPassword: next });
    setBusy(false);
    if (!r.ok) return setError(r.code === 'invalid_credentials' ? 'The current password is wrong.' : r.error);
    setError(null);
    setCurrent('');
    setNext('');
    setConfirm('');
    showToast('Password changed. Your other sessions were signed out.', 'info');
  };

  return (
    <section className="settings-section" aria-labelledby="settings-password">
      <h2 id="settings-password">Password</h2>
      <p className="muted settings-hint">Changing it signs you out everywhere else.</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">Current password</span>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">New password</span>
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">New password again</span>
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
            {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />} Change password
          </button>
        </div>
      </form>
    </section>
  );
}

export function SessionsSection() {
  const host = useHost();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void host.account.listSessions().then((r) => {
      if (r.ok) {
        setSessions(r.value);
        setError(null);
      } else setError(r.error);
    });
  }, [host]);
  useEffect(load, [load]);

  const revoke = async (s: SessionInfo) => {
    const r = await host.account.revokeSession(s.id);
    if (!r.ok) showToast(`Couldn’t sign it out: ${r.error}`);
    load();
  };

  return (
    <section className="settings-section" aria-labelledby="settings-sessions">
      <h2 id="settings-sessions">Where you’re signed in</h2>
      {error && <p className="form-error">{error}</p>}
      {sessions === null && !error && <p className="muted">Loading…</p>}
      <ul className="settings-list" aria-labelledby="settings-sessions">
        {sessions?.map((s) => (
          <li key={s.id} className="settings-list-item" data-testid="session-row">
            <MonitorSmartphone size={20} aria-hidden="true" className="muted" />
            <span className="settings-list-text">
              <span className="settings-list-name">
                {describeDevice(s.userAgent)}
                {s.current && <span className="badge">This device</span>}
              </span>
              <span className="muted settings-hint">
                Last used {formatWhen(s.lastUsedAt)} · signed in {formatWhen(s.createdAt)}
              </span>
            </span>
            {!s.current && (
              <button
                type="button"
                className="button"
                onClick={() => void revoke(s)}
                aria-label={`Sign out ${describeDevice(s.userAgent)}, last used ${formatWhen(s.lastUsedAt)}`}
              >
                <LogOut size={15} aria-hidden="true" /> Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeleteAccountSection() {
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
    if (!r.ok)
      setError(r.code === 'invalid_credentials' ? 'Wrong password: the account was not deleted.' : r.error);
  };
  return (
    <section className="settings-section danger-zone" aria-labelledby="settings-delete">
      <h2 id="settings-delete">Delete account</h2>
      <p className="muted settings-hint">
        You can’t sign in again afterwards. Your messages stay in their conversations, shown as from “Deleted
        user”.
      </p>
      {!open ? (
        <div>
          <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
            Delete my account…
          </button>
        </div>
      ) : (
        <form className="settings-form" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span className="field-label">Your password, to confirm</span>
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
              Cancel
            </button>
            <button type="submit" className="button button-danger" disabled={busy || password === ''}>
              Delete my account
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
