import type { CallRecord, Message, MessageKind } from '@parley/shared';
import { rooms, type ParleySocket, type ServerContext } from '../context.js';

export interface PostMessageInput {
  conversationId: string;
  senderId: string;
  /** Idempotency key, unique per sender. Server-made messages use a deterministic one (e.g. `call:<callId>`). */
  clientId: string;
  kind: MessageKind;
  body: string;
  replyToId?: string | null;
  call?: CallRecord | null;
  /** Uploads of the sender, not sent yet, that the message carries. */
  attachmentIds?: readonly string[] | null;
}

/**
 * Stores a message and tells every member's devices, the one path for user messages and
 * server-made ones (call records). The broadcast goes out only after the commit, and only
 * for a new message: a repeated clientId returns the stored message and sends nothing.
 * `from` (the sending socket) is left out of the broadcast; it gets the ack instead.
 */
export async function postMessage(
  ctx: Pick<ServerContext, 'repo' | 'io'>,
  input: PostMessageInput,
  from?: ParleySocket,
): Promise<{ message: Message; created: boolean }> {
  const result = await ctx.repo.insertMessage({
    conversationId: input.conversationId,
    senderId: input.senderId,
    clientId: input.clientId,
    kind: input.kind,
    body: input.body,
    replyToId: input.replyToId ?? null,
    call: input.call ?? null,
    attachmentIds: input.attachmentIds ?? null,
    now: new Date().toISOString(),
  });
  if (result.created) {
    const room = rooms.conversation(input.conversationId);
    (from ? from.to(room) : ctx.io.to(room)).emit('message:new', { message: result.message });
  }
  return result;
}
