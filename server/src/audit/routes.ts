import { auditQuerySchema, type AuditResponse } from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { requireServerAdmin } from '../accounts/service.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../errors.js';

/** `GET /api/admin/audit?limit=&before=`: the audit log, newest first, for server admins. */
export function registerAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/admin/audit', async (request): Promise<AuditResponse> => {
    const { userId } = await ctx.authenticate(request);
    await requireServerAdmin(ctx, userId);
    const page = parseInput(auditQuerySchema, request.query);
    return ctx.repo.listAudit(page);
  });
}
