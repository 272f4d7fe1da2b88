import { PhoneOff } from 'lucide-react';
import type { CallMedia, User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { mediaLabel } from './call-text';
import { CallScreenFrame } from './CallScreenFrame';
import { useMediaStream } from './use-call-media';

interface OutgoingCallScreenProps {
  peer: User;
  media: CallMedia;
  /** The local camera, shown behind the ringing screen of a video call. */
  preview: MediaStream | null;
  onCancel: () => void;
}

/** "Calling Alice…" with the local preview and a cancel button. */
export function OutgoingCallScreen(props: OutgoingCallScreenProps) {
  return (
    <CallScreenFrame
      className="call-outgoing"
      label={`Calling ${props.peer.displayName}`}
      data-testid="outgoing-call"
    >
      <OutgoingBody {...props} />
    </CallScreenFrame>
  );
}

/** Inside the frame, so the preview's ref exists when its effect runs. */
function OutgoingBody({ peer, media, preview, onCancel }: OutgoingCallScreenProps) {
  const videoRef = useMediaStream<HTMLVideoElement>(preview);
  return (
    <>
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
          <Avatar id={peer.id} name={peer.displayName} size={112} picture={peer.avatarId} />
        </div>
        <h2 className="call-peer-name">{peer.displayName}</h2>
        <p className="call-status" aria-live="polite">
          {mediaLabel(media)} · Calling…
        </p>
      </div>
      <div className="call-controls call-controls-static">
        <button
          type="button"
          className="call-action call-action-decline"
          aria-label="Cancel call"
          onClick={onCancel}
        >
          <PhoneOff aria-hidden="true" />
          <span>Cancel</span>
        </button>
      </div>
    </>
  );
}
