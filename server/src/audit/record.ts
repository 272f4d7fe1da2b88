import type { AuditAction } from '@parley/shared';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Repository } from '../storage/repository.js';

export interface AuditEvent {
  action: AuditAction;
  actorId?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Records a security-relevant event twice: a JSON log line with `audit: true` (for a log
 * shipper) and a row in `audit_log` (for admins: `GET /api/admin/audit`, `parley-server admin
 * audit`). The action has already happened when this runs, so a failed write is logged, never
 * turned into a failed request.
 */
export async function recordAudit(
  ctx: { repo: Repository; logger: FastifyBaseLogger },
  request: FastifyRequest | null,
  event: AuditEvent,
): Promise<void> {
  const entry = {
    at: new Date().toISOString(),
    action: event.action,
    actorId: event.actorId ?? null,
    targetId: event.targetId ?? null,
    ip: request?.ip ?? null,
    details: event.details ?? {},
  };
  const log = request?.log ?? ctx.logger;
  log.info({ audit: true, ...entry }, `audit: ${entry.action}`);
  try {
    await ctx.repo.appendAudit(entry);
  } catch (err) {
    log.error({ err, action: entry.action }, 'could not store an audit entry');
  }
}
