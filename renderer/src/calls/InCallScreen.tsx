import { t } from '../i18n';
import { useCallback, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import {
  Mic,
  MicOff,
  Minimize2,
  PhoneOff,
  ScreenShare,
  ScreenShareOff,
  Settings2,
  Video,
  VideoOff,
  WifiHigh,
  WifiLow,
  WifiZero,
} from 'lucide-react';
import type { CallMedia, User } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { formatDuration } from '../lib/format';
import { MINIMISE_KEYS } from './minimise';
import type { CallSessionSnapshot } from './call-session-types';
import {
  useAudioLevel,
  useFirstFrame,
  useMediaStream,
  useControlsVisible,
  type Quality,
} from './use-call-media';

export interface InCallActions {
  toggleMic(): void;
  toggleCamera(): void;
  toggleScreenShare(): void;
  selectDevice(kind: 'audio' | 'video', deviceId: string): void;
  hangUp(): void;
  firstRemoteFrame(): void;
}

interface InCallScreenProps {
  peer: User;
  media: CallMedia;
  /** Seconds since the call was accepted, or null before. */
  elapsedSeconds: number | null;
  quality: Quality;
  media$: CallSessionSnapshot;
  actions: InCallActions;
  /** Shrinks the call to a floating tile so the chat can be used (absent: no button). */
  onMinimise?: () => void;
}

const QUALITY_TEXT = (quality: Quality): string => t(`calls.quality.${quality}`);

/** The call itself: remote video (or the peer's initials), local tile, timer and controls. */
export function InCallScreen({
  peer,
  media,
  elapsedSeconds,
  quality,
  media$,
  actions,
  onMinimise,
}: InCallScreenProps) {
  const rootRef = useRef<HTMLDivElement | null>(null);
  const showRemoteVideo = media === 'video' && media$.remoteHasVideo && !media$.remoteMuted.video;
  // Controls fade only over video, which they would cover; a voice call keeps its hang-up.
  const controlsVisible = useControlsVisible(rootRef, 3000, showRemoteVideo);
  const remoteVideoRef = useMediaStream<HTMLVideoElement>(showRemoteVideo ? media$.remoteStream : null);
  const levelRef = useRef<HTMLDivElement | null>(null);
  useAudioLevel(levelRef, showRemoteVideo ? null : media$.remoteStream);
  const { firstRemoteFrame } = actions;
  useFirstFrame(remoteVideoRef, showRemoteVideo ? media$.remoteStream : null, firstRemoteFrame);

  const status =
    media$.link === 'reconnecting'
      ? t('connection.reconnecting')
      : media$.link === 'connected'
        ? elapsedSeconds !== null
          ? formatDuration(elapsedSeconds)
          : t('calls.connected')
        : media$.link === 'failed'
          ? t('calls.connectionFailed')
          : t('connection.connecting');

  return (
    <div
      ref={rootRef}
      className="call-body"
      data-testid="in-call"
      data-link={media$.link}
      data-controls={controlsVisible ? 'visible' : 'hidden'}
    >
      <Dialog.Title className="sr-only">{t('calls.callWith', { name: peer.displayName })}</Dialog.Title>
      <div className="call-stage">
        {showRemoteVideo ? (
          <video
            ref={remoteVideoRef}
            className="call-remote-video"
            data-testid="remote-video"
            autoPlay
            playsInline
            muted
            aria-label={t('calls.peerVideo', { name: peer.displayName })}
          />
        ) : (
          <div className="call-center">
            <div ref={levelRef} className="call-level-ring" data-testid="remote-avatar">
              <Avatar id={peer.id} name={peer.displayName} size={128} picture={peer.avatarId} />
            </div>
            <h2 className="call-peer-name">{peer.displayName}</h2>
          </div>
        )}
        {media$.remoteMuted.audio && (
          <div className="call-remote-muted" data-testid="remote-muted" role="status">
            <MicOff aria-hidden="true" size={16} /> {t('calls.peerMuted', { name: peer.displayName })}
          </div>
        )}
        <header className="call-topbar">
          <span className="call-topbar-name">{peer.displayName}</span>
          <span className="call-topbar-status" data-testid="call-status" aria-live="polite">
            {status}
          </span>
          {media$.link === 'connected' && <QualityIcon quality={quality} />}
          {onMinimise && <MinimiseButton onClick={onMinimise} />}
        </header>
        {media$.localPreview && (
          <LocalTile
            stream={media$.localPreview}
            mirrored={!media$.screenSharing}
            hidden={media$.cameraOff && !media$.screenSharing}
          />
        )}
        {media$.error && (
          <div className="call-error" role="alert">
            {media$.error}
          </div>
        )}
      </div>
      <div className="call-controls" role="toolbar" aria-label={t('calls.controls')}>
        <ToggleButton
          pressed={media$.micMuted}
          label={media$.micMuted ? t('calls.unmuteMic') : t('calls.muteMic')}
          onClick={actions.toggleMic}
          testId="toggle-mic"
        >
          {media$.micMuted ? <MicOff aria-hidden="true" /> : <Mic aria-hidden="true" />}
        </ToggleButton>
        {media$.hasCamera && (
          <ToggleButton
            pressed={media$.cameraOff}
            label={media$.cameraOff ? t('calls.cameraOn') : t('calls.cameraOff')}
            onClick={actions.toggleCamera}
            testId="toggle-camera"
          >
            {media$.cameraOff ? <VideoOff aria-hidden="true" /> : <Video aria-hidden="true" />}
          </ToggleButton>
        )}
        {media$.hasCamera && (
          <ToggleButton
            pressed={media$.screenSharing}
            label={media$.screenSharing ? t('calls.stopSharing') : t('calls.shareScreen')}
            onClick={actions.toggleScreenShare}
            testId="toggle-screen"
            disabled={media$.link !== 'connected' && media$.link !== 'reconnecting'}
          >
            {media$.screenSharing ? (
              <ScreenShareOff aria-hidden="true" />
            ) : (
              <ScreenShare aria-hidden="true" />
            )}
          </ToggleButton>
        )}
        <DeviceMenu media$={media$} onSelect={actions.selectDevice} />
        <button
          type="button"
          className="call-button call-button-hangup"
          aria-label={t('calls.hangUp')}
          data-testid="hang-up"
          onClick={actions.hangUp}
        >
          <PhoneOff aria-hidden="true" />
        </button>
      </div>
    </div>
  );
}

function ToggleButton(props: {
  pressed: boolean;
  label: string;
  onClick: () => void;
  testId: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="call-button"
      aria-label={props.label}
      aria-pressed={props.pressed}
      title={props.label}
      data-testid={props.testId}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

function MinimiseButton({ onClick }: { onClick: () => void }) {
  const label = 'Minimise call';
  return (
    <button
      type="button"
      className="call-button call-button-small call-minimise"
      aria-label={label}
      aria-keyshortcuts={MINIMISE_KEYS.aria}
      title={`${label} (${MINIMISE_KEYS.label})`}
      data-testid="minimise-call"
      onClick={onClick}
    >
      <Minimize2 aria-hidden="true" size={18} />
    </button>
  );
}

function QualityIcon({ quality }: { quality: Quality }) {
  const Icon = quality === 'good' ? WifiHigh : quality === 'fair' ? WifiLow : WifiZero;
  return (
    <span className={`call-quality call-quality-${quality}`} title={QUALITY_TEXT(quality)}>
      <Icon aria-hidden="true" size={16} />
      <span className="sr-only">{QUALITY_TEXT(quality)}</span>
    </span>
  );
}

function DeviceMenu({
  media$,
  onSelect,
}: {
  media$: CallSessionSnapshot;
  onSelect: (kind: 'audio' | 'video', deviceId: string) => void;
}) {
  const { audioInputs, videoInputs } = media$.devices;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="call-button"
          aria-label={t('calls.chooseDevices')}
          title={t('calls.chooseDevices')}
          data-testid="devices"
        >
          <Settings2 aria-hidden="true" />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu call-device-menu" side="top" sideOffset={8}>
          <DropdownMenu.Label className="menu-label">{t('calls.microphone')}</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={media$.selected.audioInput ?? ''}
            onValueChange={(id) => onSelect('audio', id)}
          >
            {audioInputs.map((d, i) => (
              <DropdownMenu.RadioItem key={d.deviceId || i} value={d.deviceId} className="menu-item">
                {d.label || t('calls.microphoneN', { n: i + 1 })}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          {media$.hasCamera && (
            <>
              <DropdownMenu.Separator className="menu-separator" />
              <DropdownMenu.Label className="menu-label">{t('calls.camera')}</DropdownMenu.Label>
              <DropdownMenu.RadioGroup
                value={media$.selected.videoInput ?? ''}
                onValueChange={(id) => onSelect('video', id)}
              >
                {videoInputs.map((d, i) => (
                  <DropdownMenu.RadioItem key={d.deviceId || i} value={d.deviceId} className="menu-item">
                    {d.label || t('calls.cameraN', { n: i + 1 })}
                  </DropdownMenu.RadioItem>
                ))}
              </DropdownMenu.RadioGroup>
            </>
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** The local preview: a small corner tile the user can drag out of the way. */
function LocalTile({
  stream,
  mirrored,
  hidden,
}: {
  stream: MediaStream;
  mirrored: boolean;
  hidden: boolean;
}) {
  const videoRef = useMediaStream<HTMLVideoElement>(stream);
  const [offset, setOffset] = useState({ x: 0, y: 0 });
  const drag = useRef<{ startX: number; startY: number; baseX: number; baseY: number } | null>(null);
  const onPointerDown = useCallback(
    (e: ReactPointerEvent<HTMLDivElement>) => {
      e.currentTarget.setPointerCapture(e.pointerId);
      drag.current = { startX: e.clientX, startY: e.clientY, baseX: offset.x, baseY: offset.y };
    },
    [offset],
  );
  const onPointerMove = useCallback((e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    setOffset({ x: d.baseX + e.clientX - d.startX, y: d.baseY + e.clientY - d.startY });
  }, []);
  const onPointerUp = useCallback(() => {
    drag.current = null;
  }, []);
  return (
    <div
      className="call-local-tile"
      data-testid="local-video"
      style={{ transform: `translate(${offset.x}px, ${offset.y}px)` }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      aria-label={t('calls.yourVideo')}
      role="img"
    >
      <video
        ref={videoRef}
        className={mirrored ? 'call-local-video mirrored' : 'call-local-video'}
        autoPlay
        playsInline
        muted
        hidden={hidden}
      />
      {hidden && <VideoOff aria-hidden="true" className="call-local-off" />}
    </div>
  );
}
