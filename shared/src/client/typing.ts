/**
 * Typing (`ClientState.typing`): others' typing with a local expiry (a start without a stop,
 * when the typist went offline), and ours, throttled to one `typing:start` per
 * `TYPING_REPEAT_MS` (the rule in rules/typing.ts).
 */
import { TYPING_EXPIRY_MS } from '../protocol/limits.js';
import type { TypingEvent } from '../protocol/socket.js';
import { shouldRepeatTyping } from '../rules/typing.js';
import type { ClientContext } from './context.js';
import { fail, ok, type Result } from './http.js';
import { clearTimer, setTimer, type TimerHandle } from './runtime.js';
import { setTypingUser } from './state-updates.js';

/** The module that owns typing (`ClientState.typing`), as other modules reach it through `ctx`. */
export type TypingModule = ReturnType<typeof createTyping>;

/** Creates the module that owns typing (`ClientState.typing`). */
export function createTyping(ctx: ClientContext) {
  const typingTimers = new Map<string, TimerHandle>();
  const typingSentAt = new Map<string, number>();
  const key = (conversationId: string, userId: string): string => `${conversationId}\u0000${userId}`;

  function clearRemote(conversationId: string, userId: string): void {
    clearTimer(typingTimers.get(key(conversationId, userId)));
    typingTimers.delete(key(conversationId, userId));
  }

  return {
    clearRemote,
    remoteTyping(event: TypingEvent): void {
      const { conversationId, userId, typing } = event;
      if (userId === ctx.session.me()?.id) return;
      clearRemote(conversationId, userId);
      ctx.update((s) => setTypingUser(s, conversationId, userId, typing));
      if (!typing) return;
      typingTimers.set(
        key(conversationId, userId),
        setTimer(() => {
          typingTimers.delete(key(conversationId, userId));
          ctx.update((s) => setTypingUser(s, conversationId, userId, false));
        }, TYPING_EXPIRY_MS),
      );
    },
    setTyping(conversationId: string, typing: boolean): Result<void> {
      if (typeof conversationId !== 'string' || conversationId === '')
        return fail('invalid_input', 'No conversation given');
      const s = ctx.connection.socket();
      // Typing is ephemeral: offline it is simply not sent.
      if (!s) return ok(undefined);
      const last = typingSentAt.get(conversationId);
      if (typing) {
        if (!shouldRepeatTyping(last, ctx.now())) return ok(undefined);
        typingSentAt.set(conversationId, ctx.now());
        s.emit('typing:start', { conversationId });
      } else if (last !== undefined) {
        typingSentAt.delete(conversationId);
        s.emit('typing:stop', { conversationId });
      }
      return ok(undefined);
    },
    /** We sent a message: the server ends our typing, so the next keystroke starts it again. */
    sent(conversationId: string): void {
      typingSentAt.delete(conversationId);
    },
    reset(): void {
      for (const timer of typingTimers.values()) clearTimer(timer);
      typingTimers.clear();
      typingSentAt.clear();
    },
  };
}
