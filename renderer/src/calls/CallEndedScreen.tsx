import { useEffect, useState } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { PhoneOff } from 'lucide-react';
import type { User } from '@parley/shared';
import { callDurationSeconds } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { formatDuration } from '../lib/format';
import { t } from '../i18n';

interface CallEndedScreenProps {
  peer: User;
  text: string;
  /** Epoch ms when the call was connected; the duration is taken when this screen appears. */
  startedAt: number | null;
  onDismiss: () => void;
  /** Dismisses by itself after this long; the user can close it sooner. */
  autoDismissMs?: number;
}

export function CallEndedScreen({
  peer,
  text,
  startedAt,
  onDismiss,
  autoDismissMs = 6000,
}: CallEndedScreenProps) {
  const [durationSeconds] = useState(() =>
    startedAt !== null ? callDurationSeconds(startedAt, Date.now()) : null,
  );
  useEffect(() => {
    const timer = setTimeout(onDismiss, autoDismissMs);
    return () => clearTimeout(timer);
  }, [onDismiss, autoDismissMs]);
  return (
    <>
      <Dialog.Title className="sr-only">{t('calls.ended')}</Dialog.Title>
      <div className="call-center">
        <Avatar id={peer.id} name={peer.displayName} size={96} picture={peer.avatarId} />
        <h2 className="call-peer-name">{peer.displayName}</h2>
        <p className="call-status" role="status" data-testid="call-ended-reason">
          <PhoneOff aria-hidden="true" size={16} /> {text}
          {durationSeconds !== null && ` · ${formatDuration(durationSeconds)}`}
        </p>
      </div>
      <div className="call-controls call-controls-static">
        <button
          type="button"
          className="call-pill-button"
          aria-label={t('calls.closeScreen')}
          onClick={onDismiss}
          autoFocus
        >
          <span>{t('common.close')}</span>
        </button>
      </div>
    </>
  );
}
