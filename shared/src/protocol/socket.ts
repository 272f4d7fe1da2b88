import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import {
  ATTACHMENTS_PER_MESSAGE_MAX,
  CLIENT_ID_MAX,
  MESSAGE_BODY_MAX,
  REACTION_EMOJI_MAX,
} from './limits.js';
import {
  callMediaSchema,
  conversationSchema,
  isoTime,
  messageSchema,
  userSchema,
  type Message,
} from './models.js';

/**
 * The answer to every client→server event that takes an acknowledgement:
 * `{ ok: true, ...data }` or `{ ok: false, error }`.
 */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;

const id = z.string().min(1).max(64);

// ---- client → server payloads (validated by the server on every event) ----

export const messageSendSchema = z
  .object({
    conversationId: id,
    clientId: z.string().min(1).max(CLIENT_ID_MAX),
    body: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().max(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`)),
    replyToId: id.nullish(),
    /** v1.1: files uploaded by the sender (`POST /api/attachments`) and not yet sent. */
    attachmentIds: z
      .array(id)
      .min(1, 'must name at least one attachment (or leave it out)')
      .max(ATTACHMENTS_PER_MESSAGE_MAX, `at most ${ATTACHMENTS_PER_MESSAGE_MAX} attachments`)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an attachment')
      .nullish(),
  })
  // The body may be empty only when the message carries files.
  .refine((m) => m.body.length > 0 || (m.attachmentIds?.length ?? 0) > 0, {
    message: 'must not be empty',
    path: ['body'],
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

export const messageEditSchema = z.object({
  messageId: id,
  body: z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`),
    ),
});
export type MessageEditPayload = z.input<typeof messageEditSchema>;

export const messageDeleteSchema = z.object({ messageId: id });
export type MessageDeletePayload = z.infer<typeof messageDeleteSchema>;

export const messageReactSchema = z.object({
  messageId: id,
  emoji: z.string().min(1).max(REACTION_EMOJI_MAX),
  on: z.boolean(),
});
export type MessageReactPayload = z.infer<typeof messageReactSchema>;

// ---- server → client payloads ----
// Schemas on this side too: a client parses what arrives (a newer or broken server must not
// corrupt its state), and the types below are inferred from them.

export const messageNewEventSchema = z.object({ message: messageSchema });
export type MessageNewEvent = z.infer<typeof messageNewEventSchema>;

/** v1.1: a message was edited, deleted (tombstone) or its reactions changed. */
export const messageUpdatedEventSchema = z.object({ message: messageSchema });
export type MessageUpdatedEvent = z.infer<typeof messageUpdatedEventSchema>;

export const typingEventSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  typing: z.boolean(),
});
export type TypingEvent = z.infer<typeof typingEventSchema>;

export const messagesReadEventSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  seq: z.number().int(),
  readAt: isoTime,
});
export type MessagesReadEvent = z.infer<typeof messagesReadEventSchema>;

export const userOnlineEventSchema = z.object({ userId: z.string() });
export type UserOnlineEvent = z.infer<typeof userOnlineEventSchema>;

export const userOfflineEventSchema = z.object({ userId: z.string(), lastSeenAt: isoTime });
export type UserOfflineEvent = z.infer<typeof userOfflineEventSchema>;

/** v1.1: a user's profile changed or the account was deactivated. */
export const userUpdatedEventSchema = z.object({ user: userSchema });
export type UserUpdatedEvent = z.infer<typeof userUpdatedEventSchema>;

export const conversationNewEventSchema = z.object({ conversation: conversationSchema });
export type ConversationNewEvent = z.infer<typeof conversationNewEventSchema>;

/** v1.1: a rename, a member change or a role change. */
export const conversationUpdatedEventSchema = z.object({ conversation: conversationSchema });
export type ConversationUpdatedEvent = z.infer<typeof conversationUpdatedEventSchema>;

/** v1.1: the user was removed from the conversation, or left it. */
export const conversationRemovedEventSchema = z.object({ conversationId: z.string() });
export type ConversationRemovedEvent = z.infer<typeof conversationRemovedEventSchema>;

