import { z } from 'zod';
import {
  DISPLAY_NAME_MAX,
  GROUP_MEMBERS_MAX,
  GROUP_TITLE_MAX,
  HISTORY_MAX_LIMIT,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_PATTERN,
} from './limits.js';
import type { Conversation, Message, User } from './models.js';

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

export interface ConversationResponse {
  conversation: Conversation;
}

export interface ConversationListResponse {
  conversations: Conversation[];
}

/** Query of `GET /api/conversations/:id/messages`. Numbers arrive as strings in a URL. */
export const historyQuerySchema = z.object({
  beforeSeq: z.coerce.number().int().min(1).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
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
}
