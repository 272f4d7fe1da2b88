/** Presence as the UI shows it. */
import type { User } from '../protocol/models.js';

/** Online state and last seen of a user (`ClientState.presence` holds these by user id). */
export interface PresenceInfo {
  online: boolean;
  lastSeenAt: string | null;
}

/**
 * A user's presence as shown: the live presence map first, else what the user object carried;
 * and never "online" while this client is disconnected (it would be a stale guess), though
 * the last-seen time stays. You (`meId`) are online exactly while this client is connected:
 * the server tells only others when you come online, and the list fetched at connect may
 * predate your own registration.
 */
export function visiblePresence(
  user: Pick<User, 'id' | 'online' | 'lastSeenAt'>,
  presence: Readonly<Record<string, PresenceInfo>>,
  connected: boolean,
  meId?: string,
): PresenceInfo {
  const known = presence[user.id] ?? { online: user.online ?? false, lastSeenAt: user.lastSeenAt ?? null };
  if (user.id === meId) return { ...known, online: connected };
  return connected || !known.online ? known : { ...known, online: false };
}
