import { TYPING_EXPIRY_MS } from '@parley/shared';
import { rooms, type ParleyIo } from '../context.js';

/**
 * Typing state per (conversation, user), across that user's devices on this node. Repeated
 * starts only refresh the expiry; the `typing` event goes out when the state flips, and a
 * start without a stop flips back by itself after TYPING_EXPIRY_MS.
 */
export class TypingTracker {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly io: ParleyIo) {}

  start(conversationId: string, userId: string): void {
    const key = `${conversationId} ${userId}`;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => this.stop(conversationId, userId), TYPING_EXPIRY_MS);
    timer.unref();
    this.timers.set(key, timer);
    if (!existing) this.emit(conversationId, userId, true);
  }

  stop(conversationId: string, userId: string): void {
    const key = `${conversationId} ${userId}`;
    const existing = this.timers.get(key);
    if (!existing) return;
    clearTimeout(existing);
    this.timers.delete(key);
    this.emit(conversationId, userId, false);
  }

  /** Stops everything a user was typing (their last device went away). */
  stopAll(userId: string): void {
    for (const key of [...this.timers.keys()]) {
      const [conversationId, who] = key.split(' ');
      if (who === userId && conversationId) this.stop(conversationId, userId);
    }
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private emit(conversationId: string, userId: string, typing: boolean): void {
    // Other members only: the typist's own devices don't show their own typing.
    this.io
      .to(rooms.conversation(conversationId))
      .except(rooms.user(userId))
      .emit('typing', { conversationId, userId, typing });
  }
}
