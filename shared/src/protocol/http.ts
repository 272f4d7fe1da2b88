import { z } from 'zod';
import {
  CHANGES_MAX_LIMIT,
  DISPLAY_NAME_MAX,
  GROUP_MEMBERS_MAX,
  GROUP_TITLE_MAX,
  HISTORY_MAX_LIMIT,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_PATTERN,
} from './limits.js';
import { memberRoleSchema, messageSchema, type Conversation, type Message, type User } from './models.js';

/** Usernames are compared case-insensitively, so they are normalised to lower case first. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USERNAME_PATTERN, 'must be 3 to 32 characters of a-z, 0-9, _ . -');

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(DISPLAY_NAME_MAX, `must be at most ${DISPLAY_NAME_MAX} characters`);

export const registerRequestSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  displayName: displayNameSchema.nullish(),
  /** v1.1: the code of an invite (`invite` registration mode). */
  inviteCode: z.string().trim().max(128).nullish(),
});
export type RegisterRequest = z.input<typeof registerRequestSchema>;

export const loginRequestSchema = z.object({
  // Login does not enforce the username pattern: a wrong username is just wrong credentials.
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(PASSWORD_MAX),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const logoutRequestSchema = refreshRequestSchema;
export type LogoutRequest = RefreshRequest;

/** What register and login answer. */
export interface AuthResponse {
  user: User;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

/** What refresh answers. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

export const userSearchQuerySchema = z.object({ q: z.string().trim().max(64).default('') });

export interface UserSearchResponse {
  users: User[];
}

export interface MeResponse {
  user: User;
  /**
   * The caller's own server role, on `GET /api/me` only (an addition to the contract: a
   * client shows its admin page from it). Nobody else's role is ever shown.
   */
  serverRole?: 'admin' | 'user';
}

export const createConversationRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('direct'), userId: z.string().min(1).max(64) }),
  z.object({
    type: z.literal('group'),
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(GROUP_TITLE_MAX, `must be at most ${GROUP_TITLE_MAX} characters`),
    memberIds: z.array(z.string().min(1).max(64)).max(GROUP_MEMBERS_MAX),
  }),
]);
export type CreateConversationRequest = z.infer<typeof createConversationRequestSchema>;

const groupTitleSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(GROUP_TITLE_MAX, `must be at most ${GROUP_TITLE_MAX} characters`);

/** v1.1: `POST /api/conversations/:id/members` (groups; admins). */
export const addMembersRequestSchema = z.object({
  userIds: z.array(z.string().min(1).max(64)).min(1, 'name at least one user').max(GROUP_MEMBERS_MAX),
});
export type AddMembersRequest = z.infer<typeof addMembersRequestSchema>;

/** v1.1: `PATCH /api/conversations/:id` (groups; admins). */
export const updateConversationRequestSchema = z.object({
  title: groupTitleSchema.optional(),
  avatarId: z.string().min(1).max(64).nullish(),
});
export type UpdateConversationRequest = z.infer<typeof updateConversationRequestSchema>;

/** v1.1: `PUT /api/conversations/:id/members/:userId/role` (admins). */
export const memberRoleRequestSchema = z.object({ role: memberRoleSchema });
export type MemberRoleRequest = z.infer<typeof memberRoleRequestSchema>;

export interface ConversationResponse {
  conversation: Conversation;
}

export interface ConversationListResponse {
  conversations: Conversation[];
}

/**
 * Query of `GET /api/conversations/:id/messages`. Numbers arrive as strings in a URL. At most
 * one of `beforeSeq`, `afterSeq` and `aroundSeq` (v1.1) picks the page.
 */
export const historyQuerySchema = z.object({
  beforeSeq: z.coerce.number().int().min(1).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  aroundSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, HISTORY_MAX_LIMIT))
    .optional(),
});
export type HistoryQuery = z.input<typeof historyQuerySchema>;

export interface MessagesResponse {
  messages: Message[];
}

/** v1.1: query of `GET /api/conversations/:id/changes`. */
export const changesQuerySchema = z.object({
  sinceVersion: z.coerce.number().int().min(0),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, CHANGES_MAX_LIMIT))
    .optional(),
});
export type ChangesQuery = z.input<typeof changesQuerySchema>;

/**
 * v1.1: one page of the change feed: the messages changed after `sinceVersion`, ascending by
 * `version`; `version` is the conversation's current one and `more` says a page follows.
 */
export const changesResponseSchema = z.object({
  messages: z.array(messageSchema),
  version: z.number().int(),
  more: z.boolean(),
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

/** v1.1: `GET /api/server`, what this server is and supports (no auth). */
export const serverInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  protocol: z.number().int(),
  registration: z.enum(['open', 'invite', 'closed']),
  invitesBy: z.enum(['admins', 'members']),
  limits: z.object({
    maxBodyLength: z.number().int(),
    maxAttachmentBytes: z.number().int(),
    maxAttachments: z.number().int(),
    /**
     * The largest Socket.IO packet the server takes, in bytes (an addition, issue 11): the
     * WebSocket message `42<ack id>["event",payload]` as UTF-8. A larger one closes the
     * transport unanswered; every packet within it is answered. Also the largest HTTP body
     * (uploads aside).
     */
    maxPacketBytes: z.number().int().optional(),
  }),
  features: z.array(z.string()),
  /**
   * Names this copy of the server's data (an addition, issue 11): a restore from a backup
   * changes it. A client that sees a different epoch than the one its cache came from drops
   * its cached conversations and messages instead of trusting the seqs it holds.
   */
  epoch: z.string().min(1).max(100).optional(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** An RTCIceServer as the browser's RTCPeerConnection takes it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceServersResponse {
  iceServers: IceServer[];
  ttlSeconds: number;
}

export interface HealthResponse {
  status: 'ok';
  version: string;
  protocol: number;
  uptimeSeconds: number;
  connections: number;
  authenticatedUsers: number;
  /** v1.1: the database's state; `/health` answers 503 when it is down. */
  database?: 'up' | 'down';
  /** v1.1: Redis's state, where the server uses Redis; 503 when it is down. */
  redis?: 'up' | 'down';
}
