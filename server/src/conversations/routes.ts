import {
  CHANGES_DEFAULT_LIMIT,
  changesQuerySchema,
  createConversationRequestSchema,
  HISTORY_DEFAULT_LIMIT,
  historyQuerySchema,
  USER_SEARCH_LIMIT,
  userSearchQuerySchema,
  type ChangesResponse,
  type Conversation,
  type ConversationListResponse,
  type MeResponse,
  type MessagesResponse,
  type User,
  type UserSearchResponse,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { rooms, type ServerContext } from '../context.js';
import { AppError, notFound, parseInput } from '../errors.js';
import { registerMemberRoutes } from './members.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** Adds `online` to users (or members) from the presence registry. */
export async function withPresence<U extends User>(
  ctx: Pick<ServerContext, 'presence'>,
  users: U[],
): Promise<U[]> {
  const online = await ctx.presence.onlineOf(users.map((u) => u.id));
  return users.map((u) => ({ ...u, online: online.has(u.id) }));
}

export async function conversationWithPresence(
  ctx: Pick<ServerContext, 'presence'>,
  c: Conversation,
): Promise<Conversation> {
  return { ...c, members: await withPresence(ctx, c.members) };
}

/** /api/me, /api/users, /api/conversations, history and the change feed. */
export function registerConversationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { repo } = ctx;
  registerMemberRoutes(app, ctx);

  app.get('/api/me', async (request): Promise<MeResponse> => {
    const { userId } = await ctx.authenticate(request);
    const user = await repo.getUser(userId);
    const account = await repo.getAccount(userId);
    if (!user || !account) throw new AppError('invalid_token', 'This account no longer exists');
    const [withOnline] = await withPresence(ctx, [user]);
    return { user: withOnline ?? user, serverRole: account.role };
  });

  // The caller is left out of the results: search is for finding someone to talk to.
  app.get('/api/users', async (request): Promise<UserSearchResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { q } = parseInput(userSearchQuerySchema, request.query);
    const users = await repo.searchUsers(q, {
      excludeUserId: userId,
      limit: USER_SEARCH_LIMIT,
      // USER_DIRECTORY=contacts: only people the caller already talks to, or an exact username.
      ...(ctx.config.userDirectory === 'contacts' ? { contactsOf: userId } : {}),
    });
    return { users: await withPresence(ctx, users) };
  });

  app.get('/api/conversations', async (request): Promise<ConversationListResponse> => {
    const { userId } = await ctx.authenticate(request);
    const conversations = await repo.listConversations(userId);
    const online = await ctx.presence.onlineOf([
      ...new Set(conversations.flatMap((c) => c.members.map((m) => m.id))),
    ]);
    return {
      conversations: conversations.map((c) => ({
        ...c,
        members: c.members.map((m) => ({ ...m, online: online.has(m.id) })),
      })),
    };
  });

  app.post('/api/conversations', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const body = parseInput(createConversationRequestSchema, request.body);
    let memberIds: string[];
    if (body.type === 'direct') {
      if (body.userId === userId) {
        throw new AppError('invalid_input', 'A direct conversation needs another user', {
          userId: 'must be someone other than yourself',
        });
      }
      memberIds = [userId, body.userId];
    } else {
      memberIds = [userId, ...body.memberIds];
    }
    const now = new Date().toISOString();
    const { conversationId, created } = await repo.createConversation({
      type: body.type,
      title: body.type === 'group' ? body.title : null,
      createdBy: userId,
      memberIds,
      now,
    });
    const stored = await repo.getConversation(conversationId, userId);
    if (!stored) throw notFound();
    const conversation = await conversationWithPresence(ctx, stored);
    if (created) {
      // Every device of every member joins the room now, then hears about it; the creator's
      // devices too (the one that asked gets the same conversation in this response).
      const memberRooms = conversation.members.map((m) => rooms.user(m.id));
      ctx.io.in(memberRooms).socketsJoin(rooms.conversation(conversationId));
      ctx.io.to(memberRooms).emit('conversation:new', { conversation });
    }
    return reply.code(created ? 201 : 200).send({ conversation });
  });

  app.get('/api/conversations/:id/messages', async (request): Promise<MessagesResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    const query = parseInput(historyQuerySchema, request.query);
    if (query.aroundSeq !== undefined && (query.afterSeq !== undefined || query.beforeSeq !== undefined)) {
      throw new AppError('invalid_input', 'aroundSeq picks the page alone', {
        aroundSeq: 'cannot be combined with afterSeq or beforeSeq',
      });
    }
    if (!(await repo.isMember(id, userId))) throw notFound();
    const messages = await repo.listMessages(id, {
      afterSeq: query.afterSeq,
      beforeSeq: query.beforeSeq,
      aroundSeq: query.aroundSeq,
      limit: query.limit ?? HISTORY_DEFAULT_LIMIT,
    });
    return { messages };
  });

  // v1.1 change feed: what changed after the version a client holds (see listChanges for
  // why the page never claims a version whose changes it left out).
  app.get('/api/conversations/:id/changes', async (request): Promise<ChangesResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    const query = parseInput(changesQuerySchema, request.query);
    if (!(await repo.isMember(id, userId))) throw notFound();
    const page = await repo.listChanges(id, query.sinceVersion, query.limit ?? CHANGES_DEFAULT_LIMIT);
    if (!page) throw notFound();
    return page;
  });
}
