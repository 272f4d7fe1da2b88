import { randomBytes } from 'node:crypto';
import {
  createInviteRequestSchema,
  inviteCodeSchema,
  type Invite,
  type InviteResponse,
  type InvitesResponse,
} from '@parley/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../audit/record.js';
import type { ServerContext } from '../context.js';
import { AppError, notFound, parseInput } from '../errors.js';
import type { InviteRecord } from '../storage/invites.js';

const codeParams = z.object({ code: inviteCodeSchema });

/** 16 random bytes: unguessable, and short enough to read out. */
export const newInviteCode = () => randomBytes(16).toString('base64url');

/** `<origin>/invite/<code>`; the origin is PUBLIC_URL, else the one the request came to. */
export function inviteUrl(origin: string, code: string): string {
  return `${origin}/invite/${code}`;
}

export const toInvite = (record: InviteRecord, origin: string): Invite => ({
  code: record.code,
  url: inviteUrl(origin, record.code),
  maxUses: record.maxUses,
  uses: record.uses,
  expiresAt: record.expiresAt,
  ...(record.createdBy ? { createdBy: record.createdBy } : {}),
  createdAt: record.createdAt,
});

/** Invites: made by server admins (or any member with INVITES_BY=members), and the link page. */
export function registerInviteRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { repo, config } = ctx;
  // Behind a proxy, protocol and host follow X-Forwarded-* only when TRUST_PROXY says so.
  const originOf = (request: FastifyRequest) => config.publicUrl ?? `${request.protocol}://${request.host}`;

  /** The caller's role, or `forbidden` if they may not make invites at all. */
  async function inviter(userId: string): Promise<'admin' | 'user'> {
    const account = await repo.getAccount(userId);
    if (!account) throw new AppError('invalid_token', 'This account no longer exists');
    if (account.role !== 'admin' && config.invitesBy !== 'members') {
      throw new AppError('forbidden', 'Only server admins may make invites here');
    }
    return account.role;
  }

  app.post('/api/invites', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const body = parseInput(createInviteRequestSchema, request.body ?? {});
    await inviter(userId);
    const now = Date.now();
    const record = await repo.createInvite({
      code: newInviteCode(),
      createdBy: userId,
      createdAt: new Date(now).toISOString(),
      expiresAt: body.expiresInHours ? new Date(now + body.expiresInHours * 3_600_000).toISOString() : null,
      maxUses: body.maxUses ?? null,
    });
    await recordAudit(ctx, request, {
      action: 'invite.created',
      actorId: userId,
      details: { code: record.code, maxUses: record.maxUses, expiresAt: record.expiresAt },
    });
    const response: InviteResponse = { invite: toInvite(record, originOf(request)) };
    return reply.code(201).send(response);
  });

  app.get('/api/invites', async (request): Promise<InvitesResponse> => {
    const { userId } = await ctx.authenticate(request);
    const role = (await repo.getAccount(userId))?.role;
    const records = await repo.listInvites(role === 'admin' ? undefined : userId);
    return { invites: records.map((r) => toInvite(r, originOf(request))) };
  });

  app.delete('/api/invites/:code', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { code } = parseInput(codeParams, request.params);
    const role = (await repo.getAccount(userId))?.role;
    // Someone else's invite looks like no invite, unless the caller administers the server.
    if (!(await repo.deleteInvite(code, role === 'admin' ? undefined : userId))) throw notFound('invite');
    await recordAudit(ctx, request, { action: 'invite.deleted', actorId: userId, details: { code } });
    return reply.code(204).send();
  });

  // The link people are sent: hands the code to the web client, which opens sign-up with it.
  app.get('/invite/:code', async (request, reply) => {
    const parsed = codeParams.safeParse(request.params);
    if (!parsed.success) return reply.redirect('/');
    return reply.redirect(`/?invite=${encodeURIComponent(parsed.data.code)}`);
  });
}
