/**
 * How an upload's bytes travel, with progress. Injected (`ParleyClientOptions.uploadTransport`)
 * because no single API gives upload progress everywhere: browsers have it only from
 * XMLHttpRequest (fetch cannot stream a request body over HTTP/1.1 there), and Node (the
 * desktop's main process) has no XMLHttpRequest but can stream a fetch body. The default here
 * is the Node one: a multipart body produced chunk by chunk, counting what the network takes.
 */
import { randomId, utf8Encode, type AbortSignalLike } from './runtime.js';

/** One upload as a transport gets it: the whole `POST /api/attachments` to make. */
export interface UploadRequest {
  /** The full URL of `POST /api/attachments`. */
  url: string;
  /** The access token (sent as `Authorization: Bearer`). */
  token: string;
  file: { name: string; type: string; bytes: Uint8Array };
  /** Bytes of the file sent so far, and the file's size. */
  onProgress(loaded: number, total: number): void;
  /** Aborting it must stop the request and reject. */
  signal: AbortSignalLike;
}

/** The server's answer: status and body text. A network failure or an abort rejects instead. */
export interface UploadAnswer {
  status: number;
  body: string;
}

export type UploadTransport = (request: UploadRequest) => Promise<UploadAnswer>;

/** Chunks of this size are handed to the network; progress moves by as much. */
const CHUNK_BYTES = 64 * 1024;

/** A `filename` parameter value as browsers write it in multipart (HTML's form encoding). */
function quoted(value: string): string {
  return value.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** The multipart framing around one part named `file`. */
export function multipartFrame(
  boundary: string,
  name: string,
  type: string,
): { head: Uint8Array; tail: Uint8Array } {
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="file"; filename="${quoted(name)}"\r\n` +
    `Content-Type: ${type.replace(/[\r\n]/g, '') || 'application/octet-stream'}\r\n\r\n`;
  return { head: utf8Encode(head), tail: utf8Encode(`\r\n--${boundary}--\r\n`) };
}

interface StreamController {
  enqueue(chunk: Uint8Array): void;
  close(): void;
  error(reason: unknown): void;
}
type ReadableStreamCtor = new (
  source: { pull(controller: StreamController): void; cancel?(): void },
  strategy?: { highWaterMark: number },
) => unknown;
type StreamingFetch = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: unknown;
    duplex: 'half';
    signal: AbortSignalLike;
  },
) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * The default transport: `fetch` with a streamed body (`duplex: 'half'`, Node 18+). The
 * stream hands out one chunk each time fetch asks for one (no read-ahead), so progress is
 * what the connection has taken, not what was merely queued.
 */
export function createFetchUploadTransport(fetchFn?: StreamingFetch): UploadTransport {
  return async ({ url, token, file, onProgress, signal }) => {
    const g = globalThis as unknown as { fetch: StreamingFetch; ReadableStream: ReadableStreamCtor };
    const doFetch = fetchFn ?? g.fetch;
    const boundary = `ParleyBoundary${randomId().replaceAll('-', '')}`;
    const { head, tail } = multipartFrame(boundary, file.name, file.type);
    const bytes = file.bytes;
    const total = bytes.byteLength;
    let stage = 0; // 0: head, 1: file, 2: tail, 3: done
    let offset = 0;
    const body = new g.ReadableStream(
      {
        pull(controller) {
          if (stage === 0) {
            controller.enqueue(head);
            stage = 1;
            onProgress(0, total);
          } else if (stage === 1) {
            const end = Math.min(offset + CHUNK_BYTES, total);
            controller.enqueue(bytes.subarray(offset, end));
            offset = end;
            onProgress(offset, total);
            if (offset >= total) stage = 2;
          } else if (stage === 2) {
            controller.enqueue(tail);
            stage = 3;
          } else {
            controller.close();
          }
        },
      },
      { highWaterMark: 0 },
    );
    const response = await doFetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: 'half',
      signal,
    });
    return { status: response.status, body: await response.text() };
  };
}
