import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { CLIENT_ID_MAX, MESSAGE_BODY_MAX } from './limits.js';
import { callMediaSchema, type CallMedia, type Conversation, type Message, type User } from './models.js';

/**
 * The answer to every client→server event that takes an acknowledgement:
 * `{ ok: true, ...data }` or `{ ok: false, error }`.
 */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;

const id = z.string().min(1).max(64);

// ---- client → server payloads (validated by the server on every event) ----

export const messageSendSchema = z.object({
  conversationId: id,
  clientId: z.string().min(1).max(CLIENT_ID_MAX),
  body: z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`),
    ),
  replyToId: id.nullish(),
});
export type MessageSendPayload = z.input<typeof messageSendSchema>;

export const conversationRefSchema = z.object({ conversationId: id });
export type ConversationRef = z.infer<typeof conversationRefSchema>;

export const messagesReadSchema = z.object({ conversationId: id, seq: z.number().int().min(0) });
export type MessagesReadPayload = z.infer<typeof messagesReadSchema>;

export const callInitiateSchema = z.object({ conversationId: id, media: callMediaSchema });
export type CallInitiatePayload = z.infer<typeof callInitiateSchema>;

export const callRefSchema = z.object({ callId: id });
export type CallRef = z.infer<typeof callRefSchema>;

/** WebRTC signal data (SDP or ICE candidate), relayed untouched; bounded in size by the socket. */
export const callSignalSchema = z.object({
  callId: id,
  to: id.nullish(),
  signal: z.record(z.string(), z.unknown()),
});
export type CallSignalPayload = z.infer<typeof callSignalSchema>;

// ---- server → client payloads ----

export interface MessageNewEvent {
  message: Message;
}
export interface TypingEvent {
  conversationId: string;
  userId: string;
  typing: boolean;
}
export interface MessagesReadEvent {
  conversationId: string;
  userId: string;
  seq: number;
  readAt: string;
}
export interface UserOnlineEvent {
  userId: string;
}
export interface UserOfflineEvent {
  userId: string;
  lastSeenAt: string;
}
export interface ConversationNewEvent {
  conversation: Conversation;
}
export interface CallIncomingEvent {
  callId: string;
  conversationId: string;
  from: User;
  media: CallMedia;
}
export interface CallAcceptedEvent {
  callId: string;
  userId: string;
}
export interface CallSignalEvent {
  callId: string;
  from: string;
  signal: Record<string, unknown>;
}
export const CALL_END_REASONS = [
  'hangup',
  'rejected',
  'cancelled',
  'no_answer',
  'answered_elsewhere',
  'connection_lost',
  'busy',
] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];
export interface CallEndedEvent {
  callId: string;
  reason: CallEndReason;
}

/** Events a client emits. The server still validates every payload: types are not a guard. */
export interface ClientToServerEvents {
  'message:send': (payload: MessageSendPayload, ack: AckCallback<{ message: Message }>) => void;
  'typing:start': (payload: ConversationRef) => void;
  'typing:stop': (payload: ConversationRef) => void;
  'messages:read': (payload: MessagesReadPayload, ack: AckCallback) => void;
  'call:initiate': (payload: CallInitiatePayload, ack: AckCallback<{ callId: string }>) => void;
  'call:accept': (payload: CallRef, ack: AckCallback) => void;
  'call:reject': (payload: CallRef, ack: AckCallback) => void;
  'call:cancel': (payload: CallRef, ack: AckCallback) => void;
  'call:end': (payload: CallRef, ack: AckCallback) => void;
  'call:offer': (payload: CallSignalPayload, ack: AckCallback) => void;
  'call:answer': (payload: CallSignalPayload, ack: AckCallback) => void;
  'call:ice-candidate': (payload: CallSignalPayload, ack: AckCallback) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  'message:new': (event: MessageNewEvent) => void;
  typing: (event: TypingEvent) => void;
  'messages:read': (event: MessagesReadEvent) => void;
  'user:online': (event: UserOnlineEvent) => void;
  'user:offline': (event: UserOfflineEvent) => void;
  'conversation:new': (event: ConversationNewEvent) => void;
  'call:incoming': (event: CallIncomingEvent) => void;
  'call:accepted': (event: CallAcceptedEvent) => void;
  'call:offer': (event: CallSignalEvent) => void;
  'call:answer': (event: CallSignalEvent) => void;
  'call:ice-candidate': (event: CallSignalEvent) => void;
  'call:ended': (event: CallEndedEvent) => void;
}

/** Server-to-server events over the Redis adapter (`serverSideEmit`). */
export interface InterServerEvents {
  /** Ask every node to disconnect the sockets of a revoked login session. */
  'session:revoked': (sessionId: string) => void;
}

/** What the server keeps on each authenticated socket (`socket.data`). */
export interface SocketData {
  userId: string;
  /** The login session the access token belongs to; logout disconnects its sockets. */
  sessionId: string;
}

/** The three relayed WebRTC signaling events. */
export const CALL_SIGNAL_EVENTS = ['call:offer', 'call:answer', 'call:ice-candidate'] as const;
export type CallSignalEventName = (typeof CALL_SIGNAL_EVENTS)[number];
