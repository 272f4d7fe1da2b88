import { t } from '../i18n';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { CallMedia, CallState } from '@parley/shared';
import { callDurationSeconds } from '@parley/shared';
import { useNow } from '../lib/use-now';
import { useClientState, useHost } from '../store/hooks';
import { conversationTitle } from '../lib/conversation';
import { selectCall, selectConversations, selectMe } from '../store/selectors';
import { closeSession, getCurrentSession, sessionFor, subscribeCurrentSession } from './current-session';
import { endedText } from './call-text';
import type { InCallActions } from './InCallScreen';
import { IncomingCallCard } from './IncomingCallCard';
import { CallFrame, type CallFrameLayout } from './CallFrame';
import { startTone } from './tones';
import { useConnectionQuality, useMediaStream, useSessionSnapshot } from './use-call-media';
import { useMinimiseShortcut } from './minimise';
import { LazyBoundary, LoadingFallback, lazyNamed } from '../components/Lazy';
import './calls.css';

// The incoming-call card is in the main chunk so it shows at once; the other call screens
// load on demand (and are fetched ahead as soon as a call rings or starts).
const OutgoingCallScreen = lazyNamed(() => import('./OutgoingCallScreen'), 'OutgoingCallScreen');
const InCallScreen = lazyNamed(() => import('./InCallScreen'), 'InCallScreen');
const CallEndedScreen = lazyNamed(() => import('./CallEndedScreen'), 'CallEndedScreen');
const MinimisedCall = lazyNamed(() => import('./MinimisedCall'), 'MinimisedCall');
const MinimisedCallEnded = lazyNamed(() => import('./MinimisedCall'), 'MinimisedCallEnded');

/**
 * Everything about calls on screen, above the rest of the app. The client core owns the call's
 * signaling state (`ClientState.call`); this container owns the media side (a
 * {@link CallSession}) and drives it from the call's phase:
 * - outgoing: open the camera/mic early (preview, and no wait once accepted), play ringback;
 * - incoming: play the ringtone, open media if allowed (a preview); Accept builds the peer;
 * - active: build the peer connection (the caller offers);
 * - ended: release media, show why, then dismiss.
 *
 * An active call can be minimised to a floating tile (MinimisedCall) and restored; only the
 * view changes, the session and its streams stay as they are, and the remote sound plays
 * through one <audio> element here that neither view owns, so it never stops in between.
 */
export function CallLayer() {
  const call = useClientState(selectCall);
  const hasCall = call !== null;
  // No call any more (dismissed, signed out): nothing may keep the camera or a peer open.
  useEffect(() => {
    if (!hasCall) closeSession();
  }, [hasCall]);
  if (!call) return null;
  // Keyed by call: nothing (an error, a session) carries over from one call to the next.
  return <CallView key={call.callId} call={call} />;
}

