import type { ParleyHost, Unsubscribe } from '../host-api.js';
import type { Conversation, Message } from '../protocol/models.js';
import type { CallIncomingEvent } from '../protocol/socket.js';
import type { BinaryFetchLike, FetchLike } from './runtime.js';
import type { UploadTransport } from './upload-transport.js';
import type { ClientState } from './state.js';

/**
 * Key-value storage the host gives the client core: localStorage in the web host,
 * safeStorage-encrypted electron-store in the desktop host, a Map in tests. It keeps the
 * session (server URL, refresh token) and the outbox across restarts.
 */
export interface ClientStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Something that happened, for hosts that react to it (notifications, badges, sounds). */
export type ClientEvent =
  | {
      type: 'message';
      message: Message;
      conversation: Conversation;
      /** True for messages fetched by catch-up after a reconnect (summarise, don't notify each). */
      fromCatchUp: boolean;
    }
  | { type: 'call:incoming'; call: CallIncomingEvent }
  | { type: 'catch-up:done'; newMessages: number };

export interface ParleyClientOptions {
  storage: ClientStorage;
  /** The server used when none was stored (the web host passes its own origin). */
  defaultServerUrl?: string;
  /**
   * For tests and Node < 21 differences; defaults to the global fetch. Typed structurally
   * (`FetchLike`) because shared/ compiles without DOM or Node types; the global fetch of
   * Node and browsers fits it.
   */
  fetch?: FetchLike;
  /**
   * How uploads send their bytes with progress: the web host passes an XMLHttpRequest one
   * (browsers give upload progress only there); the default streams a fetch body (Node).
   */
  uploadTransport?: UploadTransport;
  /** For tests: the fetch that reads attachments' bytes (defaults to the global fetch). */
  binaryFetch?: BinaryFetchLike;
  /** Milliseconds; defaults to Date.now. */
  now?: () => number;
  /** Reconnect backoff: first delay and cap, in ms (defaults 500 ms and 30 s, with jitter). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Keep the conversation list and the newest messages in `storage` so a start without network
   * shows them (the web host; see state-cache.ts). Off by default.
   */
  cacheState?: boolean;
  /**
   * Runs the token refresh under a lock shared by every client core that uses the same
   * storage. Refresh tokens rotate and a reused one revokes the session, so two browser tabs
   * over one localStorage must not refresh at once. The web host passes
   * `(fn) => navigator.locks.request('parley-token-refresh', fn)`; a host with a single
   * client core (desktop) leaves it out. Inside the lock the client re-reads the stored token.
   */
  withRefreshLock?: <T>(refresh: () => Promise<T>) => Promise<T>;
}

/**
 * The client core: session, socket, catch-up, outbox and state, with no Electron or DOM
 * imports. Hosts wrap it: the web host hands it to the renderer as `window.parley`, the
 * desktop host runs it in Electron's main process and forwards over IPC.
 */
export interface ParleyClient extends Omit<ParleyHost, 'kind' | 'getState' | 'onState' | 'resyncState'> {
  /** Restores a stored session (and connects) if there is one. */
  start(): Promise<void>;
  /** Disconnects and stops timers; the stored session stays. */
  stop(): Promise<void>;
  getSnapshot(): ClientState;
  subscribe(listener: () => void): Unsubscribe;
  onEvent(listener: (event: ClientEvent) => void): Unsubscribe;
  /** Hosts call this when the OS says the network is back (`online` event, powerMonitor resume). */
  networkChanged(online: boolean): void;
}
