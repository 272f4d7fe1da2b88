import {
  addMembersRequestSchema,
  memberRoleRequestSchema,
  updateConversationRequestSchema,
  type Conversation,
  type ConversationResponse,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { rooms, type ServerContext } from '../context.js';
import { deleteAvatar, storeAvatar } from '../accounts/avatars.js';
import { notFound, parseInput } from '../errors.js';
import type { ConversationChangeResult } from '../storage/conversation-changes.js';
import { conversationWithPresence } from './routes.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const memberParams = idParams.extend({ userId: z.string().min(1).max(64) });

/**
 * Group management: add members, remove one (or leave), change a role, rename. The change
 * commits first (with its system message, which takes the next version); only then are
 * sockets moved between rooms and events sent, so no one hears of a change that did not
 * happen.
 */
export function registerMemberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/conversations/:id/members', async (request): Promise<ConversationResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    const { userIds } = parseInput(addMembersRequestSchema, request.body);
    const result = await ctx.repo.changeConversation({
      type: 'add',
      conversationId: id,
      actorId: userId,
      now: new Date().toISOString(),
      userIds,
    });
    if (result.message) await announce(ctx, id, result);
    return { conversation: await viewOf(ctx, id, userId) };
  });

  app.delete('/api/conversations/:id/members/:userId', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { id, userId: target } = parseInput(memberParams, request.params);
    const result = await ctx.repo.changeConversation({
      type: 'remove',
      conversationId: id,
      actorId: userId,
      now: new Date().toISOString(),
      userId: target,
    });
    await announce(ctx, id, result);
    return reply.code(204).send();
  });

  app.put('/api/conversations/:id/members/:userId/role', async (request): Promise<ConversationResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { id, userId: target } = parseInput(memberParams, request.params);
    const { role } = parseInput(memberRoleRequestSchema, request.body);
    const result = await ctx.repo.changeConversation({
      type: 'role',
      conversationId: id,
      actorId: userId,
      now: new Date().toISOString(),
      userId: target,
      role,
    });
    if (result.message) await announce(ctx, id, result);
    return { conversation: await viewOf(ctx, id, userId) };
  });

  app.patch('/api/conversations/:id', async (request): Promise<ConversationResponse> => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateConversationRequestSchema, request.body);
    // A non-member learns nothing (not even whether the upload is an image).
    if (!(await ctx.repo.isMember(id, userId))) throw notFound();
    if (body.avatarId !== undefined) {
      const avatarId = body.avatarId ? await storeAvatar(ctx, userId, body.avatarId) : null;
      const result = await ctx.repo
        .changeConversation({
          type: 'avatar',
          conversationId: id,
          actorId: userId,
          now: new Date().toISOString(),
          avatarId,
        })
        .catch(async (err: unknown) => {
          await deleteAvatar(ctx, avatarId);
          throw err;
        });
      if (result.message) await announce(ctx, id, result);
      await deleteAvatar(ctx, result.replacedAvatarId);
    }
    if (body.title !== undefined) {
      const result = await ctx.repo.changeConversation({
        type: 'rename',
        conversationId: id,
        actorId: userId,
        now: new Date().toISOString(),
        title: body.title,
      });
      if (result.message) await announce(ctx, id, result);
    }
    return { conversation: await viewOf(ctx, id, userId) };
  });
}

/** The conversation as one member sees it (their readSeq and unreadCount), with presence. */
async function viewOf(ctx: ServerContext, conversationId: string, userId: string): Promise<Conversation> {
  const conversation = await ctx.repo.getConversation(conversationId, userId);
  if (!conversation) throw notFound();
  return conversationWithPresence(ctx, conversation);
}

/**
 * Tells everyone what a committed change did, in the order a client needs it: a removed
 * member's devices leave the room (on every node, through the adapter) and hear
 * `conversation:removed` before anything else is said in the room; new members' devices join
 * and get `conversation:new`; then the system message goes to the room as `message:new`, and
 * every other member gets `conversation:updated` with the conversation as they see it.
 */
async function announce(
  ctx: ServerContext,
  conversationId: string,
  result: ConversationChangeResult,
): Promise<void> {
  const room = rooms.conversation(conversationId);
  if (result.removedUserId) {
    const removedRoom = rooms.user(result.removedUserId);
    // This node's sockets leave now; with the Redis adapter the cluster-wide leave is a
    // request every node handles when it arrives (this one included), so without the local
    // step the system message below would still reach this node's sockets of the removed
    // user. Other nodes get the leave before that message: both go out on one connection.
    ctx.io.local.in(removedRoom).socketsLeave(room);
    ctx.io.in(removedRoom).socketsLeave(room);
    ctx.io.to(removedRoom).emit('conversation:removed', { conversationId });
  }
  const added = new Set(result.addedUserIds);
  if (added.size > 0) {
    const addedRooms = [...added].map(rooms.user);
    // Local first, as for leaving above: the system message must reach them.
    ctx.io.local.in(addedRooms).socketsJoin(room);
    ctx.io.in(addedRooms).socketsJoin(room);
    await Promise.all(
      [...added].map(async (userId) => {
        const conversation = await viewOf(ctx, conversationId, userId).catch(() => undefined);
        if (conversation) ctx.io.to(rooms.user(userId)).emit('conversation:new', { conversation });
      }),
    );
  }
  if (result.message) ctx.io.to(room).emit('message:new', { message: result.message });
  // Read after the commit, so a change committed meanwhile cannot leave anyone out.
  const others = (await ctx.repo.memberIds(conversationId)).filter((id) => !added.has(id));
  await Promise.all(
    others.map(async (userId) => {
      // A member removed meanwhile by another change has nothing to hear.
      const conversation = await viewOf(ctx, conversationId, userId).catch(() => undefined);
      if (conversation) ctx.io.to(rooms.user(userId)).emit('conversation:updated', { conversation });
    }),
  );
}
