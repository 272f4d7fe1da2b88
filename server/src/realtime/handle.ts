import type { Ack, ClientToServerEvents, ErrorBody } from '@parley/shared';
import type { z } from 'zod';
import type { ParleySocket, ServerContext } from '../context.js';
import { AppError, findUnstorableText, unexpectedError, unstorableTextError, zodFields } from '../errors.js';

/** The event names a client may emit. */
export type ClientEventName = keyof ClientToServerEvents & string;

/**
 * The one way a socket event is handled. It validates the payload with the shared schema,
 * runs the handler, and answers the ack (if the client sent one) with `{ ok: true, ...result }`
 * or `{ ok: false, error }`. It never throws, never disconnects, and tolerates anything a
 * client can send: no payload, null, a string, extra arguments, no ack or a non-function ack.
 * Unexpected errors are logged with context and answered as `internal`.
 */
export function handle<S extends z.ZodType, R extends object | void>(
  ctx: Pick<ServerContext, 'logger' | 'inflight' | 'closing' | 'metrics'>,
  socket: ParleySocket,
  event: ClientEventName,
  schema: S,
  handler: (data: z.output<S>) => Promise<R>,
): void {
  // The typed `on` demands the contract's listener shape; at run time the arguments are
  // whatever the client sent, so this listener takes `unknown[]` and validates them itself.
  const on = socket.on.bind(socket) as unknown as (
    event: string,
    listener: (...args: unknown[]) => void,
  ) => void;
  on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (response: Ack<object>) => void) : undefined;
    const payload = args.length > 0 && args[0] !== ack ? args[0] : undefined;
    const arrived = performance.now();
    const reply = (response: Ack<object>) => {
      // Every event is counted, acked or not; the duration is arrival to answer (the commit
      // included, since an ack waits for it).
      ctx.metrics.observeEvent(event, response.ok ? 'ok' : 'error', (performance.now() - arrived) / 1000);
      if (!ack) return;
      try {
        ack(response);
      } catch (err) {
        ctx.logger.warn({ err, event }, 'ack failed');
      }
    };
    const fail = (error: ErrorBody) => reply({ ok: false, error });

    if (ctx.closing) {
      fail({ code: 'unavailable', message: 'The server is shutting down; retry in a moment' });
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      fail({
        code: 'invalid_input',
        message: 'Some fields are missing or invalid',
        fields: zodFields(parsed.error),
      });
      return;
    }
    const unstorable = findUnstorableText(parsed.data);
    if (unstorable) {
      fail(unstorableTextError(unstorable).toBody());
      return;
    }
    const run = (async () => {
      try {
        const result = await handler(parsed.data);
        reply({ ok: true, ...(result ?? {}) });
      } catch (err) {
        if (err instanceof AppError) {
          fail(err.toBody());
        } else {
          const error = unexpectedError(err);
          ctx.logger.error(
            { err, event, userId: socket.data.userId, code: error.code },
            'socket handler failed',
          );
          fail(error.toBody());
        }
      }
    })();
    ctx.inflight.add(run);
    void run.finally(() => ctx.inflight.delete(run));
  });
}
