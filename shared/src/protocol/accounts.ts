import { z } from 'zod';
import { displayNameSchema, passwordSchema } from './http.js';
import { isoTime, userSchema } from './models.js';

/**
 * v1.1 accounts: profile, password, sessions, deactivation, invites and server
 * administration (docs/protocol.md). Request schemas validate on the server; response types
 * describe what clients get.
 */

/** `PATCH /api/me`. `avatarId: null` removes the picture. */
export const updateMeRequestSchema = z.object({
  displayName: displayNameSchema.optional(),
  avatarId: z.string().min(1).max(64).nullish(),
});
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

/** `POST /api/me/password`. The current password is checked like a login. */
export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

/** `DELETE /api/me`: deactivation, confirmed by the password. */
export const deleteAccountRequestSchema = z.object({ password: z.string().min(1).max(256) });
export type DeleteAccountRequest = z.infer<typeof deleteAccountRequestSchema>;

/** One login session of the caller (`GET /api/me/sessions`). */
export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime,
  userAgent: z.string().nullish(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export interface SessionsResponse {
  sessions: SessionInfo[];
}

/** Upper bounds of an invite: a year, and ten thousand uses. */
export const INVITE_MAX_HOURS = 24 * 365;
export const INVITE_MAX_USES = 10_000;

/** `POST /api/invites`. Absent: unlimited uses, no expiry. */
export const createInviteRequestSchema = z.object({
  maxUses: z.number().int().min(1).max(INVITE_MAX_USES).nullish(),
  expiresInHours: z.number().positive().max(INVITE_MAX_HOURS).nullish(),
});
export type CreateInviteRequest = z.infer<typeof createInviteRequestSchema>;

/** An invite. `createdBy` and `createdAt` are additions to the contract's shape. */
export const inviteSchema = z.object({
  code: z.string(),
  url: z.string(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
  expiresAt: isoTime.nullable(),
  createdBy: z.string().optional(),
  createdAt: isoTime.optional(),
});
export type Invite = z.infer<typeof inviteSchema>;

export interface InviteResponse {
  invite: Invite;
}
export interface InvitesResponse {
  invites: Invite[];
}

export const SERVER_ROLES = ['admin', 'user'] as const;
export const serverRoleSchema = z.enum(SERVER_ROLES);
export type ServerRole = z.infer<typeof serverRoleSchema>;

/** A user as server admins see them (`GET /api/admin/users`). */
export const adminUserSchema = userSchema.extend({
  role: serverRoleSchema,
  createdAt: isoTime,
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export interface AdminUsersResponse {
  users: AdminUser[];
}

export const adminUsersQuerySchema = z.object({ q: z.string().trim().max(64).default('') });

/** `POST /api/admin/users/:id/password`. */
export const adminPasswordRequestSchema = z.object({ newPassword: passwordSchema });
export type AdminPasswordRequest = z.infer<typeof adminPasswordRequestSchema>;

/** `PUT /api/admin/users/:id/role` (an addition to the contract). */
export const serverRoleRequestSchema = z.object({ role: serverRoleSchema });
export type ServerRoleRequest = z.infer<typeof serverRoleRequestSchema>;

/** Invite codes are 22 base64url characters; anything else is not one. */
export const inviteCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'not an invite code');
