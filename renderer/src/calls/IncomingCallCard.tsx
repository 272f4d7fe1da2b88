import * as Dialog from '@radix-ui/react-dialog';
import { Phone, PhoneOff, Video } from 'lucide-react';
import type { CallMedia, User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { mediaLabel } from './call-text';
import { t } from '../i18n';
import { useMediaStream } from './use-call-media';

interface IncomingCallCardProps {
  from: User;
  media: CallMedia;
  /** The own camera while it rings (opened early when allowed); null before or without. */
  preview?: MediaStream | null;
  onAccept: (media: CallMedia) => void;
  onDecline: () => void;
}

/** What the call's frame holds while it rings: who calls, Accept (with video), Audio only, Decline. */
export function IncomingCallCard({
  from,
  media,
  preview = null,
  onAccept,
  onDecline,
}: IncomingCallCardProps) {
  const previewRef = useMediaStream<HTMLVideoElement>(preview);
  return (
    <>
      <div className="call-incoming-avatar">
        <Avatar id={from.id} name={from.displayName} size={88} picture={from.avatarId} />
      </div>
      <Dialog.Title className="call-incoming-name">{from.displayName}</Dialog.Title>
      <Dialog.Description className="call-incoming-kind">{mediaLabel(media)}…</Dialog.Description>
      {/* The camera is on while it rings (see call-session.ts): the user sees it is. */}
      {preview && (
        <video
          ref={previewRef}
          className="call-incoming-preview"
          data-testid="incoming-preview"
          aria-label={t('calls.yourCamera')}
          autoPlay
          muted
          playsInline
        />
      )}
      <div className="call-incoming-actions">
        <button
          type="button"
          className="call-action call-action-decline"
          aria-label={t('calls.declineCall')}
          onClick={onDecline}
        >
          <PhoneOff aria-hidden="true" />
          <span>{t('calls.decline')}</span>
        </button>
        {media === 'video' && (
          <button
            type="button"
            className="call-action call-action-neutral"
            aria-label={t('calls.acceptAudioOnly')}
            onClick={() => onAccept('audio')}
          >
            <Phone aria-hidden="true" />
            <span>{t('calls.audioOnly')}</span>
          </button>
        )}
        <button
          type="button"
          className="call-action call-action-accept"
          aria-label={media === 'video' ? t('calls.acceptVideo') : t('calls.acceptCall')}
          onClick={() => onAccept(media)}
          autoFocus
        >
          {media === 'video' ? <Video aria-hidden="true" /> : <Phone aria-hidden="true" />}
          <span>{t('calls.accept')}</span>
        </button>
      </div>
    </>
  );
}
