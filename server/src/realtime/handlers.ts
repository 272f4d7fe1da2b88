import type { AckCallback, ClientToServerEvents } from '@parley/shared';
import type { z } from 'zod';
import type { ParleySocket, ServerContext } from '../context.js';
import { handle, type ClientEventName } from './handle.js';

/**
 * What the ack of event `E` carries besides `ok`, read off the contract's event map; `void`
 * for events without an ack or with a bare `{ ok }`.
 */
export type AckData<E extends ClientEventName> =
  Parameters<ClientToServerEvents[E]> extends [unknown, AckCallback<infer T>]
    ? // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "no fields beyond ok"
      {} extends T
      ? void
      : T
    : void;

/** One event's handler: the shared schema its payload must pass, and what runs on it. */
export interface EventHandler<R> {
  schema: z.ZodType;
  run(data: unknown): Promise<R>;
}

/** Pairs a schema with a handler typed by that schema's output. */
export function on<S extends z.ZodType, R>(
  schema: S,
  run: (data: z.output<S>) => Promise<R>,
): EventHandler<R> {
  return { schema, run: run as (data: unknown) => Promise<R> };
}

/**
 * Every client→server event of the contract with its handler. Socket handlers are built as
 * one object checked against this type (`satisfies EventHandlers`), so a new event in
 * `ClientToServerEvents` is a compile error on the server until it is handled, and a
 * handler whose answer does not match the event's ack is one too.
 */
export type EventHandlers = { [E in ClientEventName]: EventHandler<AckData<E>> };

/** Registers a socket's handler table; each event goes through `handle` (validation, ack, never throws). */
export function registerHandlers(
  ctx: Pick<ServerContext, 'logger' | 'inflight' | 'closing' | 'metrics'>,
  socket: ParleySocket,
  handlers: EventHandlers,
): void {
  for (const event of Object.keys(handlers) as ClientEventName[]) {
    const handler: EventHandler<object | void> = handlers[event];
    handle(ctx, socket, event, handler.schema, (data) => handler.run(data));
  }
  // Every packet within the transport limit is answered: an event that is not in the contract
  // too, when it asks for an ack (a newer client, a typo), rather than leave it to time out.
  const known = new Set<string>(Object.keys(handlers));
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    try {
      (ack as (response: unknown) => void)({
        ok: false,
        error: { code: 'invalid_input', message: 'This server does not know that event' },
      });
    } catch (err) {
      ctx.logger.warn({ err }, 'ack failed');
    }
  });
}
