/**
 * Files: uploads to `POST /api/attachments` with byte progress and cancel, and reading an
 * attachment (or its thumbnail) back as bytes for display. Uploads are named by an id the
 * caller picks, so progress events and a cancel can cross IPC to the desktop's main process.
 * What this run uploaded is remembered, so a message queued with those files shows them at
 * once (the outbox's optimistic row).
 */
import type {
  AttachmentBytes,
  AttachmentFile,
  HostResult,
  UploadProgress,
  Unsubscribe,
} from '../host-api.js';
import { attachmentSchema, type Attachment } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { describeError, fail, guard, ok, readErrorBody, type Result } from './http.js';
import {
  globalBinaryFetch,
  newAbortController,
  type AbortControllerLike,
  type AbortSignalLike,
} from './runtime.js';
import { createFetchUploadTransport, type UploadAnswer } from './upload-transport.js';

/** The module that owns uploads and downloads, as other modules reach it through `ctx`. */
export type AttachmentsModule = ReturnType<typeof createAttachments>;

/**
 * A progress event goes out when this share of the file has gone since the last one, or this
 * long has passed (plus the first and the last): at most ~50 events per file over IPC.
 */
const PROGRESS_STEP_SHARE = 0.02;
const PROGRESS_INTERVAL_MS = 100;
/** A file name as stored by the server is at most this long; longer ones are cut there. */
const NAME_MAX = 255;

/** What `upload` takes: the file and, optionally, a progress callback and a cancel signal. */
export interface UploadOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignalLike;
}

