import { t } from '../i18n';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { CallMedia, CallState } from '@parley/shared';
import { callDurationSeconds } from '@parley/shared';
import { useNow } from '../lib/use-now';
import { useClientState, useHost } from '../store/hooks';
import { conversationTitle } from '../lib/conversation';
import { selectCall, selectConversations, selectMe } from '../store/selectors';
import { closeSession, getCurrentSession, sessionFor, subscribeCurrentSession } from './call-session';
import { endedText } from './call-text';
import type { InCallActions } from './InCallScreen';
import { IncomingCallDialog } from './IncomingCallDialog';
import { startTone } from './tones';
import { useConnectionQuality, useSessionSnapshot } from './use-call-media';
import { LazyBoundary, lazyNamed } from '../components/Lazy';
import './calls.css';

// The incoming-call dialog is in the main chunk so it shows at once; the other call screens
// load on demand (and are fetched ahead as soon as a call rings or starts).
const OutgoingCallScreen = lazyNamed(() => import('./OutgoingCallScreen'), 'OutgoingCallScreen');
const InCallScreen = lazyNamed(() => import('./InCallScreen'), 'InCallScreen');
const CallEndedScreen = lazyNamed(() => import('./CallEndedScreen'), 'CallEndedScreen');

/**
 * Everything about calls on screen, above the rest of the app. The client core owns the call's
 * signaling state (`ClientState.call`); this container owns the media side (a
 * {@link CallSession}) and drives it from the call's phase:
 * - outgoing: open the camera/mic early (preview, and no wait once accepted), play ringback;
 * - incoming: play the ringtone, open media if allowed (a preview); Accept builds the peer;
 * - active: build the peer connection (the caller offers);
 * - ended: release media, show why, then dismiss.
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

  switch (phase) {
    case 'incoming':
      return (
        <IncomingCallDialog
          from={call.peer}
          media={media}
          preview={snapshot?.localPreview ?? null}
          onAccept={accept}
          onDecline={() => void host.calls.reject(callId)}
        />
      );
    case 'outgoing':
      return (
        <LazyBoundary label={t('calls.starting')}>
          <OutgoingCallScreen
            peer={call.peer}
            group={group}
            media={media}
            preview={snapshot?.localPreview ?? null}
            onCancel={() => void host.calls.cancel(callId)}
          />
        </LazyBoundary>
      );
    case 'active':
      if (!snapshot || !actions) return null;
      return (
        <LazyBoundary label={t('calls.joining')}>
          <InCallScreen
            peer={call.peer}
            media={media}
            elapsedSeconds={call.startedAt !== null ? callDurationSeconds(call.startedAt, now) : null}
            quality={quality}
            media$={mediaError ? { ...snapshot, error: mediaError } : snapshot}
            actions={actions}
          />
        </LazyBoundary>
      );
    case 'ended':
      return (
        <LazyBoundary label={t('calls.ended')}>
          <CallEndedScreen
            key={callId}
            peer={call.peer}
            text={mediaError ?? endedText(call)}
            startedAt={
              call.endReason === 'hangup' || call.endReason === 'connection_lost' ? call.startedAt : null
            }
            onDismiss={dismiss}
          />
        </LazyBoundary>
      );
  }
}
