/**
 * `@parley/shared/client`: the client core. Session and token refresh, the socket with
 * reconnection, catch-up, the outbox and the state store, with no Node, DOM or Electron
 * imports; hosts inject storage and wrap it as `window.parley`.
 */
export { createParleyClient, STORAGE_KEYS, ACK_TIMEOUT_MS } from './client.js';
export { serverStatusFrom } from './server-info.js';
export { sessionEndedText } from './event-handlers.js';
export type { ClientEvent, ClientStorage, ParleyClient, ParleyClientOptions } from './types.js';
export * from './state.js';
export type { FetchLike, FetchResponseLike, BinaryFetchLike, AbortSignalLike } from './runtime.js';
export {
  createFetchUploadTransport,
  type UploadAnswer,
  type UploadRequest,
  type UploadTransport,
} from './upload-transport.js';
export type { ClientErrorCode } from './http.js';
export { normalizeServerUrl } from './http.js';
export type { OutboxDelete, OutboxEdit, OutboxEntry, OutboxReact, OutboxSend } from './outbox.js';
export { OUTBOX_STORAGE_KEY } from './outbox.js';
export {
  backoffDelay,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  type BackoffOptions,
} from './backoff.js';
export { createStore, type Store } from './store.js';
/** A ClientStorage kept in memory: for tests, and hosts that must not persist anything. */
export { createMemoryStorage } from './memory-storage.js';