export const SESSION_END_REASONS = ['logout', 'revoked', 'password_changed', 'deactivated'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
/** v1.1: this login session is over; the client must not reconnect with it. */
export const sessionEndedEventSchema = z.object({ reason: z.enum(SESSION_END_REASONS) });
export type SessionEndedEvent = z.infer<typeof sessionEndedEventSchema>;

/**
 * The server may have dropped live events meant for this socket (its node lost Redis for a
 * while): the client runs its catch-up. Empty today; an object so reasons can be added.
 */
export const syncNeededEventSchema = z.object({});
export type SyncNeededEvent = z.infer<typeof syncNeededEventSchema>;

export const callIncomingEventSchema = z.object({
  callId: z.string(),
  conversationId: z.string(),
  from: userSchema,
  media: callMediaSchema,
});
export type CallIncomingEvent = z.infer<typeof callIncomingEventSchema>;

export const callAcceptedEventSchema = z.object({ callId: z.string(), userId: z.string() });
export type CallAcceptedEvent = z.infer<typeof callAcceptedEventSchema>;

export const callSignalEventSchema = z.object({
  callId: z.string(),
  from: z.string(),
  signal: z.record(z.string(), z.unknown()),
});
export type CallSignalEvent = z.infer<typeof callSignalEventSchema>;

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
export const callEndedEventSchema = z.object({
  callId: z.string(),
  reason: z.enum(CALL_END_REASONS),
});
export type CallEndedEvent = z.infer<typeof callEndedEventSchema>;

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
  'message:edit': (payload: MessageEditPayload, ack: AckCallback<{ message: Message }>) => void;
  'message:delete': (payload: MessageDeletePayload, ack: AckCallback<{ message: Message }>) => void;
  'message:react': (payload: MessageReactPayload, ack: AckCallback<{ message: Message }>) => void;
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
  'message:updated': (event: MessageUpdatedEvent) => void;
  'conversation:updated': (event: ConversationUpdatedEvent) => void;
  'conversation:removed': (event: ConversationRemovedEvent) => void;
  'user:updated': (event: UserUpdatedEvent) => void;
  'session:ended': (event: SessionEndedEvent) => void;
  'sync:needed': (event: SyncNeededEvent) => void;
}

/**
 * The schema of every server→client event's payload, keyed like `ServerToClientEvents`. The
 * `satisfies` makes a new event a compile error here until its schema is added; clients parse
 * with it before any handler runs.
 */
export const serverEventSchemas = {
  'message:new': messageNewEventSchema,
  'message:updated': messageUpdatedEventSchema,
  typing: typingEventSchema,
  'messages:read': messagesReadEventSchema,
  'user:online': userOnlineEventSchema,
  'user:offline': userOfflineEventSchema,
  'user:updated': userUpdatedEventSchema,
  'conversation:new': conversationNewEventSchema,
  'conversation:updated': conversationUpdatedEventSchema,
  'conversation:removed': conversationRemovedEventSchema,
  'session:ended': sessionEndedEventSchema,
  'sync:needed': syncNeededEventSchema,
  'call:incoming': callIncomingEventSchema,
  'call:accepted': callAcceptedEventSchema,
  'call:offer': callSignalEventSchema,
  'call:answer': callSignalEventSchema,
  'call:ice-candidate': callSignalEventSchema,
  'call:ended': callEndedEventSchema,
} satisfies { [E in keyof ServerToClientEvents]: z.ZodType<Parameters<ServerToClientEvents[E]>[0]> };

/**
 * The schema of every client→server event's payload, keyed like `ClientToServerEvents`: the
 * list of what a client may send (the fuzz and transport-limit suites go through all of it), and
 * the `satisfies` makes a new event a compile error here until it is added.
 */
export const clientEventSchemas = {
  'message:send': messageSendSchema,
  'typing:start': conversationRefSchema,
  'typing:stop': conversationRefSchema,
  'messages:read': messagesReadSchema,
  'call:initiate': callInitiateSchema,
  'call:accept': callRefSchema,
  'call:reject': callRefSchema,
  'call:cancel': callRefSchema,
  'call:end': callRefSchema,
  'call:offer': callSignalSchema,
  'call:answer': callSignalSchema,
  'call:ice-candidate': callSignalSchema,
  'message:edit': messageEditSchema,
  'message:delete': messageDeleteSchema,
  'message:react': messageReactSchema,
} satisfies { [E in keyof ClientToServerEvents]: z.ZodType };

/** Every event a client may send. */
export const clientEventNames = Object.keys(clientEventSchemas) as (keyof ClientToServerEvents)[];

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
