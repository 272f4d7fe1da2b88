import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Copy, Link2, Trash2 } from 'lucide-react';
import type { Invite } from '@parley/shared';
import { formatWhen } from './SecuritySections';
import { useTranslation } from 'react-i18next';
import { errorText, t } from '../i18n';
import { showToast } from '../lib/toast';
import { useHost } from '../store/hooks';

const EXPIRY: { hours: number | null; label: 'day' | 'week' | 'month' | 'never' }[] = [
  { hours: 24, label: 'day' },
  { hours: 24 * 7, label: 'week' },
  { hours: 24 * 30, label: 'month' },
  { hours: null, label: 'never' },
];

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    showToast(t('invites.copied'), 'info');
  } catch {
    showToast(t('invites.couldNotCopy'));
  }
}

function inviteState(invite: Invite): string {
  const uses =
    invite.maxUses === null
      ? t('invites.used', { count: invite.uses })
      : t('invites.usedOf', { count: invite.uses, max: invite.maxUses });
  const expiry = invite.expiresAt
    ? t('invites.expires', { when: formatWhen(invite.expiresAt) })
    : t('invites.neverExpires');
  return `${uses} · ${expiry}`;
}

/** Invite links: make one (uses, expiry) and copy it; list and revoke (settings and the admin page). */
export function InvitesSection({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const host = useHost();
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [maxUses, setMaxUses] = useState('1');
  const [hours, setHours] = useState<string>('168');
  const [created, setCreated] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void host.invites.list().then((r) => (r.ok ? setInvites(r.value) : setError(errorText(r))));
  }, [host]);
  useEffect(load, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const uses = maxUses === '' ? undefined : Number(maxUses);
    if (uses !== undefined && (!Number.isInteger(uses) || uses < 1 || uses > 10_000)) {
      return setError(t('invites.usesInvalid'));
    }
    const r = await host.invites.create({
      ...(uses !== undefined ? { maxUses: uses } : {}),
      ...(hours !== 'never' ? { expiresInHours: Number(hours) } : {}),
    });
    if (!r.ok) return setError(errorText(r));
    setError(null);
    setCreated(r.value);
    load();
  };

  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="settings-section" aria-labelledby="settings-invites">
      <Heading id="settings-invites">{t('invites.title')}</Heading>
      <p className="muted settings-hint">{t('invites.hint')}</p>
      <form className="settings-form inline" onSubmit={(e) => void create(e)}>
        <label className="field narrow">
          <span className="field-label">{t('invites.uses')}</span>
          <input
            inputMode="numeric"
            value={maxUses}
            placeholder={t('invites.noLimit')}
            onChange={(e) => setMaxUses(e.target.value.trim())}
          />
        </label>
        <label className="field narrow">
          <span className="field-label">{t('invites.expiresAfter')}</span>
          <select value={hours} onChange={(e) => setHours(e.target.value)}>
            {EXPIRY.map((x) => (
              <option key={x.label} value={x.hours === null ? 'never' : String(x.hours)}>
                {t(`invites.expiry.${x.label}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary">
          <Link2 size={16} aria-hidden="true" /> {t('invites.create')}
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {created && (
        <div className="invite-created">
          <input
            readOnly
            value={created.url}
            aria-label={t('invites.newLink')}
            data-testid="invite-url"
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button" onClick={() => void copy(created.url)}>
            <Copy size={15} aria-hidden="true" /> {t('invites.copy')}
          </button>
        </div>
      )}
      {invites && invites.length > 0 && (
        <ul className="settings-list" aria-label={t('invites.yourLinks')}>
          {invites.map((invite) => (
            <li key={invite.code} className="settings-list-item" data-testid="invite-row">
              <Link2 size={18} aria-hidden="true" className="muted" />
              <span className="settings-list-text">
                <span className="settings-list-name mono">…{invite.code.slice(-8)}</span>
                <span className="muted settings-hint">{inviteState(invite)}</span>
              </span>
              <button
                type="button"
                className="icon-button icon-button-ghost"
                aria-label={t('invites.copyEnding', { code: invite.code.slice(-8) })}
                onClick={() => void copy(invite.url)}
              >
                <Copy size={16} />
              </button>
              <button
                type="button"
                className="icon-button icon-button-ghost"
                aria-label={t('invites.revokeEnding', { code: invite.code.slice(-8) })}
                onClick={() =>
                  void host.invites.revoke(invite.code).then((r) => {
                    if (!r.ok) showToast(t('invites.couldNotRevoke', { error: errorText(r) }));
                    if (created?.code === invite.code) setCreated(null);
                    load();
                  })
                }
              >
                <Trash2 size={16} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
