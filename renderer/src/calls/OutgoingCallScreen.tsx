import * as Dialog from '@radix-ui/react-dialog';
import { PhoneOff } from 'lucide-react';
import type { CallMedia, User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { t } from '../i18n';
import { mediaLabel } from './call-text';
import { useMediaStream } from './use-call-media';

interface OutgoingCallScreenProps {
  peer: User;
  /** A group call rings every member: it is labelled with the group, not one member. */
  group: { id: string; title: string; avatarId?: string | null } | null;
  media: CallMedia;
  /** The local camera, shown behind the ringing screen of a video call. */
  preview: MediaStream | null;
  onCancel: () => void;
}

/** "Calling Alice…" (or "Calling Team…") with the local preview and a cancel button. */
export function OutgoingCallScreen({ peer, group, media, preview, onCancel }: OutgoingCallScreenProps) {
  const videoRef = useMediaStream<HTMLVideoElement>(preview);
  const callee = group
    ? { ...group, isGroup: true }
    : { id: peer.id, title: peer.displayName, avatarId: peer.avatarId, isGroup: false };
  return (
    <>
      <Dialog.Title className="sr-only">{t('calls.calling', { name: callee.title })}</Dialog.Title>
      {media === 'video' && preview && (
        <video
          ref={videoRef}
          className="call-outgoing-preview"
          data-testid="outgoing-preview"
          autoPlay
          playsInline
          muted
          aria-hidden="true"
        />
      )}
      <div className="call-center">
        <div className="call-pulse">
          <Avatar
            id={callee.id}
            name={callee.title}
            size={112}
            picture={callee.avatarId}
            group={callee.isGroup}
          />
        </div>
        <h2 className="call-peer-name">{callee.title}</h2>
        <p className="call-status" aria-live="polite">
          {mediaLabel(media)} · {t('calls.callingStatus')}
        </p>
      </div>
      <div className="call-controls call-controls-static">
        <button
          type="button"
          className="call-action call-action-decline"
          aria-label={t('calls.cancelCall')}
          onClick={onCancel}
        >
          <PhoneOff aria-hidden="true" />
          <span>{t('common.cancel')}</span>
        </button>
      </div>
    </>
  );
}
