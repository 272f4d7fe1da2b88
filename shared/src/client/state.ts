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
  /** Read receipts of other members: conversation id → user id → highest read seq. */
  reads: Record<string, Record<string, number>>;
  /** The current call, if any (ringing, in progress, or just ended). */
  call: CallState | null;
  /**
   * The conversation on screen, as last told by `conversations.open()` (null: none).
   * Hosts use it to skip notifications for what the user is already looking at.
   * Optional only so that state literals written before it existed stay valid.
   */
  openConversationId?: string | null;
}

export type SessionState =
  | { status: 'signed-out'; serverUrl: string | null; error: string | null }
  | { status: 'signing-in'; serverUrl: string }
  | { status: 'signed-in'; serverUrl: string; user: User };

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
};
