import { t } from '../i18n';
import { useEffect, useId, useRef, useState } from 'react';
import type { InviteLink } from '@parley/shared';
import { useHost } from '../store/hooks';

const INVITE_PATH = /^\/invite\/([A-Za-z0-9_-]{4,64})\/?$/;
const INVITE_CODE = /^[A-Za-z0-9_-]{4,64}$/;

/**
 * The invite in a web client address: `https://<server>/invite/<code>`, or `/?invite=<code>`
 * where the server's invite page sends the browser. The server is the page's own origin. Null
 * for any other address.
 */
export function inviteFromLocation(href: string): InviteLink | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const query = url.pathname === '/' ? url.searchParams.get('invite') : null;
  const code = INVITE_PATH.exec(url.pathname)?.[1] ?? (query && INVITE_CODE.test(query) ? query : undefined);
  return code ? { serverUrl: url.origin, code } : null;
}

/**
 * An invite to fill the sign-up form with: in the desktop app a `parley://<server>/invite/<code>`
 * link the host validated and hands over (taken once at mount, for the link that started the
 * app; then live); in the web client the page's own `/invite/<code>` address. `onInvite`
 * fills the form; the hook returns the invite for the code field.
 */
export function useInviteLink(onInvite: (invite: InviteLink) => void): InviteLink | null {
  const desktop = useHost().desktop;
  const [invite, setInvite] = useState<InviteLink | null>(() =>
    desktop ? null : inviteFromLocation(window.location.href),
  );
  const callback = useRef(onInvite);
  useEffect(() => {
    callback.current = onInvite;
  });
  // Web: the page's own invite, once.
  const [pageInvite] = useState(invite);
  useEffect(() => {
    if (pageInvite) callback.current(pageInvite);
  }, [pageInvite]);
  useEffect(() => {
    if (!desktop) return;
    let active = true;
    const receive = (link: InviteLink) => {
      if (!active) return;
      setInvite(link);
      callback.current(link);
    };
    void desktop.takeInvite().then((result) => {
      if (result.ok && result.value) receive(result.value);
    });
    const unsubscribe = desktop.onInvite(receive);
    return () => {
      active = false;
      unsubscribe();
    };
  }, [desktop]);
  return invite;
}

/** The invite code from the link, shown read-only in the sign-up form. */
export function InviteCodeField({ code }: { code: string }) {
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span className="field-label">{t('signIn.inviteCode')}</span>
      <input id={id} name="inviteCode" value={code} readOnly spellCheck={false} />
    </label>
  );
}
