import type { ErrorCode } from '@parley/shared';
import { AppError } from '../errors.js';
import type { ConversationWrite, Outcome } from './conversation-writes.js';
import type { ItemOutcome } from './group-commit.js';

/**
 * The messages between the main thread and the SQLite writer thread (sqlite-writer.ts).
 * Everything crosses by structured clone, which keeps plain data but not classes: errors go
 * as `WireError` and come back as AppError (its code, message and fields) or as an Error
 * that keeps the driver's `code` (SQLITE_BUSY, SQLITE_FULL, ...), so `unexpectedError`
 * still answers `unavailable` for a full or failing disk.
 */
export interface WriterData {
  /** The database file (migrated already, by the main thread). */
  file: string;
}

/** A point where the writer kills its thread, for tests of a writer crash. */
export type CrashPoint = 'before-commit' | 'after-commit';

export type ToWriter =
  | { type: 'batch'; id: number; items: readonly ConversationWrite[] }
  | { type: 'crash'; at: CrashPoint }
  | { type: 'close' };

export type FromWriter =
  | { type: 'ready' }
  | { type: 'open-failed'; error: WireError }
  | { type: 'done'; id: number; outcomes: WireOutcome[] }
  | { type: 'failed'; id: number; error: WireError };

export type WireError =
  | { app: true; code: ErrorCode; message: string; fields?: Record<string, string> }
  | { app: false; name: string; message: string; code?: string };

export type WireOutcome = { ok: true; value: Outcome } | { ok: false; error: WireError };

export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) {
    return err.fields
      ? { app: true, code: err.code, message: err.message, fields: err.fields }
      : { app: true, code: err.code, message: err.message };
  }
  const { name, message, code } = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  return {
    app: false,
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(err),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

export function fromWireError(wire: WireError): Error {
  if (wire.app) return new AppError(wire.code, wire.message, wire.fields);
  const error = new Error(wire.message) as Error & { code?: string };
  error.name = wire.name;
  if (wire.code) error.code = wire.code;
  return error;
}

export const toWireOutcome = (outcome: ItemOutcome<Outcome>): WireOutcome =>
  outcome.ok ? outcome : { ok: false, error: toWireError(outcome.error) };

export const fromWireOutcome = (wire: WireOutcome): ItemOutcome<Outcome> =>
  wire.ok ? wire : { ok: false, error: fromWireError(wire.error) };
