/**
 * Follows the call in the client state for what the desktop does around calls: keep the
 * display awake while a call is active (powerSaveBlocker), close the ringing notification once
 * the call stops ringing, and notify a missed call. Pure apart from the deps.
 */
import type { CallState } from '@parley/shared/client';
import { userName } from '@parley/shared';
import type { Notice } from './notification-policy.js';
import { t } from './i18n.js';

export interface CallWatchDeps {
  /** A call became active (true) or is over (false). */
  setActive(active: boolean): void;
  /** The call stopped ringing on this device (answered, declined, cancelled, elsewhere). */
  stoppedRinging(callId: string): void;
  /** An incoming call ended without being answered; the caller gives up or nobody picked up. */
  missed(notice: Notice): void;
}

/** End reasons that mean nobody on any of our devices took the call. */
const MISSED_REASONS = new Set(['cancelled', 'no_answer']);

export class CallWatch {
  private last: CallState | null = null;
  private active = false;

  constructor(private readonly deps: CallWatchDeps) {}

  update(call: CallState | null): void {
    const previous = this.last;
    this.last = call;
    const active = call?.phase === 'active';
    if (active !== this.active) {
      this.active = active;
      this.deps.setActive(active);
    }
    if (previous?.phase !== 'incoming') return;
    if (call?.callId === previous.callId && call.phase === 'incoming') return;
    this.deps.stoppedRinging(previous.callId);
    if (
      call?.callId === previous.callId &&
      call.phase === 'ended' &&
      call.startedAt === null &&
      call.endReason !== null &&
      MISSED_REASONS.has(call.endReason)
    )
      this.deps.missed(missedCallNotice(call));
  }
}

export function missedCallNotice(call: CallState): Notice {
  return {
    kind: 'summary',
    conversationId: call.conversationId,
    title: t('notify.missedCall'),
    body: t(call.media === 'video' ? 'notify.missedVideoCallFrom' : 'notify.missedVoiceCallFrom', {
      name: userName(call.peer),
    }),
    ...(call.peer.avatarId ? { picture: { userId: call.peer.id, avatarId: call.peer.avatarId } } : {}),
  };
}
