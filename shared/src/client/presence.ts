/**
 * Presence (`ClientState.presence`): from `user:online`/`user:offline`, and from conversation
 * members in HTTP answers. An HTTP answer was computed before any presence event that arrived
 * while it was on its way, so it never overwrites a user with such an event.
 */
import type { Conversation } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import type { Presence } from './state.js';
import { presenceFromConversations, setPresence } from './state-updates.js';

/** The module that owns presence (`ClientState.presence`), as other modules reach it through `ctx`. */
export type PresenceModule = ReturnType<typeof createPresence>;

/** Creates the module that owns presence (`ClientState.presence`). */
export function createPresence(ctx: ClientContext) {
  /** Counts live presence events (user:online/user:offline). */
  let presenceClock = 0;
  /** User id → `presenceClock` of that user's latest live presence event. */
  const livePresenceAt = new Map<string, number>();

  /** Users whose presence came live after `since` (a `clock()` taken when a request went out). */
  function liveSince(since: number): ReadonlySet<string> {
    const users = new Set<string>();
    if (since === presenceClock) return users;
    for (const [userId, at] of livePresenceAt) if (at > since) users.add(userId);
    return users;
  }

  return {
    /** Taken when an HTTP request goes out; pass it back with its answer. */
    clock: (): number => presenceClock,
    online(userId: string): void {
      livePresenceAt.set(userId, ++presenceClock);
      ctx.update((s) =>
        setPresence(s, userId, { online: true, lastSeenAt: s.presence[userId]?.lastSeenAt ?? null }),
      );
    },
    offline(userId: string, lastSeenAt: string): void {
      livePresenceAt.set(userId, ++presenceClock);
      ctx.update((s) => setPresence(s, userId, { online: false, lastSeenAt }));
    },
    /** Presence carried by members of an HTTP answer requested at `since`. */
    fromConversations(
      presence: Record<string, Presence>,
      conversations: readonly Conversation[],
      since: number,
    ): Record<string, Presence> {
      const myId = ctx.session.me()?.id ?? '';
      return presenceFromConversations(presence, conversations, myId, liveSince(since));
    },
  };
}
