import {
  changePasswordRequestSchema,
  deleteAccountRequestSchema,
  updateMeRequestSchema,
  type MeResponse,
  type SessionsResponse,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { endSessionSockets } from '../auth/sessions.js';
import { recordAudit } from '../audit/record.js';
import type { ServerContext } from '../context.js';
import { AppError, notFound, parseInput } from '../errors.js';
import { deleteAvatar, storeAvatar } from './avatars.js';
import { announceUserUpdated, deactivateAccount } from './service.js';

const sessionParams = z.object({ id: z.string().min(1).max(64) });

/** The caller's own account: profile, password, sessions, deactivation (contract v1.1). */
export function registerAccountRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { repo, config } = ctx;

  /** The caller's stored hash, checked like a login: a wrong password is `invalid_credentials`. */
  async function checkPassword(userId: string, password: string): Promise<void> {
    const account = await repo.getAccount(userId);
    if (!account) throw new AppError('invalid_token', 'This account no longer exists');
    if (!(await verifyPassword(password, account.passwordHash))) {
      throw new AppError('invalid_credentials', 'Wrong password');
    }
  }

  app.patch('/api/me', async (request): Promise<MeResponse> => {
    const { userId } = await ctx.authenticate(request);
    const body = parseInput(updateMeRequestSchema, request.body);
    // A picture is an upload of the caller's, stored resized before the profile names it.
    const previous = body.avatarId !== undefined ? (await repo.getUser(userId))?.avatarId : undefined;
    const avatarId = body.avatarId ? await storeAvatar(ctx, userId, body.avatarId) : body.avatarId;
    const user = await repo.updateProfile(userId, { ...body, avatarId }).catch(async (err: unknown) => {
      await deleteAvatar(ctx, avatarId);
      throw err;
    });
    if (!user) throw new AppError('invalid_token', 'This account no longer exists');
    if (body.avatarId !== undefined) await deleteAvatar(ctx, previous);
    await announceUserUpdated(ctx, user);
    const online = await ctx.presence.onlineOf([userId]);
    return { user: { ...user, online: online.has(userId) } };
  });

  app.post('/api/me/password', async (request, reply) => {
    const { userId, sessionId } = await ctx.authenticate(request);
    const body = parseInput(changePasswordRequestSchema, request.body);
    await checkPassword(userId, body.currentPassword);
    const hash = await hashPassword(body.newPassword, config.scryptLogN);
    const revoked = await repo.setPassword(userId, hash, new Date().toISOString(), sessionId);
    if (!revoked) throw new AppError('invalid_token', 'This account no longer exists');
    endSessionSockets(ctx, revoked, 'password_changed');
    await recordAudit(ctx, request, {
      action: 'account.password_changed',
      actorId: userId,
      targetId: userId,
      details: { sessionsRevoked: revoked.length },
    });
    return reply.code(204).send();
  });

  app.get('/api/me/sessions', async (request): Promise<SessionsResponse> => {
    const { userId, sessionId } = await ctx.authenticate(request);
    const sessions = await repo.listSessions(userId, new Date().toISOString());
    return {
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        ...(s.userAgent ? { userAgent: s.userAgent } : {}),
        current: s.id === sessionId,
      })),
    };
  });

  app.delete('/api/me/sessions/:id', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(sessionParams, request.params);
    // Someone else's session, or one already ended, is not found: ids reveal nothing.
    if (!(await repo.revokeSessionOfUser(userId, id, new Date().toISOString()))) throw notFound('session');
    endSessionSockets(ctx, [id], 'revoked');
    await recordAudit(ctx, request, {
      action: 'account.session_revoked',
      actorId: userId,
      targetId: userId,
      details: { sessionId: id },
    });
    return reply.code(204).send();
  });

  app.delete('/api/me', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { password } = parseInput(deleteAccountRequestSchema, request.body);
    await checkPassword(userId, password);
    await deactivateAccount(ctx, userId);
    await recordAudit(ctx, request, { action: 'account.deactivated', actorId: userId, targetId: userId });
    return reply.code(204).send();
  });
}
