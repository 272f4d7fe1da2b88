import { z } from 'zod';

/** ISO 8601 UTC timestamp, e.g. `2026-11-22T10:00:00.000Z`. */
export const isoTime = z.string();

/** A user as others see them. `online`/`lastSeenAt` are present where presence is known. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  online: z.boolean().nullish(),
  lastSeenAt: isoTime.nullish(),
});
export type User = z.infer<typeof userSchema>;

export const messageKindSchema = z.enum(['text', 'call', 'system']);
export type MessageKind = z.infer<typeof messageKindSchema>;

export const callMediaSchema = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof callMediaSchema>;

export const callOutcomeSchema = z.enum(['completed', 'missed', 'rejected', 'cancelled']);
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

/** The record of a finished call, carried by a `kind: "call"` message. */
export const callRecordSchema = z.object({
  callId: z.string(),
  media: callMediaSchema,
  outcome: callOutcomeSchema,
  durationSeconds: z.number().nullish(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Per conversation, starts at 1, increases by exactly 1 per stored message. */
  seq: z.number().int(),
  senderId: z.string(),
  clientId: z.string(),
  kind: messageKindSchema,
  body: z.string(),
  replyToId: z.string().nullish(),
  createdAt: isoTime,
  editedAt: isoTime.nullish(),
  deletedAt: isoTime.nullish(),
  call: callRecordSchema.nullish(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationTypeSchema = z.enum(['direct', 'group']);
export type ConversationType = z.infer<typeof conversationTypeSchema>;

/** A conversation as seen by one member: `readSeq` and `unreadCount` are that member's. */
export const conversationSchema = z.object({
  id: z.string(),
  type: conversationTypeSchema,
  title: z.string().nullish(),
  members: z.array(userSchema),
  lastMessage: messageSchema.nullish(),
  lastSeq: z.number().int(),
  readSeq: z.number().int(),
  unreadCount: z.number().int(),
  createdAt: isoTime,
});
export type Conversation = z.infer<typeof conversationSchema>;
