import type { User } from '@parley/shared';
import { endSessionSockets } from '../auth/sessions.js';
import { rooms, type ServerContext } from '../context.js';
import { AppError, notFound } from '../errors.js';

type Ctx = Pick<ServerContext, 'io' | 'repo' | 'presence'>;

/**
 * `user:updated` to everyone who shares a conversation with the user, and their own devices;
 * with `ownDevicesOnly`, to their own devices alone (a server role change: nothing others see
 * changed, but the user's app shows or hides the admin page without a reload).
 */
export async function announceUserUpdated(ctx: Ctx, user: User, ownDevicesOnly = false): Promise<void> {
  const contacts = ownDevicesOnly ? [] : await ctx.repo.contactIds(user.id);
  const online = await ctx.presence.onlineOf([user.id]);
  const withPresence: User = { ...user, online: online.has(user.id) };
  ctx.io.to([user.id, ...contacts].map(rooms.user)).emit('user:updated', { user: withPresence });
}

/**
 * Deactivates an account (by its owner or a server admin): sessions revoked and their sockets
 * told `deactivated`, then everyone sharing a conversation hears of the new name. Messages
 * stay. `not_found` for no such user.
 */
export async function deactivateAccount(ctx: Ctx, userId: string): Promise<void> {
  const result = await ctx.repo.deactivateUser(userId, new Date().toISOString());
  if (!result) throw notFound('user');
  endSessionSockets(ctx, result.sessionIds, 'deactivated');
  await announceUserUpdated(ctx, result.user);
}

/** Throws `forbidden` unless the user is an active server admin. */
export async function requireServerAdmin(ctx: Pick<ServerContext, 'repo'>, userId: string): Promise<void> {
  const account = await ctx.repo.getAccount(userId);
  if (account?.role !== 'admin') throw new AppError('forbidden', 'Only server admins may do that');
}
