import type { Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../protocol/socket.js';
import { describeError, fail, ok, type Failure } from './http.js';

/** The client core's socket, typed by the contract's event maps. */
export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long an acknowledgement may take before the event counts as not delivered. */
export const ACK_TIMEOUT_MS = 10_000;

/** The success value of an event's acknowledgement (`{ ok: true, ...data }`). */
export type AckValue<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends
  ((response: infer R) => void) | undefined
  ? Extract<R, { ok: true }>
  : never;

/** An acknowledgement as a Result. */
export type AckResult<T> = { ok: true; value: T } | Failure;

/**
 * Emits an event with an acknowledgement and a timeout, as a Result: `timeout` when no
 * answer came in time (or the socket went away first), the server's code otherwise.
 */
export async function emitWithAck<E extends keyof ClientToServerEvents>(
  socket: ParleySocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult<AckValue<E>>> {
  let answer: unknown;
  try {
    // The typed overloads of emitWithAck do not survive a generic event name.
    answer = await (
      socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }
    ).emitWithAck(event, payload);
  } catch (error) {
    return fail('timeout', `No answer from the server (${describeError(error)})`);
  }
  if (typeof answer !== 'object' || answer === null || typeof (answer as { ok?: unknown }).ok !== 'boolean') {
    return fail('bad_response', 'The server answered with something unexpected');
  }
  const ack = answer as Ack<Record<string, unknown>>;
  if (ack.ok) return ok(ack as unknown as AckValue<E>);
  const code = typeof ack.error?.code === 'string' ? ack.error.code : 'internal';
  return fail(code, typeof ack.error?.message === 'string' ? ack.error.message : code);
}