function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/** Creates the module that owns uploads and downloads (no state slice: progress is an event). */
export function createAttachments(ctx: ClientContext) {
  const transport = ctx.options.uploadTransport ?? createFetchUploadTransport();
  const fetchBinary = ctx.options.binaryFetch ?? globalBinaryFetch;
  const running = new Map<string, AbortControllerLike>();
  const uploaded = new Map<string, Attachment>();
  const listeners = new Set<(progress: UploadProgress) => void>();

  /** Runs `attempt` with an access token; a 401 refreshes the token and tries once more. */
  async function withToken<T>(attempt: (token: string) => Promise<Result<T>>): Promise<Result<T>> {
    const first = await ctx.session.ensureAccessToken();
    if (!first.ok) return first;
    const result = await attempt(first.value);
    if (result.ok || result.status !== 401) return result;
    ctx.session.dropAccessToken();
    const second = await ctx.session.ensureAccessToken();
    return second.ok ? attempt(second.value) : second;
  }

  function answerFailure(status: number, text: string): Result<never> {
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: the status says enough
    }
    const error = readErrorBody(json);
    if (status === 413)
      return fail('too_large', error?.message ?? 'The file is larger than this server accepts', status);
    if (status === 415)
      return fail(
        'unsupported_media_type',
        error?.message ?? 'The server does not accept this kind of file',
        status,
      );
    return fail(error?.code ?? `http_${status}`, error?.message ?? `The server answered ${status}`, status);
  }

  /** Uploads one file; resolves with the stored attachment or a Failure (`cancelled` when aborted). */
  async function upload(input: AttachmentFile, options: UploadOptions = {}): Promise<Result<Attachment>> {
    const url = ctx.session.serverUrl();
    if (!url || !ctx.session.me()) return fail('signed_out', 'Sign in to send files');
    const bytes = toBytes(input?.bytes);
    if (!bytes) return fail('invalid_input', 'bytes: must be an ArrayBuffer');
    const name = typeof input.name === 'string' && input.name.trim() !== '' ? input.name : 'file';
    const type = typeof input.type === 'string' ? input.type : '';
    if (bytes.byteLength === 0) return fail('invalid_input', `${name} is empty`);
    const max = ctx.state().server?.limits?.maxAttachmentBytes;
    if (max !== undefined && bytes.byteLength > max)
      return fail('too_large', `${name} is larger than this server accepts (${formatBytes(max)})`);
    const signal = options.signal;
    if (signal?.aborted) return fail('cancelled', 'The upload was cancelled');
    const abort = newAbortController();
    const forward = () => abort.abort();
    signal?.addEventListener('abort', forward, { once: true });
    try {
      const result = await withToken(async (token): Promise<Result<Attachment>> => {
        let answer: UploadAnswer;
        try {
          answer = await transport({
            url: `${url}/api/attachments`,
            token,
            file: { name: name.slice(0, NAME_MAX), type, bytes },
            onProgress: (loaded, total) => options.onProgress?.(loaded, total),
            signal: abort.signal,
          });
        } catch (error) {
          if (abort.signal.aborted) return fail('cancelled', 'The upload was cancelled');
          return fail('network', `The upload failed (${describeError(error)})`);
        }
        if (answer.status !== 201 && answer.status !== 200) return answerFailure(answer.status, answer.body);
        let json: unknown;
        try {
          json = JSON.parse(answer.body);
        } catch {
          return fail('bad_response', 'The server answered the upload with something that is not JSON');
        }
        const parsed = attachmentSchema.safeParse((json as { attachment?: unknown } | null)?.attachment);
        if (!parsed.success)
          return fail('bad_response', 'The server answered the upload with something unexpected');
        return ok(parsed.data);
      });
      if (result.ok) uploaded.set(result.value.id, result.value);
      return result;
    } finally {
      signal?.removeEventListener('abort', forward);
    }
  }

  async function read(id: unknown, variant: unknown): Promise<Result<AttachmentBytes>> {
    if (typeof id !== 'string' || !/^[\w-]{1,64}$/.test(id))
      return fail('invalid_input', 'No attachment given');
    if (variant !== 'full' && variant !== 'thumbnail')
      return fail('invalid_input', 'variant: must be "full" or "thumbnail"');
    const path = `/api/attachments/${encodeURIComponent(id)}${variant === 'thumbnail' ? '/thumbnail' : ''}`;
    return readBytes(path);
  }

  /**
   * An authenticated GET whose answer is bytes (an attachment, a picture); one retry after a
   * token refresh. The one way the client core downloads.
   */
  async function readBytes(path: string): Promise<Result<AttachmentBytes>> {
    const url = ctx.session.serverUrl();
    if (!url || !ctx.session.me()) return fail('signed_out', 'Sign in first');
    return withToken(async (token) => {
      try {
        const response = await fetchBinary(url + path, { headers: { authorization: `Bearer ${token}` } });
        if (!response.ok) return answerFailure(response.status, await response.text().catch(() => ''));
        const bytes = await response.arrayBuffer();
        const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
        return ok({ bytes, contentType });
      } catch (error) {
        return fail('network', `Cannot reach the server (${describeError(error)})`);
      }
    });
  }

  function emit(progress: UploadProgress): void {
    for (const listener of [...listeners]) {
      try {
        listener(progress);
      } catch {
        // A host listener failing must not stop the upload.
      }
    }
  }

  /** The host API's `attachments`: uploads named by the caller's id, progress as events. */
  const api = {
    upload: (uploadId: string, file: AttachmentFile): Promise<HostResult<Attachment>> =>
      guard(async () => {
        if (typeof uploadId !== 'string' || uploadId === '')
          return fail('invalid_input', 'No upload id given');
        if (running.has(uploadId)) return fail('invalid_input', 'This upload id is in use');
        const abort = newAbortController();
        running.set(uploadId, abort);
        let lastAt = 0;
        let lastLoaded = 0;
        try {
          return await upload(file, {
            signal: abort.signal,
            onProgress(loaded, total) {
              const now = ctx.now();
              const step = loaded - lastLoaded >= total * PROGRESS_STEP_SHARE;
              if (loaded !== 0 && loaded !== total && !step && now - lastAt < PROGRESS_INTERVAL_MS) return;
              lastAt = now;
              lastLoaded = loaded;
              emit({ uploadId, loaded, total });
            },
          });
        } finally {
          running.delete(uploadId);
        }
      }),
    cancelUpload: (uploadId: string): Promise<HostResult> =>
      guard(async () => {
        const abort = typeof uploadId === 'string' ? running.get(uploadId) : undefined;
        if (!abort) return fail('not_found', 'No such upload is running');
        abort.abort();
        return ok(undefined);
      }),
    onUploadProgress(listener: (progress: UploadProgress) => void): Unsubscribe {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    read: (id: string, variant: 'full' | 'thumbnail'): Promise<HostResult<AttachmentBytes>> =>
      guard(() => read(id, variant)),
  };

  return {
    api,
    upload,
    read,
    readBytes,
    /** An attachment this run uploaded (for showing a queued message with its files). */
    uploadedInfo: (id: string): Attachment | undefined => uploaded.get(id),
    /** Stops every running upload (sign-out). */
    cancelAll(): void {
      for (const abort of running.values()) abort.abort();
    },
  };
}

/** "512 B", "3.4 KB", "20 MB": for error messages (the renderer formats its own). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} KB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`;
}
