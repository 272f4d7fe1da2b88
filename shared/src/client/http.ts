import type { HostResult } from '../host-api.js';
import { clearTimer, setTimer, type FetchLike, type TimerHandle } from './runtime.js';

/**
 * Error codes the client core produces itself, next to the server's `ErrorCode`s:
 * `network` (the server could not be reached), `timeout` (no acknowledgement in time),
 * `offline` (the action needs the connection and it is down), `signed_out` (no session),
 * `bad_response` (the server answered something that does not follow the contract),
 * `unsupported` (the server is too old for the operation) and `internal` (a bug in the client
 * core, reported rather than thrown).
 */
export type ClientErrorCode =
  'network' | 'timeout' | 'offline' | 'signed_out' | 'bad_response' | 'unsupported' | 'internal';

/** A failed HostResult; `status` is the HTTP status when there was one. */
export type Failure = { ok: false; error: string; code: string; status?: number };

export function fail(code: string, error: string, status?: number): Failure {
  return status === undefined ? { ok: false, error, code } : { ok: false, error, code, status };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export type Result<T> = { ok: true; value: T } | Failure;

/** Drops the internal `status` so results handed to hosts stay plain HostResults. */
export function toHostResult<T>(result: Result<T>): HostResult<T> {
  return result.ok ? result : { ok: false, error: result.error, code: result.code };
}

/** Server-URL normalising is a product rule; it lives in rules/server-url.ts. */
export { normalizeServerUrl } from '../rules/server-url.js';

/** A request that gets no answer in this time fails with `network` (it is not aborted). */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string | null;
}

/**
 * One JSON request to the server. Never throws: network failures, HTTP errors (with the
 * contract's `{ error: { code, message } }` body) and unparseable answers all come back as
 * a Failure with a code the caller can switch on.
 */
export async function requestJson<T>(
  fetchFn: FetchLike,
  baseUrl: string,
  path: string,
  options: RequestOptions,
): Promise<Result<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response;
  let timer: TimerHandle | null = null;
  try {
    const request = fetchFn(baseUrl + path, {
      method: options.method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    // A half-open connection can leave fetch waiting for minutes; the caller must not.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimer(() => reject(new Error('no answer in time')), REQUEST_TIMEOUT_MS);
    });
    request.catch(() => undefined);
    response = await Promise.race([request, timeout]);
  } catch (error) {
    return fail('network', `Cannot reach the server (${describeError(error)})`);
  } finally {
    clearTimer(timer);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return fail(
      'network',
      `The connection broke while reading the answer (${describeError(error)})`,
      response.status,
    );
  }
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      if (response.ok)
        return fail('bad_response', 'The server sent an answer that is not JSON', response.status);
    }
  }
  if (!response.ok) {
    const error = readErrorBody(json);
    return fail(
      error?.code ?? (response.status === 401 ? 'unauthorized' : `http_${response.status}`),
      error?.message ?? `The server answered ${response.status}`,
      response.status,
    );
  }
  return { ok: true, value: json as T };
}

export function readErrorBody(json: unknown): { code: string; message: string } | null {
  if (typeof json !== 'object' || json === null) return null;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return null;
  return { code, message: typeof message === 'string' ? message : code };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    // Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
    if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
}

/** Whatever goes wrong inside `fn` becomes a failed HostResult: public methods never throw. */
export async function guard<T>(fn: () => Promise<Result<T>>): Promise<HostResult<T>> {
  try {
    return toHostResult(await fn());
  } catch (error) {
    return { ok: false, error: `Internal error in the client: ${describeError(error)}`, code: 'internal' };
  }
}

/** An `invalid_input` failure naming the first bad field of a zod error. */
export function invalid(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Failure {
  const first = issues[0];
  const field = first?.path.map(String).join('.') ?? '';
  const message = first ? (field ? `${field}: ${first.message}` : first.message) : 'Invalid input';
  return fail('invalid_input', message);
}
