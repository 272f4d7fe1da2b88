/**
 * Shows the notices the notification policy decided on as native notifications. A click
 * brings the window up and, for a message, asks the renderer to open its conversation.
 * Where the OS supports them (macOS: `hasReply` and `actions`), a message notification takes
 * an inline reply and an incoming-call notification has Answer and Decline; elsewhere the
 * click is the way in.
 */
import { Notification, nativeImage } from 'electron';
import { iconPng } from './icon-image.js';
import type { Notice } from './notification-policy.js';

export interface NotifierDeps {
  /** Show, restore and focus the main window. */
  showWindow(): void;
  /** Ask the renderer to open this conversation. */
  navigate(conversationId: string): void;
  /** Called after a notice was shown while the window is unfocused (Windows: flash the taskbar). */
  onShown(notice: Notice): void;
  /** Send an inline reply (queued in the outbox like any message). */
  reply(conversationId: string, body: string): void;
  answerCall(callId: string): void;
  declineCall(callId: string): void;
  /** False: notifications are silent (the desktop setting). */
  soundOn(): boolean;
}

/** The buttons of an incoming-call notification, in `action` event index order. */
export const CALL_ACTIONS = ['Answer', 'Decline'] as const;

export class Notifier {
  /**
   * Shown notifications, kept referenced: a garbage-collected Notification loses its click
   * handler on some platforms.
   */
  private readonly live = new Map<Notification, Notice>();
  private readonly icon = nativeImage.createFromBuffer(iconPng(128));

  constructor(private readonly deps: NotifierDeps) {}

  show(notice: Notice): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      icon: this.icon,
      silent: !this.deps.soundOn(),
      urgency: notice.kind === 'call' ? 'critical' : 'normal',
      timeoutType: notice.kind === 'call' ? 'never' : 'default',
      ...(notice.kind === 'message' ? { hasReply: true, replyPlaceholder: 'Reply…' } : {}),
      ...(notice.kind === 'call'
        ? { actions: CALL_ACTIONS.map((text) => ({ type: 'button' as const, text })) }
        : {}),
    });
    const release = () => this.live.delete(notification);
    if (notice.kind === 'message') {
      notification.on('reply', (_event, reply: string) => {
        release();
        // Whitespace-only replies are dropped; the outbox checks the length like the composer.
        if (reply.trim()) this.deps.reply(notice.conversationId, reply);
      });
    }
    if (notice.kind === 'call') {
      notification.on('action', (_event, index: number) => {
        release();
        if (CALL_ACTIONS[index] === 'Answer') {
          this.deps.showWindow();
          this.deps.answerCall(notice.callId);
        } else if (CALL_ACTIONS[index] === 'Decline') this.deps.declineCall(notice.callId);
      });
    }
    notification.on('click', () => {
      release();
      this.deps.showWindow();
      // A call is answered from the call UI that the state already shows; messages and a
      // single-conversation summary open their conversation.
      if (notice.kind !== 'call' && notice.conversationId) this.deps.navigate(notice.conversationId);
    });
    notification.on('close', release);
    notification.on('failed', release);
    this.live.set(notification, notice);
    notification.show();
    this.deps.onShown(notice);
  }

  /** Close the notification of this call (answered, declined or ended elsewhere). */
  closeCall(callId: string): void {
    for (const [notification, notice] of [...this.live])
      if (notice.kind === 'call' && notice.callId === callId) {
        notification.close();
        this.live.delete(notification);
      }
  }

  /** Close every notification still on screen (sign-out, quit). */
  clear(): void {
    for (const notification of this.live.keys()) notification.close();
    this.live.clear();
  }
}
