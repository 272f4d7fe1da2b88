import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type ReactNode,
  type Ref,
} from 'react';
import { Maximize2, Mic, MicOff, PhoneOff, Video, VideoOff } from 'lucide-react';
import type { CallMedia, User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { formatDuration } from '../lib/format';
import { t } from '../i18n';
import type { CallSessionSnapshot } from './call-session-types';
import type { InCallActions } from './InCallScreen';
import { MINIMISE_KEYS, nearestCorner, readTileCorner, writeTileCorner, type TileCorner } from './minimise';
import { useAudioLevel, useMediaStream } from './use-call-media';
import './minimised-call.css';

interface MinimisedCallProps {
  peer: User;
  media: CallMedia;
  /** Seconds since the call was accepted, or null before. */
  elapsedSeconds: number | null;
  media$: CallSessionSnapshot;
  actions: Pick<InCallActions, 'toggleMic' | 'toggleCamera' | 'hangUp'>;
  onRestore: () => void;
  /** Where focus goes when the tile appears: the chat's composer when one is open, else the tile. */
  focusOnMount?: boolean;
}

/** A pointer that moved less than this (px) clicked rather than dragged. */
const DRAG_THRESHOLD = 4;

/**
 * The call minimised to a floating tile (picture-in-picture) above the chat, which stays fully
 * usable underneath: no modal, no focus trap. It shows the remote video (the same MediaStream
 * as the full screen, so nothing is renegotiated) or the peer's avatar with a speaking ring,
 * the duration, and mute / camera / restore / hang-up. Dragged anywhere, it snaps to the
 * nearest corner on release; a double click brings the full call back.
 */
export function MinimisedCall({
  peer,
  media,
  elapsedSeconds,
  media$,
  actions,
  onRestore,
  focusOnMount = false,
}: MinimisedCallProps) {
  const showVideo = media === 'video' && media$.remoteHasVideo && !media$.remoteMuted.video;
  const videoRef = useMediaStream<HTMLVideoElement>(showVideo ? media$.remoteStream : null);
  const levelRef = useRef<HTMLDivElement | null>(null);
  useAudioLevel(levelRef, showVideo ? null : media$.remoteStream);
  const restoreRef = useRef<HTMLButtonElement | null>(null);
  const { tileProps, corner } = useSnappedDrag();

  useEffect(() => {
    if (!focusOnMount) return;
    // Minimising is for chatting: the open chat's composer takes the keyboard, so typing goes on
    // at once. Without an open chat, the tile's Restore button (what undoes the minimise).
    const composer = document.querySelector<HTMLElement>('.chat textarea');
    (composer ?? restoreRef.current)?.focus();
  }, [focusOnMount]);

  const status =
    media$.link === 'reconnecting'
      ? t('connection.reconnecting')
      : media$.link === 'failed'
        ? t('calls.connectionFailed')
        : media$.link === 'connected'
          ? elapsedSeconds !== null
            ? formatDuration(elapsedSeconds)
            : t('calls.connected')
          : t('connection.connecting');
  const restoreLabel = t('calls.restore');

  return (
    <section
      className="call-pip"
      aria-label={t('calls.callWith', { name: peer.displayName })}
      data-testid="call-minimised"
      data-link={media$.link}
      data-corner={corner}
      {...tileProps}
      onDoubleClick={(e) => {
        if (!(e.target as Element).closest('button')) onRestore();
      }}
    >
      <div className="call-pip-stage">
        {showVideo ? (
          <video
            ref={videoRef}
            className="call-pip-video"
            data-testid="pip-video"
            autoPlay
            playsInline
            muted
            aria-label={t('calls.peerVideo', { name: peer.displayName })}
          />
        ) : (
          <div ref={levelRef} className="call-level-ring call-pip-avatar" data-testid="pip-avatar">
            <Avatar id={peer.id} name={peer.displayName} size={56} picture={peer.avatarId} />
          </div>
        )}
        {media$.remoteMuted.audio && (
          <span className="call-pip-remote-muted" title={t('calls.peerMuted', { name: peer.displayName })}>
            <MicOff aria-hidden="true" size={14} />
            <span className="sr-only">{peer.displayName} is muted</span>
          </span>
        )}
      </div>
      <div className="call-pip-info">
        <span className="call-pip-name">{peer.displayName}</span>
        <span className="call-pip-status" data-testid="pip-status">
          {status}
        </span>
        {/* The timer ticks every second: only the link changes are announced. */}
        <span className="sr-only" aria-live="polite">
          {media$.link === 'reconnecting' || media$.link === 'failed' ? status : ''}
        </span>
      </div>
      <div className="call-pip-controls" role="group" aria-label={t('calls.controls')}>
        <PipButton
          label={media$.micMuted ? t('calls.unmuteMic') : t('calls.muteMic')}
          pressed={media$.micMuted}
          onClick={actions.toggleMic}
          testId="pip-toggle-mic"
        >
          {media$.micMuted ? <MicOff aria-hidden="true" size={18} /> : <Mic aria-hidden="true" size={18} />}
        </PipButton>
        {media$.hasCamera && (
          <PipButton
            label={media$.cameraOff ? t('calls.cameraOn') : t('calls.cameraOff')}
            pressed={media$.cameraOff}
            onClick={actions.toggleCamera}
            testId="pip-toggle-camera"
          >
            {media$.cameraOff ? (
              <VideoOff aria-hidden="true" size={18} />
            ) : (
              <Video aria-hidden="true" size={18} />
            )}
          </PipButton>
        )}
        <PipButton
          ref={restoreRef}
          label={restoreLabel}
          title={`${restoreLabel} (${MINIMISE_KEYS.label})`}
          keyShortcuts={MINIMISE_KEYS.aria}
          onClick={onRestore}
          testId="restore-call"
        >
          <Maximize2 aria-hidden="true" size={18} />
        </PipButton>
        <PipButton label={t('calls.hangUp')} onClick={actions.hangUp} testId="pip-hang-up" danger>
          <PhoneOff aria-hidden="true" size={18} />
        </PipButton>
      </div>
    </section>
  );
}

interface EndedTileProps {
  peer: User;
  text: string;
  durationSeconds: number | null;
  onDismiss: () => void;
  autoDismissMs?: number;
}

/**
 * A call that ended while minimised ends in its tile: no full-window screen takes the
 * keyboard from someone typing. It goes away by itself like the full "Call ended" screen.
 */
export function MinimisedCallEnded({
  peer,
  text,
  durationSeconds,
  onDismiss,
  autoDismissMs = 6000,
}: EndedTileProps) {
  useEffect(() => {
    const t = setTimeout(onDismiss, autoDismissMs);
    return () => clearTimeout(t);
  }, [onDismiss, autoDismissMs]);
  const { tileProps, corner } = useSnappedDrag();
  return (
    <section
      className="call-pip call-pip-ended"
      aria-label={t('calls.callWith', { name: peer.displayName })}
      data-testid="call-minimised-ended"
      data-corner={corner}
      {...tileProps}
    >
      <div className="call-pip-stage">
        <div className="call-pip-avatar">
          <Avatar id={peer.id} name={peer.displayName} size={56} picture={peer.avatarId} />
        </div>
      </div>
      <div className="call-pip-info">
        <span className="call-pip-name">{peer.displayName}</span>
        <span className="call-pip-status" role="status">
          {text}
          {durationSeconds !== null && ` · ${formatDuration(durationSeconds)}`}
        </span>
      </div>
      <div className="call-pip-controls">
        <button type="button" className="call-pip-close" onClick={onDismiss}>
          Close
        </button>
      </div>
    </section>
  );
}

interface PipButtonProps {
  label: string;
  title?: string;
  pressed?: boolean;
  keyShortcuts?: string;
  onClick: () => void;
  testId: string;
  danger?: boolean;
  children: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

function PipButton({
  label,
  title,
  pressed,
  keyShortcuts,
  onClick,
  testId,
  danger,
  children,
  ref,
}: PipButtonProps) {
  return (
    <button
      ref={ref}
      type="button"
      className={danger ? 'call-pip-button call-pip-hangup' : 'call-pip-button'}
      aria-label={label}
      aria-pressed={pressed}
      aria-keyshortcuts={keyShortcuts}
      title={title ?? label}
      data-testid={testId}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/**
 * Dragging the tile: it follows the pointer, and on release snaps to the corner nearest to
 * where it was let go (remembered for the next call). Pointer-down on a button is a click.
 */
function useSnappedDrag() {
  const [corner, setCorner] = useState<TileCorner>(readTileCorner);
  const [offset, setOffset] = useState<{ x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  const onPointerDown = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    if (e.button !== 0 || (e.target as Element).closest('button')) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, moved: false };
  }, []);
  const onPointerMove = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    d.moved = true;
    setOffset({ x: dx, y: dy });
  }, []);
  const onPointerUp = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d?.moved) return;
    const box = e.currentTarget.getBoundingClientRect();
    const next = nearestCorner(
      box.left + box.width / 2,
      box.top + box.height / 2,
      window.innerWidth,
      window.innerHeight,
    );
    setCorner(next);
    writeTileCorner(next);
    setOffset(null);
  }, []);

  return {
    corner,
    tileProps: {
      onPointerDown,
      onPointerMove,
      onPointerUp,
      onPointerCancel: onPointerUp,
      'data-dragging': offset ? 'true' : undefined,
      style: offset ? { transform: `translate(${offset.x}px, ${offset.y}px)` } : undefined,
    },
  };
}
