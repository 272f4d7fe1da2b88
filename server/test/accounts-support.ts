/** Helpers shared by the account, invite and admin suites. */
import type { SessionEndReason } from '@parley/shared';
import type { ClientSocket } from './harness.js';

/**
 * Resolves once the socket is disconnected, with what it heard first: the `session:ended`
 * reason (if any) and the disconnect reason, in the order they arrived.
 */
export function sessionEnd(socket: ClientSocket): Promise<{ order: string[]; reason?: SessionEndReason }> {
  const order: string[] = [];
  let reason: SessionEndReason | undefined;
  return new Promise((resolve) => {
    socket.on('session:ended', (event) => {
      reason = event.reason;
      order.push('session:ended');
    });
    socket.once('disconnect', (why) => {
      order.push(`disconnect:${why}`);
      resolve({ order, ...(reason ? { reason } : {}) });
    });
  });
}

/** The `data.code` of a refused socket connection. */
export async function refusedCode(connect: Promise<ClientSocket>): Promise<unknown> {
  try {
    const socket = await connect;
    socket.close();
    return 'connected';
  } catch (err) {
    return (err as { data?: { code?: unknown } }).data?.code;
  }
}
