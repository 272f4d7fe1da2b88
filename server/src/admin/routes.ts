import {
  adminPasswordRequestSchema,
  adminUsersQuerySchema,
  serverRoleRequestSchema,
  type AdminUsersResponse,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { announceUserUpdated, deactivateAccount, requireServerAdmin } from '../accounts/service.js';
import { hashPassword } from '../auth/passwords.js';
import { endSessionSockets } from '../auth/sessions.js';
import { recordAudit } from '../audit/record.js';
import type { ServerContext } from '../context.js';
import { notFound, parseInput } from '../errors.js';

const userParams = z.object({ id: z.string().min(1).max(64) });
const ADMIN_USERS_LIMIT = 100;

/**
 * Server administration (contract v1.1; `PUT .../role` is this server's addition). Every
 * route checks the caller is an active server admin first: others get 403 and learn nothing
 * about the target, not even whether it exists.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { repo, config } = ctx;

  const admin = async (request: Parameters<ServerContext['authenticate']>[0]) => {
    const auth = await ctx.authenticate(request);
    await requireServerAdmin(ctx, auth.userId);
    return auth;
  };

  app.get('/api/admin/users', async (request): Promise<AdminUsersResponse> => {
    await admin(request);
    const { q } = parseInput(adminUsersQuerySchema, request.query);
    const users = await repo.listUsersForAdmin(q, ADMIN_USERS_LIMIT);
    const online = await ctx.presence.onlineOf(users.map((u) => u.id));
    return { users: users.map((u) => ({ ...u, online: online.has(u.id) })) };
  });

  app.post('/api/admin/users/:id/deactivate', async (request, reply) => {
    const { userId } = await admin(request);
    const { id } = parseInput(userParams, request.params);
    await deactivateAccount(ctx, id);
    await recordAudit(ctx, request, { action: 'admin.deactivated', actorId: userId, targetId: id });
    return reply.code(204).send();
  });

  app.post('/api/admin/users/:id/password', async (request, reply) => {
    const { userId } = await admin(request);
    const { id } = parseInput(userParams, request.params);
    const { newPassword } = parseInput(adminPasswordRequestSchema, request.body);
    const hash = await hashPassword(newPassword, config.scryptLogN);
    const revoked = await repo.setPassword(id, hash, new Date().toISOString());
    if (!revoked) throw notFound('user');
    endSessionSockets(ctx, revoked, 'password_changed');
    await recordAudit(ctx, request, {
      action: 'admin.password_reset',
      actorId: userId,
      targetId: id,
      details: { sessionsRevoked: revoked.length },
    });
    return reply.code(204).send();
  });

  app.put('/api/admin/users/:id/role', async (request) => {
    const { userId } = await admin(request);
    const { id } = parseInput(userParams, request.params);
    const { role } = parseInput(serverRoleRequestSchema, request.body);
    if (!(await repo.setServerRole(id, role))) throw notFound('user');
    const user = await repo.getUser(id);
    if (user) await announceUserUpdated(ctx, user, true);
    await recordAudit(ctx, request, {
      action: 'admin.role_changed',
      actorId: userId,
      targetId: id,
      details: { role },
    });
    return { role };
  });
}
