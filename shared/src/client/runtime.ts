/**
 * The few runtime globals the client core needs, typed here once.
 *
 * `shared/` compiles with the plain ES2023 library (no DOM, no Node types) so that nothing
 * runtime-specific can creep in. These globals exist with the same behaviour in Node 20,
 * Electron's main process and every browser we support, so the core reaches them through
 * `globalThis` with minimal structural types instead of pulling in either lib.
 */

/** An opaque timer handle: a number in browsers, a Timeout object in Node. */
export type TimerHandle = object | number;

/** The subset of the Fetch API's Response the core reads. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** The subset of `fetch` the core calls; the global fetch of Node 20 and browsers fits it. */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<FetchResponseLike>;

interface RuntimeGlobals {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  queueMicrotask(callback: () => void): void;
  crypto: { randomUUID(): string };
  atob(data: string): string;
  fetch?: FetchLike;
}

const g = globalThis as unknown as RuntimeGlobals;

export function setTimer(callback: () => void, ms: number): TimerHandle {
  return g.setTimeout(callback, ms);
}

export function clearTimer(handle: TimerHandle | null | undefined): void {
  if (handle != null) g.clearTimeout(handle);
}

export function queueMicrotaskSafe(callback: () => void): void {
  g.queueMicrotask(callback);
}

export function randomId(): string {
  return g.crypto.randomUUID();
}

export function base64Decode(data: string): string {
  return g.atob(data);
}

/** The global fetch, looked up when called so tests and polyfills installed later still apply. */
export const globalFetch: FetchLike = (url, init) => {
  if (!g.fetch) return Promise.reject(new Error('fetch is not available in this runtime'));
  return g.fetch(url, init);
};

/** The subset of AbortSignal the core uses (uploads). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The subset of AbortController the core uses. */
export interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(): void;
}

/** A new AbortController (global in Node and browsers). */
export function newAbortController(): AbortControllerLike {
  const Ctor = (globalThis as unknown as { AbortController: new () => AbortControllerLike }).AbortController;
  return new Ctor();
}

/** UTF-8 bytes of a string (TextEncoder, global in Node and browsers). */
export function utf8Encode(text: string): Uint8Array {
  const Ctor = (globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array } })
    .TextEncoder;
  return new Ctor().encode(text);
}

/** A response as binary reads (downloads) need it. */
export interface BinaryResponseLike extends FetchResponseLike {
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** `fetch` for binary answers; the global fetch fits it. */
export type BinaryFetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; signal?: AbortSignalLike },
) => Promise<BinaryResponseLike>;

/** The global fetch, typed for binary answers. */
export const globalBinaryFetch: BinaryFetchLike = (url, init) => {
  const f = (globalThis as unknown as { fetch?: BinaryFetchLike }).fetch;
  if (!f) return Promise.reject(new Error('fetch is not available in this runtime'));
  return f(url, init);
};
