import type { ErrorBody, ErrorCode } from '@parley/shared';
import type { z } from 'zod';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  username_taken: 409,
  invalid_credentials: 401,
  rate_limited: 429,
  invalid_token: 401,
  token_expired: 401,
  refresh_reused: 401,
  unauthorized: 401,
  not_found: 404,
  payload_too_large: 413,
  busy: 409,
  unavailable: 503,
  internal: 500,
  forbidden: 403,
  too_large: 413,
  unsupported_media_type: 415,
  gone: 410,
};

/**
 * An error meant for the client: thrown anywhere in a handler, answered as the HTTP error
 * body (with the code's status) or as a failed ack. Anything else is logged and answered as
 * `internal` with a safe message.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}

/** Network failures reaching the database or Redis (Node's and ioredis' codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
/** PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown). */
const POSTGRES_UNAVAILABLE = /^(08|57P)/;
/** SQLite: the file is locked past busy_timeout, or the disk failed or filled. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;

/**
 * Whether an error means a dependency (database, Redis) is out of reach rather than a bug:
 * such errors are answered `unavailable` (retryable; an outbox retries with the same clientId)
 * instead of `internal`. Follows `cause` chains, as drivers wrap the socket error.
 */
export function isUnavailableError(err: unknown, depth = 0): boolean {
  if (depth > 4 || err === null || typeof err !== 'object') return false;
  const { code, message, cause } = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code))
      return true;
  }
  // pg's pool reports a lost connection only in words, and so does ioredis while Redis is
  // down (a command that ran out of retries, or one sent on a closed connection).
  if (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|max retries per request limit|Connection is closed|Stream isn't writeable/i.test(
      message,
    )
  ) {
    return true;
  }
  return isUnavailableError(cause, depth + 1);
}

/** The answer for an error that is not an AppError: `unavailable` for outages, else `internal`. */
export function unexpectedError(err: unknown): AppError {
  return isUnavailableError(err)
    ? new AppError('unavailable', 'The server cannot reach its database right now; retry in a moment')
    : new AppError('internal', 'Something went wrong on the server');
}

export const notFound = (what = 'conversation') => new AppError('not_found', `No such ${what}`);

/** Turns zod issues into `fields`: the dotted path of each bad field and what is wrong with it. */
export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

/**
 * Why a string cannot be stored as it is, if it cannot. PostgreSQL cannot store NUL in text,
 * and a lone UTF-16 surrogate is not valid Unicode: SQLite and PostgreSQL would each store it
 * differently (replaced or mangled), so the ack, the live event and the history would
 * disagree. Both are refused everywhere, on every backend alike, before they reach storage.
 */
function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** The path of the first string that cannot be stored as it is, and why; undefined if none. */
export function findUnstorableText(
  value: unknown,
  path = '',
  depth = 0,
): { field: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { field: path || '_', reason } : undefined;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = findUnstorableText(child, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `invalid_input` for text that cannot be stored (see `findUnstorableText`). */
export const unstorableTextError = ({ field, reason }: { field: string; reason: string }) =>
  new AppError('invalid_input', `Text ${reason}`, { [field]: reason });

/** Parses untrusted input; a failure becomes `invalid_input` naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('invalid_input', 'Some fields are missing or invalid', zodFields(result.error));
  }
  const unstorable = findUnstorableText(result.data);
  if (unstorable) throw unstorableTextError(unstorable);
  return result.data;
}
