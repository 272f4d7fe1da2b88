import type { CallEndReason } from '../protocol/socket.js';
import type { CallMedia, Conversation, Message, User } from '../protocol/models.js';

/**
 * The client's local state, as the renderer sees it. Produced by the client core's store as
 * immutable snapshots (a change makes a new object along the changed path only), so React can
 * read it with `useSyncExternalStore` and memoise on identity.
 */
export interface ClientState {
  session: SessionState;
  connection: ConnectionState;
  /** Progress of the catch-up that follows every (re)connect. */
  catchUp: CatchUpState;
  /** Every conversation of the user, most recent activity first. */
  conversations: Conversation[];
  /** Loaded message windows, by conversation id. */
  messages: Record<string, MessageWindow>;
  /** Who is typing, by conversation id (user ids, the current user never included). */
  typing: Record<string, string[]>;
  /** Presence by user id, for every user who shares a conversation with the current user. */
  presence: Record<string, Presence>;
  /**
   * Read positions of other members: conversation id → user id → highest read seq. Filled
   * from `members[].readSeq` (v1.1), `messages:read` and members' own messages; never moves
   * backwards. Read ticks are computed from it.
   */
  reads: Record<string, Record<string, number>>;
  /** The current call, if any (ringing, in progress, or just ended). */
  call: CallState | null;
  /**
   * The conversation on screen, as last told by `conversations.open()` (null: none).
   * Hosts use it to skip notifications for what the user is already looking at.
   * Optional only so that state literals written before it existed stay valid.
   */
  openConversationId?: string | null;
  /**
   * What the client knows of the server's contract (`GET /api/server`), so the UI can say
   * when the server is too old or too new. Optional like `openConversationId`.
   */
  server?: ServerStatus;
  /**
   * Things the user should be told once (a conversation they were removed from, an edit the
   * server refused), newest last; at most `MAX_NOTICES`. The UI shows each id once.
   */
  notices?: ClientNotice[];
}

/**
 * The server's contract as the client sees it:
 * - `unknown`: not asked yet (signed out, or not reachable yet);
 * - `compatible`: a v1.1 server (change feed, edits, reactions);
 * - `legacy`: a v1 server without `GET /api/server`: messaging works, edits and reactions
 *   and the change feed do not, and catch-up pages by seq;
 * - `too-old` / `too-new`: its `protocol` is not one this client speaks; `message` says so.
 */
export interface ServerStatus {
  compatibility: 'unknown' | 'compatible' | 'legacy' | 'too-old' | 'too-new';
  /** The server's `protocol`, when it said. */
  protocol: number | null;
  /** The server's name and version, when it said. */
  name: string | null;
  version: string | null;
  features: string[];
  /**
   * What the server accepts (`GET /api/server`'s `limits`), once known. Optional like the
   * other v1.1 fields, so state literals written before it existed stay valid.
   */
  limits?: { maxBodyLength: number; maxAttachmentBytes: number; maxAttachments: number } | null;
  /** A sentence for the user when the compatibility is not `compatible`. */
  message: string | null;
}

/** A one-off message for the user. */
export interface ClientNotice {
  /** Unique per client run; the UI remembers which it showed. */
  id: string;
  kind: 'conversation-removed' | 'operation-failed';
  text: string;
  conversationId: string | null;
}

/** The notices kept in `ClientState.notices`. */
export const MAX_NOTICES = 5;

export type SessionState =
  | { status: 'signed-out'; serverUrl: string | null; error: string | null }
  | { status: 'signing-in'; serverUrl: string }
  | {
      status: 'signed-in';
      serverUrl: string;
      user: User;
      /**
       * Counts `user:updated` events about the signed-in user. The server also sends one when an
       * admin changes the user's server role, which the profile does not show, so a view of the
       * account (its role) asks again when this moves. Absent: none yet.
       */
      accountRevision?: number;
    };

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Epoch ms of the next reconnect attempt while `reconnecting` (for a countdown). */
  nextRetryAt: number | null;
  /** Consecutive failed attempts since the last successful connect. */
  attempt: number;
  lastError: string | null;
}

export interface CatchUpState {
  active: boolean;
  /** Conversations fetched so far / conversations that had something new. */
  done: number;
  total: number;
}

/** A stored message, or one of ours still in the outbox (pending) or given up on (failed). */
export type MessageStatus = 'pending' | 'sent' | 'failed';
export interface MessageView extends Message {
  status: MessageStatus;
  /**
   * An edit, delete or reaction of ours waits in the outbox: the row already shows it, and
   * the server's copy replaces it once stored (or the original comes back if refused).
   */
  pendingChange?: boolean;
}

export interface MessageWindow {
  /** Ascending by seq; pending/failed messages of the current user come last. */
  items: MessageView[];
  /** True while older history may exist on the server (the first loaded seq is above 1). */
  hasOlder: boolean;
  loadingOlder: boolean;
}

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

export type CallPhase =
  /** We called and the callee's devices ring. */
  | 'outgoing'
  /** Someone calls us and this device rings. */
  | 'incoming'
  /** Accepted; WebRTC is connecting or connected. */
  | 'active'
  /** Finished; `endReason` says why. Cleared by `calls.dismiss()`. */
  | 'ended';

export interface CallState {
  callId: string;
  conversationId: string;
  media: CallMedia;
  phase: CallPhase;
  direction: 'outgoing' | 'incoming';
  /** The other participant (callee for outgoing calls, caller for incoming calls). */
  peer: User;
  /** True on the side that creates the WebRTC offer (the caller). */
  initiator: boolean;
  /** Epoch ms when the call was accepted, for the call timer. */
  startedAt: number | null;
  endReason: CallEndReason | null;
  /** Set when the call could not even start (e.g. `busy`, `unavailable`). */
  error: string | null;
}

export const initialClientState: ClientState = {
  session: { status: 'signed-out', serverUrl: null, error: null },
  connection: { status: 'idle', nextRetryAt: null, attempt: 0, lastError: null },
  catchUp: { active: false, done: 0, total: 0 },
  conversations: [],
  messages: {},
  typing: {},
  presence: {},
  reads: {},
  call: null,
  openConversationId: null,
  server: {
    compatibility: 'unknown',
    protocol: null,
    name: null,
    version: null,
    features: [],
    message: null,
  },
  notices: [],
};
