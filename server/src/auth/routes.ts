import {
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  inviteCodeSchema,
  type AuthResponse,
  type TokenPair,
  type User,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/record.js';
import type { ServerContext } from '../context.js';
import { AppError, parseInput } from '../errors.js';
import { consume } from '../rate-limits.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { endSession, userAgentOf } from './sessions.js';
import { hashRefreshToken, newRefreshToken } from './tokens.js';

/** POST /api/auth/{register,login,refresh,logout}. */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { repo, tokens, config } = ctx;
  // Verified against when the username does not exist, so a miss costs as much as a hit and
  // response times do not reveal which usernames exist.
  const dummyHash = hashPassword('not a real password', config.scryptLogN);

  const refreshExpiry = () => new Date(Date.now() + config.refreshTokenTtlSeconds * 1000).toISOString();

  async function startSession(
    user: User,
    userAgent: string | string[] | undefined,
  ): Promise<AuthResponse & { sessionId: string }> {
    const refreshToken = newRefreshToken();
    const { sessionId } = await repo.createSession({
      userId: user.id,
      refreshTokenHash: hashRefreshToken(refreshToken),
      refreshExpiresAt: refreshExpiry(),
      userAgent: userAgentOf(userAgent),
    });
    const access = await tokens.issueAccessToken({ userId: user.id, sessionId });
    return { user, refreshToken, ...access, sessionId };
  }

  app.post('/api/auth/register', async (request, reply) => {
    const body = parseInput(registerRequestSchema, request.body);
    // Counted before the memory-hard hash: refused attempts cost the server nothing more.
    await consume(ctx.limits.registrations, request.ip, 'sign-ups from this address');
    const inviteCode = body.inviteCode || undefined;
    if (config.registration === 'closed') {
      throw new AppError('forbidden', 'Registration is closed on this server; ask its admin for an account');
    }
    if (config.registration === 'invite') {
      if (!inviteCode) throw new AppError('forbidden', 'This server needs an invite to register');
      if (!inviteCodeSchema.safeParse(inviteCode).success) {
        throw new AppError('forbidden', 'That invite code is not valid');
      }
    }
    const passwordHash = await hashPassword(body.password, config.scryptLogN);
    const user = await repo.createUser({
      username: body.username,
      displayName: body.displayName ?? body.username,
      passwordHash,
      // In open mode a code is not needed, so a stale one must not stand in the way.
      inviteCode: config.registration === 'invite' ? inviteCode : undefined,
    });
    const { sessionId, ...response } = await startSession(user, request.headers['user-agent']);
    await recordAudit(ctx, request, {
      action: 'auth.registered',
      actorId: user.id,
      targetId: user.id,
      details: { username: user.username, sessionId, ...(inviteCode ? { invite: true } : {}) },
    });
    return reply.code(201).send(response);
  });

  app.post('/api/auth/login', async (request) => {
    const body = parseInput(loginRequestSchema, request.body);
    const limitKey = `${body.username}|${request.ip}`;
    await consume(ctx.limits.loginByAddress, request.ip, 'login attempts from this address');
    await consume(ctx.limits.login, limitKey, 'login attempts');
    const found = await repo.findCredentials(body.username);
    const ok = await verifyPassword(body.password, found?.passwordHash ?? (await dummyHash));
    if (!found || !ok || found.user.deactivated) {
      await recordAudit(ctx, request, {
        action: 'auth.login_failed',
        targetId: found?.user.id ?? null,
        details: {
          username: body.username.slice(0, 64),
          reason: !found ? 'unknown_user' : !ok ? 'wrong_password' : 'deactivated',
        },
      });
      // Said only to whoever knows the password, so it reveals nothing to anyone else.
      if (found && ok) throw new AppError('invalid_credentials', 'This account has been deactivated');
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    await ctx.limits.login.delete(limitKey);
    const { sessionId, ...response } = await startSession(found.user, request.headers['user-agent']);
    await recordAudit(ctx, request, {
      action: 'auth.login',
      actorId: found.user.id,
      targetId: found.user.id,
      details: { sessionId },
    });
    return response;
  });

  app.post('/api/auth/refresh', async (request): Promise<TokenPair> => {
    const { refreshToken } = parseInput(refreshRequestSchema, request.body);
    const next = newRefreshToken();
    const result = await repo.rotateRefreshToken({
      oldHash: hashRefreshToken(refreshToken),
      newHash: hashRefreshToken(next),
      now: new Date().toISOString(),
      newExpiresAt: refreshExpiry(),
    });
    if (result.status === 'invalid') throw new AppError('invalid_token', 'Invalid or expired refresh token');
    if (result.status === 'reused') {
      // A rotated token came back: someone holds a copy. End the whole login session.
      request.log.warn(
        { userId: result.userId, sessionId: result.sessionId },
        'refresh token reused; session revoked',
      );
      await endSession(ctx, result.sessionId, 'revoked');
      await recordAudit(ctx, request, {
        action: 'auth.refresh_reused',
        targetId: result.userId,
        details: { sessionId: result.sessionId },
      });
      throw new AppError('refresh_reused', 'This refresh token was already used; please sign in again');
    }
    const access = await tokens.issueAccessToken({ userId: result.userId, sessionId: result.sessionId });
    return { refreshToken: next, ...access };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const { refreshToken } = parseInput(logoutRequestSchema, request.body);
    const session = await repo.findSessionByRefreshToken(hashRefreshToken(refreshToken));
    // Unknown tokens are fine: logging out twice is not an error.
    if (session) {
      await endSession(ctx, session.sessionId, 'logout');
      await recordAudit(ctx, request, {
        action: 'auth.logout',
        actorId: session.userId,
        targetId: session.userId,
        details: { sessionId: session.sessionId },
      });
    }
    return reply.code(204).send();
  });
}
