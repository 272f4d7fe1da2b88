/**
 * Reads: our own read position (`markRead`, reads from our other devices, reads made offline
 * and sent after the next connect) and every other member's (`ClientState.reads`, from
 * `members[].readSeq`, `messages:read` and members' own messages), which read ticks use.
 */
import type { MessagesReadEvent } from '../protocol/socket.js';
import { emitWithAck } from './ack.js';
import type { ClientContext } from './context.js';
import { fail, ok, type Result } from './http.js';
import { isDefinitiveSendError } from './outbox.js';
import type { ClientState } from './state.js';
import { applyRead, replaceConversation, setReadReceipt } from './state-updates.js';

/** The module that owns read positions (`ClientState.reads`), as other modules reach it through `ctx`. */
export type ReadsModule = ReturnType<typeof createReads>;

/** Creates the module that owns read positions (`ClientState.reads`). */
export function createReads(ctx: ClientContext) {
  /** Reads made while disconnected (or unacknowledged), sent after the next connect. */
  const pendingReads = new Map<string, number>();

  function applyLocalRead(conversationId: string, seq: number): void {
    const me = ctx.session.me();
    if (!me) return;
    ctx.update((s) => {
      const conversation = s.conversations.find((c) => c.id === conversationId);
      if (!conversation) return s;
      return replaceConversation(s, applyRead(conversation, s.messages[conversationId], seq, me.id));
    });
  }

  function settled(conversationId: string, seq: number): void {
    const pending = pendingReads.get(conversationId);
    if (pending !== undefined && pending <= seq) pendingReads.delete(conversationId);
  }

  return {
    async markRead(conversationId: string, seq: number): Promise<Result<void>> {
      if (typeof conversationId !== 'string' || !Number.isInteger(seq) || seq < 0) {
        return fail('invalid_input', 'markRead needs a conversation id and a seq (an integer of at least 0)');
      }
      const conversation = ctx.state().conversations.find((c) => c.id === conversationId);
      if (conversation && seq <= conversation.readSeq) return ok(undefined);
      applyLocalRead(conversationId, seq);
      pendingReads.set(conversationId, Math.max(seq, pendingReads.get(conversationId) ?? 0));
      const s = ctx.connection.socket();
      // Offline (or mid catch-up) the read waits in pendingReads for the next connect.
      if (!s) return ok(undefined);
      const ack = await emitWithAck(s, 'messages:read', { conversationId, seq });
      if (ack.ok || isDefinitiveSendError(ack.code)) settled(conversationId, seq);
      return ack.ok ? ok(undefined) : ack;
    },

    /** `messages:read`: ours from another device clears unread here; others' move ticks. */
    remoteRead(event: MessagesReadEvent): void {
      const me = ctx.session.me();
      if (!me) return;
      if (event.userId === me.id) {
        applyLocalRead(event.conversationId, event.seq);
        settled(event.conversationId, event.seq);
        return;
      }
      ctx.update((s) =>
        setMemberRead(setReadReceipt(s, event.conversationId, event.userId, event.seq), event),
      );
    },

    /** Sends reads made while offline. False when the connection changed meanwhile. */
    async sendPending(gen: number): Promise<boolean> {
      for (const [conversationId, seq] of [...pendingReads]) {
        const s = ctx.connection.socket();
        if (!s || gen !== ctx.connection.generation()) return false;
        const ack = await emitWithAck(s, 'messages:read', { conversationId, seq });
        if (gen !== ctx.connection.generation()) return false;
        if ((ack.ok || isDefinitiveSendError(ack.code)) && pendingReads.get(conversationId) === seq)
          pendingReads.delete(conversationId);
      }
      return true;
    },

    /** A read not yet acknowledged, which an older server answer must not undo. */
    pending: (conversationId: string): number | undefined => pendingReads.get(conversationId),
    reset(): void {
      pendingReads.clear();
    },
  };
}

/** Moves `members[].readSeq` forward, so the conversation payload agrees with `reads`. */
function setMemberRead(s: ClientState, event: MessagesReadEvent): ClientState {
  const conversation = s.conversations.find((c) => c.id === event.conversationId);
  const member = conversation?.members.find((m) => m.id === event.userId);
  if (!conversation || !member || (member.readSeq ?? 0) >= event.seq) return s;
  const members = conversation.members.map((m) => (m.id === event.userId ? { ...m, readSeq: event.seq } : m));
  return replaceConversation(s, { ...conversation, members });
}
