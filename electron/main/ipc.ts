/**
 * IPC from the renderer: every handler is registered through `handleValidated`, which checks
 * who is calling (the app's own top-level page, nothing else) and parses the arguments before
 * the handler runs. Channel names come from electron/common/ipc.ts.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import type { HostResult } from '@parley/shared';
import {
  INVOKE_CHANNELS,
  HOST_METHOD_PATHS,
  type HostArgs,
  type HostMethodPath,
  type HostReturn,
} from '../common/ipc.js';
import { hostArgSchemas } from './ipc-schemas.js';

export interface Logger {
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Thrown back to the renderer (as a rejected promise) when the sender is not the app. */
export class ForbiddenSenderError extends Error {
  constructor() {
    super('IPC call rejected: the sender is not the Parley app');
    this.name = 'ForbiddenSenderError';
  }
}

export interface ValidatedOptions<R> {
  /** True when a frame at this URL is the app's own page. */
  isTrustedUrl(url: string): boolean;
  /** What to answer when the arguments do not parse; without it the call rejects. */
  onInvalid?: (message: string) => R;
  logger: Logger;
}

/**
 * `ipcMain.handle` with the two checks every channel needs. The sender must be the top frame
 * of a page at the app's origin (not an iframe, not a page something navigated to), and the
 * args array must parse with `schema`; the handler only ever sees parsed data.
 */
export function handleValidated<S extends z.ZodType, R>(
  channel: string,
  schema: S,
  handler: (args: z.output<S>, event: IpcMainInvokeEvent) => R | Promise<R>,
  options: ValidatedOptions<R>,
): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !options.isTrustedUrl(frame.url)) {
      options.logger.warn('ipc: rejected a call from an untrusted sender', {
        channel,
        url: frame?.url ?? null,
      });
      throw new ForbiddenSenderError();
    }
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const message = z.prettifyError(parsed.error);
      options.logger.warn('ipc: rejected invalid arguments', { channel, message });
      if (options.onInvalid) return options.onInvalid(message);
      throw new Error(`Invalid arguments for ${channel}: ${message}`);
    }
    return handler(parsed.data, event);
  });
}

/** The main-process side of every host method. */
export type HostImpl = { [P in HostMethodPath]: (...args: HostArgs<P>) => HostReturn<P> };

/** Methods whose answer is a plain value, not a `HostResult`: bad input rejects instead. */
const PLAIN_RESULT: ReadonlySet<HostMethodPath> = new Set<HostMethodPath>([
  'getState',
  'resyncState',
  'auth.defaultServerUrl',
]);

/**
 * Registers one handler per host method. Methods answering `HostResult` answer bad input
 * with `{ ok: false, code: 'invalid_input' }` and unexpected exceptions with a safe
 * `internal` error (logged here with the channel), as the host contract promises.
 */
export function registerHostHandlers(
  impl: HostImpl,
  options: Omit<ValidatedOptions<unknown>, 'onInvalid'>,
): void {
  for (const path of HOST_METHOD_PATHS) {
    const plain = PLAIN_RESULT.has(path);
    const call = impl[path] as (...args: unknown[]) => Promise<unknown>;
    handleValidated(
      INVOKE_CHANNELS[path],
      hostArgSchemas[path],
      async (args) => {
        if (plain) return call(...(args as unknown[]));
        try {
          return await call(...(args as unknown[]));
        } catch (error) {
          options.logger.error('ipc: host method failed', {
            channel: INVOKE_CHANNELS[path],
            error: String(error),
          });
          return {
            ok: false,
            error: 'Something went wrong in the app.',
            code: 'internal',
          } satisfies HostResult;
        }
      },
      {
        ...options,
        onInvalid: plain
          ? undefined
          : (message): HostResult => ({
              ok: false,
              error: `Invalid input: ${message}`,
              code: 'invalid_input',
            }),
      },
    );
  }
}

/** Removes every host handler (window teardown in tests, or before re-registering). */
export function removeHostHandlers(): void {
  for (const path of HOST_METHOD_PATHS) ipcMain.removeHandler(INVOKE_CHANNELS[path]);
}
