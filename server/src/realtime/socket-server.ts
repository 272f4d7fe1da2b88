import { conversationRefSchema } from '@parley/shared';
import type { ExtendedError } from 'socket.io';
import { callHandlers } from '../calls/index.js';
import { rooms, type CallsContext, type ParleySocket, type ServerContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { messageHandlers } from '../messages/handlers.js';
import { on, registerHandlers, type EventHandlers } from './handlers.js';
import { TypingTracker } from './typing.js';

/**
 * What the handshake looked up, used in 'connection' without an await: the conversation ids
 * (the client may fetch its catch-up right after 'connect', and by then the socket must
 * already be in its rooms), and the repository's access epoch from before that look-up.
 */
const handshakes = new WeakMap<ParleySocket, { conversationIds: string[]; epoch: number | undefined }>();

/**
 * Wires Socket.IO: the handshake check, rooms, presence, and every client event. Each event
 * goes through `handle` (validation, ack, never throws).
 */
export function attachSocketServer(ctx: ServerContext, calls: CallsContext): void {
  const { io, repo, presence, logger, tokens } = ctx;
  const typing = new TypingTracker(io);
  ctx.onClose(() => typing.close());
  // Other nodes' logouts and new conversations do not move this process's access epoch.
  const clustered = Boolean(ctx.config.redisUrl);

  // Refused before the connection exists: connect_error "unauthorized" with data.code.
  // One database look-up per accepted socket: the session check (as authenticateToken does
  // it for HTTP) and the conversation list come from one statement.
  io.use((socket, next) => {
    void (async () => {
      try {
        const auth = await tokens.verifyAccessToken(
          (socket.handshake.auth as { token?: unknown } | undefined)?.token,
        );
        const epoch = repo.accessEpoch?.();
        const conversationIds = await repo.sessionConversationIds(auth.sessionId, auth.userId);
        if (!conversationIds)
          throw new AppError('invalid_token', 'This session has ended; please sign in again');
        socket.data.userId = auth.userId;
        socket.data.sessionId = auth.sessionId;
        handshakes.set(socket, { conversationIds, epoch });
        next();
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'internal';
        if (!(err instanceof AppError)) logger.error({ err }, 'socket handshake failed');
        const error: ExtendedError = new Error('unauthorized');
        error.data = { code };
        next(error);
      }
    })();
  });

  io.on('connection', (socket) => {
    const { userId, sessionId } = socket.data;
    const start = handshakes.get(socket);
    handshakes.delete(socket);
    const conversationIds = start?.conversationIds ?? [];
    void socket.join([
      rooms.user(userId),
      rooms.session(sessionId),
      ...conversationIds.map(rooms.conversation),
    ]);
    // From now on a logout or a new conversation reaches this socket through its rooms. One
    // that finished between the handshake's look-up and now did not: then (or when this
    // process cannot know, with several nodes) the look-up runs again.
    const recheck = clustered || start?.epoch === undefined || repo.accessEpoch?.() !== start.epoch;

    // Every client event, in one table the compiler checks against the contract.
    registerHandlers(ctx, socket, {
      ...messageHandlers(ctx, socket, typing),
      ...typingHandlers(socket, typing),
      ...callHandlers(socket, calls),
    } satisfies EventHandlers);

    let counted = false;
    const connected = track(
      ctx,
      (async () => {
        let latest = conversationIds;
        if (recheck) {
          const current = await repo.sessionConversationIds(sessionId, userId);
          if (!current) {
            socket.disconnect(true);
            return;
          }
          const missing = current.filter((id) => !conversationIds.includes(id));
          if (missing.length > 0) void socket.join(missing.map(rooms.conversation));
          latest = current;
        }
        if (socket.disconnected) return;
        counted = true;
        if (await presence.connect(userId)) {
          socket
            .to(latest.map(rooms.conversation))
            .except(rooms.user(userId))
            .emit('user:online', { userId });
        }
      })().catch((err: unknown) => logger.error({ err, userId }, 'socket connect bookkeeping failed')),
    );

    socket.on('disconnect', () => {
      track(
        ctx,
        (async () => {
          await connected;
          if (!counted || !(await presence.disconnect(userId))) return;
          typing.stopAll(userId);
          await announceOffline(ctx, userId);
        })().catch((err: unknown) => logger.error({ err, userId }, 'socket disconnect bookkeeping failed')),
      );
    });
  });
}

/** Shutdown waits for these, so presence and lastSeenAt are written before the database closes. */
function track<T>(ctx: Pick<ServerContext, 'inflight'>, work: Promise<T>): Promise<T> {
  ctx.inflight.add(work);
  void work.finally(() => ctx.inflight.delete(work));
  return work;
}

/** The user's last device is gone: persist lastSeenAt and tell everyone sharing a conversation. */
export async function announceOffline(
  ctx: Pick<ServerContext, 'repo' | 'io' | 'presence'>,
  userId: string,
): Promise<void> {
  const lastSeenAt = new Date().toISOString();
  await ctx.repo.setLastSeen(userId, lastSeenAt);
  const ids = await ctx.repo.conversationIdsOfUser(userId);
  // A device that came back while we wrote (a page reload) has already said user:online; an
  // offline sent now would arrive after it and show someone online as gone.
  if (await ctx.presence.isOnline(userId)) return;
  if (ids.length > 0) ctx.io.to(ids.map(rooms.conversation)).emit('user:offline', { userId, lastSeenAt });
}

/** The user is online again as far as everyone sharing a conversation knows (after a Redis restart). */
export async function announceOnline(ctx: Pick<ServerContext, 'repo' | 'io'>, userId: string): Promise<void> {
  const ids = await ctx.repo.conversationIdsOfUser(userId);
  if (ids.length > 0)
    ctx.io.to(ids.map(rooms.conversation)).except(rooms.user(userId)).emit('user:online', { userId });
}

/**
 * Typing trusts the socket's rooms for membership: they are joined from the database on
 * connect and on conversation:new, and this event is too frequent for a query each time.
 */
function typingHandlers(
  socket: ParleySocket,
  typing: TypingTracker,
): Pick<EventHandlers, 'typing:start' | 'typing:stop'> {
  const { userId } = socket.data;
  return {
    'typing:start': on(conversationRefSchema, async ({ conversationId }) => {
      if (!socket.rooms.has(rooms.conversation(conversationId))) throw notFound();
      typing.start(conversationId, userId);
    }),
    'typing:stop': on(conversationRefSchema, async ({ conversationId }) => {
      if (!socket.rooms.has(rooms.conversation(conversationId))) throw notFound();
      typing.stop(conversationId, userId);
    }),
  };
}