function CallView({ call }: { call: CallState }) {
  const host = useHost();
  const { callId, phase, media, initiator } = call;
  const current = useSyncExternalStore(subscribeCurrentSession, getCurrentSession);
  const session = current?.callId === callId ? current : null;
  const [mediaError, setMediaError] = useState<string | null>(null);
  // Per call (this component is keyed by call id): the next call opens full-window again.
  const [minimised, setMinimised] = useState(false);
  const conversations = useClientState(selectConversations);
  const me = useClientState(selectMe);
  const conversation = conversations.find((c) => c.id === call.conversationId);
  const group =
    conversation?.type === 'group'
      ? {
          id: conversation.id,
          title: conversationTitle(conversation, me?.id ?? ''),
          avatarId: conversation.avatarId,
        }
      : null;

  // Session lifecycle, keyed by call id and phase.
  useEffect(() => {
    if (phase === 'ended') {
      closeSession();
      return;
    }
    const s = sessionFor(host, callId);
    // Ringing: media opens now if already allowed (a preview; Accept then need not wait for it).
    if (phase === 'incoming') {
      void s.ring(media);
      return;
    }
    s.prepare(media).catch((err: unknown) => {
      setMediaError(err instanceof Error ? err.message : String(err));
      // Without a microphone there is no call: give the line back instead of leaving it ringing.
      void host.calls.end(callId);
    });
    if (phase === 'outgoing') s.prewarm();
    if (phase === 'active') {
      s.onFailure(() => void host.calls.end(callId));
      s.connect(initiator);
    }
  }, [host, callId, phase, media, initiator]);

  // A call is under way: fetch the screens it will need (accepting must not wait for a chunk).
  useEffect(() => {
    void InCallScreen.preload();
    void CallEndedScreen.preload();
    void MinimisedCall.preload();
  }, []);

  // Tones loop while ringing.
  useEffect(() => {
    if (phase === 'outgoing') return startTone('ringback');
    if (phase === 'incoming') return startTone('ringtone');
    return undefined;
  }, [phase]);

  const accept = useCallback(
    (choice: CallMedia) => {
      // Accepts, and builds the peer at once (the caller's offer is buffered until it exists).
      void sessionFor(host, callId)
        .answer(choice)
        .then((r) => {
          if (!r.ok) closeSession();
        });
    },
    [host, callId],
  );

  const snapshot = useSessionSnapshot(session);
  const now = useNow(1000, phase === 'active');
  const quality = useConnectionQuality(session, phase === 'active');

  const actions = useMemo<InCallActions | null>(
    () =>
      session && {
        toggleMic: () => session.toggleMic(),
        toggleCamera: () => session.toggleCamera(),
        toggleScreenShare: () => void session.toggleScreenShare(),
        selectDevice: (kind, id) => void session.selectDevice(kind, id),
        hangUp: () => void host.calls.end(callId),
        firstRemoteFrame: () => session.markFirstRemoteFrame(),
      },
    [session, host, callId],
  );
  const dismiss = useCallback(() => void host.calls.dismiss(), [host]);
  const toggleMinimised = useCallback(() => {
    setMinimised((m) => !m);
  }, []);
  useMinimiseShortcut(phase === 'active', toggleMinimised);

  const shown = snapshot && (mediaError ? { ...snapshot, error: mediaError } : snapshot);
  const elapsedSeconds = call.startedAt !== null ? callDurationSeconds(call.startedAt, now) : null;
  const ended = phase === 'ended' ? endedSummary(call, mediaError) : null;

  if (minimised && (phase === 'active' || phase === 'ended')) {
    return (
      <>
        {/* The remote sound, whichever view shows: switching views never interrupts it. */}
        {phase === 'active' && snapshot && <RemoteAudio stream={snapshot.remoteStream} />}
        <LazyBoundary label={t('calls.joining')}>
          {phase === 'active' && shown && actions ? (
            <MinimisedCall
              peer={call.peer}
              media={media}
              elapsedSeconds={elapsedSeconds}
              media$={shown}
              actions={actions}
              onRestore={toggleMinimised}
              focusOnMount
            />
          ) : ended ? (
            <MinimisedCallEnded
              peer={call.peer}
              text={ended.text}
              durationSeconds={ended.startedAt !== null ? callDurationSeconds(ended.startedAt, now) : null}
              onDismiss={dismiss}
            />
          ) : null}
        </LazyBoundary>
      </>
    );
  }

  // One frame for every phase (see CallFrame): only what it holds changes.
  let frame: { layout: CallFrameLayout; className?: string; testId?: string; content: ReactNode };
  switch (phase) {
    case 'incoming':
      frame = {
        layout: 'card',
        testId: 'incoming-call',
        content: (
          <IncomingCallCard
            from={call.peer}
            media={media}
            preview={snapshot?.localPreview ?? null}
            onAccept={accept}
            onDecline={() => void host.calls.reject(callId)}
          />
        ),
      };
      break;
    case 'outgoing':
      frame = {
        layout: 'screen',
        className: 'call-outgoing',
        testId: 'outgoing-call',
        content: (
          <LazyBoundary label={t('calls.starting')}>
            <OutgoingCallScreen
              peer={call.peer}
              group={group}
              media={media}
              preview={snapshot?.localPreview ?? null}
              onCancel={() => void host.calls.cancel(callId)}
            />
          </LazyBoundary>
        ),
      };
      break;
    case 'active':
      frame = {
        layout: 'screen',
        className: 'call-active',
        content: (
          <LazyBoundary label={t('calls.joining')}>
            {shown && actions ? (
              <InCallScreen
                peer={call.peer}
                media={media}
                elapsedSeconds={elapsedSeconds}
                quality={quality}
                media$={shown}
                actions={actions}
                onMinimise={toggleMinimised}
              />
            ) : (
              <LoadingFallback label={t('calls.joining')} />
            )}
          </LazyBoundary>
        ),
      };
      break;
    case 'ended': {
      const { text, startedAt } = ended!;
      frame = {
        layout: 'screen',
        className: 'call-ended',
        testId: 'call-ended',
        content: (
          <LazyBoundary label={t('calls.ended')}>
            <CallEndedScreen
              key={callId}
              peer={call.peer}
              text={text}
              startedAt={startedAt}
              onDismiss={dismiss}
            />
          </LazyBoundary>
        ),
      };
      break;
    }
  }
  return (
    <>
      {phase === 'active' && snapshot && <RemoteAudio stream={snapshot.remoteStream} />}
      <CallFrame
        layout={frame.layout}
        className={frame.className}
        described={phase === 'incoming'}
        testId={frame.testId}
      >
        {frame.content}
      </CallFrame>
    </>
  );
}

/** What the end screen says, and since when the call lasted (only a connected call has a length). */
function endedSummary(
  call: CallState,
  mediaError: string | null,
): { text: string; startedAt: number | null } {
  const connected = call.endReason === 'hangup' || call.endReason === 'connection_lost';
  return { text: mediaError ?? endedText(call), startedAt: connected ? call.startedAt : null };
}

/** Plays the other side's sound; mounted with its element so the stream is always attached. */
function RemoteAudio({ stream }: { stream: MediaStream | null }) {
  const ref = useMediaStream<HTMLAudioElement>(stream);
  return <audio ref={ref} autoPlay data-testid="remote-audio" />;
}
