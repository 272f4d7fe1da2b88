import {
  messageDeleteSchema,
  messageEditSchema,
  messageReactSchema,
  messageSendSchema,
  messagesReadSchema,
} from '@parley/shared';
import { rooms, type ParleySocket, type ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { consume } from '../rate-limits.js';
import { on, type EventHandlers } from '../realtime/handlers.js';
import type { TypingTracker } from '../realtime/typing.js';
import { changeMessage, normaliseEmoji } from './actions.js';
import { postMessage } from './service.js';

type MessageEvents = 'message:send' | 'messages:read' | 'message:edit' | 'message:delete' | 'message:react';

/** The socket events on messages: send, read, edit, delete, react. */
export function messageHandlers(
  ctx: ServerContext,
  socket: ParleySocket,
  typing: TypingTracker,
): Pick<EventHandlers, MessageEvents> {
  const { userId } = socket.data;
  return {
    'message:send': on(messageSendSchema, async (data) => {
      try {
        await consume(ctx.limits.messages, userId, 'messages');
      } catch (err) {
        // A client draining its outbox after a reconnect retries what may already be stored;
        // those retries are answered even over the limit, since they store nothing new.
        const stored = await ctx.repo.findMessageByClientId(userId, data.clientId);
        if (stored) return { message: stored };
        throw err;
      }
      const { message } = await postMessage(
        ctx,
        {
          conversationId: data.conversationId,
          senderId: userId,
          clientId: data.clientId,
          kind: 'text',
          body: data.body,
          replyToId: data.replyToId ?? null,
          attachmentIds: data.attachmentIds ?? null,
        },
        socket,
      );
      // Sending ends "typing…" for the others without waiting for the client's typing:stop.
      typing.stop(message.conversationId, userId);
      return { message };
    }),

    // Read positions travel in members[].readSeq and this event; they take no version.
    'messages:read': on(messagesReadSchema, async ({ conversationId, seq }) => {
      const result = await ctx.repo.markRead(conversationId, userId, seq, new Date().toISOString());
      if (!result) throw notFound();
      if (result.changed) {
        // To every member's devices, the reader's other devices included (they clear their badge).
        socket
          .to(rooms.conversation(conversationId))
          .emit('messages:read', { conversationId, userId, seq: result.readSeq, readAt: result.readAt });
      }
    }),

    // Edits, deletes and reactions share the message rate limit: each one is a write that
    // reaches every member's devices, like a send.
    'message:edit': on(messageEditSchema, async ({ messageId, body }) => {
      await consume(ctx.limits.messages, userId, 'messages');
      return changeMessage(ctx, userId, messageId, { type: 'edit', body });
    }),
    'message:delete': on(messageDeleteSchema, async ({ messageId }) => {
      await consume(ctx.limits.messages, userId, 'messages');
      return changeMessage(ctx, userId, messageId, { type: 'delete' });
    }),
    'message:react': on(messageReactSchema, async ({ messageId, emoji, on: reacted }) => {
      const normalised = normaliseEmoji(emoji);
      await consume(ctx.limits.messages, userId, 'messages');
      return changeMessage(ctx, userId, messageId, { type: 'react', emoji: normalised, on: reacted });
    }),
  };
}
