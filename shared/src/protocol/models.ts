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
  /** v1.1: the user's avatar image (`GET /api/users/:id/avatar`). */
  avatarId: z.string().nullish(),
  /** v1.1: the account was deactivated; shown as "Deleted user", cannot sign in. */
  deactivated: z.boolean().nullish(),
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
  /** v1.1: a missed call that never rang, because no device of the callee was online. */
  unavailable: z.boolean().nullish(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

/** v1.1: a file carried by a message. Images have `width`/`height` and usually a thumbnail. */
export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  width: z.number().int().nullish(),
  height: z.number().int().nullish(),
  hasThumbnail: z.boolean(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** v1.1: one emoji's reactions on a message; the list is in first-reaction order. */
export const reactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof reactionSchema>;

export const systemEventTypeSchema = z.enum([
  'renamed',
  'avatar_changed',
  'members_added',
  'member_removed',
  'member_left',
  'role_changed',
]);
export type SystemEventType = z.infer<typeof systemEventTypeSchema>;

/** v1.1: what a `kind: "system"` message records. */
export const systemEventSchema = z.object({
  type: systemEventTypeSchema,
  actorId: z.string(),
  userIds: z.array(z.string()).nullish(),
  title: z.string().nullish(),
  role: z.string().nullish(),
});
export type SystemEvent = z.infer<typeof systemEventSchema>;

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
  /**
   * v1.1: the conversation's `version` when this message last changed (stored, edited,
   * deleted, reacted to). Absent only from a v1 server.
   */
  version: z.number().int().nullish(),
  attachments: z.array(attachmentSchema).nullish(),
  reactions: z.array(reactionSchema).nullish(),
  system: systemEventSchema.nullish(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationTypeSchema = z.enum(['direct', 'group']);
export type ConversationType = z.infer<typeof conversationTypeSchema>;

export const memberRoleSchema = z.enum(['admin', 'member']);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/**
 * v1.1: a conversation member: the user plus their role and read position. A v1 server sends
 * plain users, so both extra fields may be absent.
 */
export const memberSchema = userSchema.extend({
  role: memberRoleSchema.nullish(),
  readSeq: z.number().int().nullish(),
});
export type Member = z.infer<typeof memberSchema>;

/** A conversation as seen by one member: `readSeq` and `unreadCount` are that member's. */
export const conversationSchema = z.object({
  id: z.string(),
  type: conversationTypeSchema,
  title: z.string().nullish(),
  members: z.array(memberSchema),
  lastMessage: messageSchema.nullish(),
  lastSeq: z.number().int(),
  readSeq: z.number().int(),
  unreadCount: z.number().int(),
  createdAt: isoTime,
  /**
   * Addition: who created the conversation. A client lists an empty direct conversation only
   * for its creator (see `isListedConversation`), so merely opening a chat with someone does
   * not put an empty one in their list.
   */
  createdBy: z.string().nullish(),
  /**
   * v1.1: the change feed position. Bumped by exactly 1 by every change to the conversation
   * or one of its messages, in commit order; read positions do not bump it.
   */
  version: z.number().int().nullish(),
  avatarId: z.string().nullish(),
});
export type Conversation = z.infer<typeof conversationSchema>;
