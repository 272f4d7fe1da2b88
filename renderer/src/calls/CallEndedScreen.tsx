import { useEffect, useState } from 'react';
import { PhoneOff } from 'lucide-react';
import type { User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { formatDuration } from '../lib/format';

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
    startedAt !== null ? Math.round((Date.now() - startedAt) / 1000) : null,
  );
  useEffect(() => {
    const t = setTimeout(onDismiss, autoDismissMs);
    return () => clearTimeout(t);
  }, [onDismiss, autoDismissMs]);
  return (
    <div className="call-screen call-ended" role="dialog" aria-label="Call ended" data-testid="call-ended">
      <div className="call-center">
        <Avatar id={peer.id} name={peer.displayName} size={96} />
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
          aria-label="Close call screen"
          onClick={onDismiss}
          autoFocus
        >
          <span>Close</span>
        </button>
      </div>
    </div>
  );
}
