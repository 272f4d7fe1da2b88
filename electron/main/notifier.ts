/**
 * Shows the notices the notification policy decided on as native notifications. A click
 * brings the window up and, for a message, asks the renderer to open its conversation.
 * Where the OS supports them (macOS: `hasReply` and `actions`), a message notification takes
 * an inline reply and an incoming-call notification has Answer and Decline; elsewhere the
 * click is the way in.
 */
import { Notification, nativeImage, type NativeImage } from 'electron';
import { iconPng } from './icon-image.js';
import type { Notice, NoticePicture } from './notification-policy.js';
import { t } from './i18n.js';

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
  /** A user's picture as image bytes (null: none). Optional: without it the app icon shows. */
  picture?(userId: string): Promise<Uint8Array | null>;
}

/** How long a message notification may wait for its sender's picture before showing without it. */
export const PICTURE_WAIT_MS = 1500;

/** The buttons of an incoming-call notification, in `action` event index order. */
export const CALL_ACTIONS = ['answer', 'decline'] as const;

export class Notifier {
  /**
   * Shown notifications, kept referenced: a garbage-collected Notification loses its click
   * handler on some platforms.
   */
  private readonly live = new Map<Notification, Notice>();
  private readonly icon = nativeImage.createFromBuffer(iconPng(128));
  /** Senders' pictures by avatarId (a new picture has a new id), as notification icons. */
  private readonly pictures = new Map<string, Promise<NativeImage | null>>();
  /** The pictures of `pictures` that have loaded, for a ringing call (which never waits). */
  private readonly loaded = new Map<string, NativeImage | null>();

  /** Bumped by `clear()`, so a notice still waiting for its picture is dropped. */
  private generation = 0;

  constructor(private readonly deps: NotifierDeps) {}

  /**
   * Shows the notice. A message (or a missed call) waits briefly for its sender's picture. A
   * ringing call never waits: it shows the caller's picture only if it is already loaded, and
   * otherwise starts loading it, so the next ring and the missed-call notice have it.
   */
  show(notice: Notice): void {
    if (!Notification.isSupported()) return;
    if (!notice.picture || !this.deps.picture) return this.present(notice, this.icon);
    if (notice.kind === 'call') {
      const cached = this.loaded.get(notice.picture.avatarId);
      if (cached === undefined) void this.pictureOf(notice.picture);
      return this.present(notice, cached ?? this.icon);
    }
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => resolve(null), PICTURE_WAIT_MS).unref?.(),
    );
    const generation = this.generation;
    void Promise.race([this.pictureOf(notice.picture), timeout]).then((image) => {
      // Signed out (or quit) while the picture loaded: nothing to show any more.
      if (generation === this.generation) this.present(notice, image ?? this.icon);
    });
  }

  private pictureOf({ userId, avatarId }: NoticePicture) {
    let entry = this.pictures.get(avatarId);
    if (!entry) {
      entry = this.deps.picture!(userId)
        .then((bytes) =>
          bytes && bytes.length > 0 ? nativeImage.createFromBuffer(Buffer.from(bytes)) : null,
        )
        .catch(() => null)
        .then((image) => {
          // Only while still cached: a forgotten entry must not come back as loaded.
          if (this.pictures.get(avatarId) === entry) this.loaded.set(avatarId, image);
          return image;
        });
      this.pictures.set(avatarId, entry);
      // Bounded: the oldest pictures are forgotten first.
      if (this.pictures.size > 100) {
        const oldest = this.pictures.keys().next().value!;
        this.pictures.delete(oldest);
        this.loaded.delete(oldest);
      }
    }
    return entry;
  }

  private present(notice: Notice, icon: NativeImage): void {
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      icon,
      silent: !this.deps.soundOn(),
      urgency: notice.kind === 'call' ? 'critical' : 'normal',
      timeoutType: notice.kind === 'call' ? 'never' : 'default',
      ...(notice.kind === 'message' ? { hasReply: true, replyPlaceholder: 'Reply…' } : {}),
      ...(notice.kind === 'call'
        ? {
            actions: CALL_ACTIONS.map((action) => ({ type: 'button' as const, text: t(`notify.${action}`) })),
          }
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
        if (CALL_ACTIONS[index] === 'answer') {
          this.deps.showWindow();
          this.deps.answerCall(notice.callId);
        } else if (CALL_ACTIONS[index] === 'decline') this.deps.declineCall(notice.callId);
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
    this.generation++;
    for (const notification of this.live.keys()) notification.close();
    this.live.clear();
  }
}
