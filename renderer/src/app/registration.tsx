import { useEffect, useId, useState } from 'react';
import { normalizeServerUrl, type ParleyHost, type PublicServerInfo } from '@parley/shared';
import { useTranslation } from 'react-i18next';

/**
 * The sign-up form follows the server's registration mode (`GET /api/server`, asked through
 * the host while the form shows sign-up): `invite` asks for an invite code, `closed` says
 * there is no sign-up. Unknown (a v1 server, not reachable yet): the form as before.
 */
export function useRegistrationMode(
  host: ParleyHost,
  signingUp: boolean,
  serverUrl: string,
): PublicServerInfo['registration'] {
  const [known, setKnown] = useState<{ url: string; registration: PublicServerInfo['registration'] } | null>(
    null,
  );
  const url = signingUp ? normalizeServerUrl(serverUrl) : null;
  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void host.auth.serverInfo(url).then((r) => {
        if (!cancelled) setKnown({ url, registration: r.ok ? r.value.registration : null });
      });
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [host, url]);
  return url && known?.url === url ? known.registration : null;
}

/** The code in what was pasted: a whole invite link (`…/invite/<code>`, `?invite=<code>`) or the code. */
export function inviteCodeFrom(text: string): string {
  const trimmed = text.trim();
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(trimmed) ?? /[?&]invite=([A-Za-z0-9_-]+)/.exec(trimmed);
  return match?.[1] ?? trimmed;
}

/** An editable invite code, for an invite-only server reached without a link. */
export function InviteCodeInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span className="field-label">{t('signIn.inviteCode')}</span>
      <input
        id={id}
        name="inviteCode"
        value={value}
        spellCheck={false}
        autoComplete="off"
        placeholder={t('signIn.inviteCodePlaceholder')}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={`${id}-hint`} className="muted field-hint">
        {t('signIn.inviteOnly')}
      </span>
    </label>
  );
}
