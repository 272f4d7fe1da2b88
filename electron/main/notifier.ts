/**
 * Shows the notices the notification policy decided on as native notifications. A click
 * brings the window up and, for a message, asks the renderer to open its conversation.
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
}

export class Notifier {
  /**
   * Shown notifications, kept referenced: a garbage-collected Notification loses its click
   * handler on some platforms.
   */
  private readonly live = new Set<Notification>();
  private readonly icon = nativeImage.createFromBuffer(iconPng(128));

  constructor(private readonly deps: NotifierDeps) {}

  show(notice: Notice): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      icon: this.icon,
      silent: false,
      urgency: notice.kind === 'call' ? 'critical' : 'normal',
      timeoutType: notice.kind === 'call' ? 'never' : 'default',
    });
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.deps.showWindow();
      // A call is answered from the call UI that the state already shows; messages and a
      // single-conversation summary open their conversation.
      if (notice.kind !== 'call' && notice.conversationId) this.deps.navigate(notice.conversationId);
    });
    notification.on('close', release);
    notification.on('failed', release);
    this.live.add(notification);
    notification.show();
    this.deps.onShown(notice);
  }

  /** Close every notification still on screen (sign-out, quit). */
  clear(): void {
    for (const notification of this.live) notification.close();
    this.live.clear();
  }
}
