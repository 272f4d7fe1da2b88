import { z } from 'zod';

/**
 * Operations additions (issue 11): the audit log that server admins read. See docs/protocol.md,
 * "v1.1: operations".
 */

/** What an audit entry records. Names are `domain.what_happened`. */
export const AUDIT_ACTIONS = [
  'auth.registered',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh_reused',
  'account.password_changed',
  'account.session_revoked',
  'account.deactivated',
  'admin.deactivated',
  'admin.password_reset',
  'admin.role_changed',
  'admin.user_created',
  'invite.created',
  'invite.deleted',
  'server.new_epoch',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One audit entry, newest first in `GET /api/admin/audit`. */
export const auditEntrySchema = z.object({
  /** Increases with every entry: the `before` cursor of the next page. */
  id: z.number().int(),
  at: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  /** Who did it: null for the admin CLI and for failed sign-ins. */
  actorId: z.string().nullable(),
  /** Whom it was done to (a user), when that is someone. */
  targetId: z.string().nullable(),
  /** The client's address as the server saw it (after TRUST_PROXY), null from the CLI. */
  ip: z.string().nullable(),
  /** What else is worth knowing (a username tried, a role, a reason, `via: "cli"`). */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;

/** `GET /api/admin/audit?limit=&before=`. */
export const auditQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, AUDIT_MAX_LIMIT))
    .default(AUDIT_DEFAULT_LIMIT),
  before: z.coerce.number().int().min(1).optional(),
});

export interface AuditResponse {
  entries: AuditEntry[];
  /** True when older entries exist: ask again with `before` = the last entry's id. */
  more: boolean;
}
