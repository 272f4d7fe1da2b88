import { useEffect, useId, useRef, useState } from 'react';
import type { InviteLink } from '@parley/shared';
import { useHost } from '../store/hooks';

/**
 * A `parley://<server>/invite/<code>` link opened in the desktop app: the host validated it
 * and hands it over (taken once at mount, for the link that started the app; then live).
 * `onInvite` fills the sign-up form; the hook returns the invite for the code field.
 */
export function useInviteLink(onInvite: (invite: InviteLink) => void): InviteLink | null {
  const desktop = useHost().desktop;
  const [invite, setInvite] = useState<InviteLink | null>(null);
  const callback = useRef(onInvite);
  useEffect(() => {
    callback.current = onInvite;
  });
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
      <span className="field-label">Invite code</span>
      <input id={id} name="inviteCode" value={code} readOnly spellCheck={false} />
    </label>
  );
}
