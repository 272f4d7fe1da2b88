import type { SessionEndReason } from '@parley/shared';
import { rooms, type ServerContext } from '../context.js';

/**
 * Tells a revoked session's sockets why, then disconnects them, on every node: with REDIS_URL
 * both go through the Socket.IO Redis adapter, published in this order on one connection, so
 * each socket gets `session:ended` before its disconnect. The session must already be revoked
 * in the database: a socket that reconnects in between is refused by the handshake.
 */
export function endSessionSockets(
  ctx: Pick<ServerContext, 'io'>,
  sessionIds: readonly string[],
  reason: SessionEndReason,
): void {
  if (sessionIds.length === 0) return;
  const sessionRooms = sessionIds.map(rooms.session);
  ctx.io.to(sessionRooms).emit('session:ended', { reason });
  ctx.io.in(sessionRooms).disconnectSockets(true);
}

/** Revokes one session in the database, then ends its sockets. */
export async function endSession(
  ctx: Pick<ServerContext, 'io' | 'repo'>,
  sessionId: string,
  reason: SessionEndReason,
): Promise<void> {
  await ctx.repo.revokeSession(sessionId, new Date().toISOString());
  endSessionSockets(ctx, [sessionId], reason);
}

/** A User-Agent worth keeping for the sessions list: printable, and short. */
export function userAgentOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const clean = value.replace(/[^\x20-\x7e]/g, '').trim();
  return clean.length > 0 ? clean.slice(0, 256) : null;
}
