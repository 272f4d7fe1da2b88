import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { RemoveThisAccount } from '../desktop/RemoveAccountDialog';
import { LoaderCircle, Server } from 'lucide-react';
import {
  DISPLAY_NAME_MAX,
  displayNameSchema,
  normalizeServerUrl,
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordSchema,
  usernameSchema,
} from '@parley/shared';
import { Trans, useTranslation } from 'react-i18next';
import { errorText } from '../i18n';
import { useClientState, useHost } from '../store/hooks';
import { selectSession } from '../store/selectors';
import { Logo } from '../components/Logo';
import { InviteCodeField, useInviteLink } from '../desktop/invite-link';
import { InviteCodeInput, inviteCodeFrom, useRegistrationMode } from './registration';

type Mode = 'sign-in' | 'sign-up';
type Field = 'serverUrl' | 'username' | 'password' | 'displayName';

export function SignInScreen() {
  const { t } = useTranslation();
  const host = useHost();
  const session = useClientState(selectSession);
  const [mode, setMode] = useState<Mode>('sign-in');
  const [serverUrl, setServerUrl] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const ids = useId();
  // A parley://…/invite/… link (desktop): sign-up with its server; the code shows below.
  const invite = useInviteLink((link) => {
    setMode('sign-up');
    setServerUrl(link.serverUrl);
  });

  const serverInput = useRef<HTMLInputElement>(null);
  const usernameInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    let cancelled = false;
    void host.auth.defaultServerUrl().then((url) => {
      if (cancelled) return;
      setServerUrl((current) => current || url);
      // No server to suggest (an account being added on the desktop): typing starts there,
      // unless the user is already typing a username.
      const input = serverInput.current;
      if (!url && input && !input.value && document.activeElement === usernameInput.current) input.focus();
    });
    return () => {
      cancelled = true;
    };
  }, [host]);

  const registration = useRegistrationMode(host, mode === 'sign-up', serverUrl);
  const [typedCode, setTypedCode] = useState('');
  const inviteCode = invite?.code ?? (inviteCodeFrom(typedCode) || undefined);
  const sessionError = session.status === 'signed-out' ? session.error : null;
  // The core keeps its last sign-in error; once the user moves on (another tab, a new
  // submit) it is old news, and only this form's own answer is shown.
  const [dismissedSessionError, setDismissedSessionError] = useState<string | null>(null);
  const busy = submitting || session.status === 'signing-in';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    // The one rule: https for a typed host, http for localhost and 127.x.
    const url = normalizeServerUrl(serverUrl);
    if (!url) errors.serverUrl = t('signIn.serverMissing');
    if (mode === 'sign-up') {
      const u = usernameSchema.safeParse(username);
      if (!u.success) errors.username = t('signIn.usernameInvalid');
      const p = passwordSchema.safeParse(password);
      if (!p.success)
        errors.password =
          password.length < PASSWORD_MIN
            ? t('signIn.passwordTooShort', { min: PASSWORD_MIN })
            : t('signIn.passwordTooLong', { max: PASSWORD_MAX });
      if (displayName.trim()) {
        const d = displayNameSchema.safeParse(displayName);
        if (!d.success) errors.displayName = t('signIn.displayNameTooLong', { max: DISPLAY_NAME_MAX });
      }
    } else {
      if (!username.trim()) errors.username = t('signIn.usernameMissing');
      if (!password) errors.password = t('signIn.passwordMissing');
    }
    setFieldErrors(errors);
    setFormError(null);
    setDismissedSessionError(sessionError);
    if (Object.keys(errors).length > 0 || !url) return;
    setSubmitting(true);
    try {
      const result =
        mode === 'sign-in'
          ? await host.auth.signIn({ serverUrl: url, username: username.trim(), password })
          : await host.auth.signUp({
              serverUrl: url,
              username: username.trim(),
              password,
              ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
              ...(inviteCode ? { inviteCode } : {}),
            });
      if (!result.ok) setFormError(errorText(result));
    } catch (err) {
      setFormError(err instanceof Error ? err.message : t('errors.unknown'));
    } finally {
      setSubmitting(false);
    }
  };

  const switchMode = (next: Mode) => {
    setMode(next);
    setFieldErrors({});
    setFormError(null);
    setDismissedSessionError(sessionError);
  };

  const error = formError ?? (sessionError !== dismissedSessionError ? sessionError : null);
  const fieldProps = (field: Field) => ({
    id: `${ids}-${field}`,
    'aria-invalid': fieldErrors[field] ? true : undefined,
    'aria-describedby': fieldErrors[field] ? `${ids}-${field}-error` : undefined,
  });
  const fieldError = (field: Field) =>
    fieldErrors[field] ? (
      <span id={`${ids}-${field}-error`} className="field-error">
        {fieldErrors[field]}
      </span>
    ) : null;

  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <Logo size={44} />
          <h1>{mode === 'sign-in' ? t('signIn.welcomeBack') : t('signIn.createTitle')}</h1>
          <p className="muted">{mode === 'sign-in' ? t('signIn.welcomeBackLead') : t('signIn.createLead')}</p>
        </div>
        <div className="segmented" role="tablist" aria-label={t('signIn.tabsLabel')}>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'sign-in'}
            className={mode === 'sign-in' ? 'active' : ''}
            onClick={() => switchMode('sign-in')}
          >
            {t('signIn.signIn')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'sign-up'}
            className={mode === 'sign-up' ? 'active' : ''}
            onClick={() => switchMode('sign-up')}
          >
            {t('signIn.createAccount')}
          </button>
        </div>
        <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
          <label className="field">
            <span className="field-label">{t('signIn.server')}</span>
            <span className="input-with-icon">
              <Server size={16} aria-hidden="true" />
              <input
                {...fieldProps('serverUrl')}
                ref={serverInput}
                name="server"
                type="url"
                inputMode="url"
                autoComplete="url"
                spellCheck={false}
                value={serverUrl}
                onChange={(e) => setServerUrl(e.target.value)}
                placeholder="chat.example.org"
              />
            </span>
            {fieldError('serverUrl')}
          </label>
          <label className="field">
            <span className="field-label">{t('signIn.username')}</span>
            <input
              {...fieldProps('username')}
              ref={usernameInput}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
            {fieldError('username')}
          </label>
          {mode === 'sign-up' && (
            <label className="field">
              <span className="field-label">
                <Trans
                  i18nKey="signIn.displayNameOptional"
                  components={{ muted: <span className="muted" /> }}
                />
              </span>
              <input
                {...fieldProps('displayName')}
                name="displayName"
                autoComplete="name"
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
                placeholder={t('signIn.displayNamePlaceholder')}
              />
              {fieldError('displayName')}
            </label>
          )}
          {mode === 'sign-up' && invite && <InviteCodeField code={invite.code} />}
          {mode === 'sign-up' && !invite && registration === 'invite' && (
            <InviteCodeInput value={typedCode} onChange={setTypedCode} />
          )}
          {mode === 'sign-up' && registration === 'closed' && (
            <p className="form-note" role="note">
              {t('signIn.closed')}
            </p>
          )}
          <label className="field">
            <span className="field-label">{t('signIn.password')}</span>
            <input
              {...fieldProps('password')}
              name="password"
              type="password"
              autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {fieldError('password')}
          </label>
          {error && (
            <div className="form-error" role="alert">
              {error}
            </div>
          )}
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={busy || (mode === 'sign-up' && registration === 'closed')}
          >
            {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            {mode === 'sign-in' ? t('signIn.signIn') : t('signIn.createAccount')}
          </button>
        </form>
        <RemoveThisAccount />
      </div>
    </main>
  );
}
