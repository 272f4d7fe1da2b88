/**
 * The client's handler table: one entry per server→client event of the contract. The
 * `satisfies` below makes a new event in `ServerToClientEvents` a compile error here until
 * it is handled. Handlers get payloads already parsed with `serverEventSchemas` (see
 * connection.ts) and hand them to the module that owns that part of the state.
 */
import { serverEventSchemas, type ServerToClientEvents } from '../protocol/socket.js';
import type { ClientContext } from './context.js';

/** Every event name the server may send. */
export type ServerEventName = keyof ServerToClientEvents;

/** A handler per event, taking that event's parsed payload. */
export type ServerEventHandlers = {
  [E in ServerEventName]: (event: Parameters<ServerToClientEvents[E]>[0]) => void;
};

/** The client's handler table: each event goes to the module that owns its state. */
export function createEventHandlers(ctx: ClientContext) {
  return {
    'message:new': ({ message }) => ctx.messages.applyLive(message),
    'message:updated': ({ message }) => ctx.messages.applyLive(message),
    typing: (event) => ctx.typing.remoteTyping(event),
    'messages:read': (event) => ctx.reads.remoteRead(event),
    'user:online': ({ userId }) => ctx.presence.online(userId),
    'user:offline': ({ userId, lastSeenAt }) => ctx.presence.offline(userId, lastSeenAt),
    'user:updated': ({ user }) => ctx.conversations.updateUser(user),
    'conversation:new': ({ conversation }) => ctx.conversations.add([conversation]),
    'conversation:updated': ({ conversation }) => ctx.conversations.replaceMetadata(conversation),
    'conversation:removed': ({ conversationId }) => ctx.conversations.removed(conversationId),
    'session:ended': ({ reason }) => void ctx.session.endSession(sessionEndedText(reason)),
    'sync:needed': () => ctx.catchUp.resync('the server may have missed live events', { spreadMs: 3000 }),
    'call:incoming': (event) => ctx.calls.incoming(event),
    'call:accepted': (event) => ctx.calls.accepted(event),
    'call:ended': (event) => ctx.calls.ended(event),
    'call:offer': (event) => ctx.calls.signal('call:offer', event),
    'call:answer': (event) => ctx.calls.signal('call:answer', event),
    'call:ice-candidate': (event) => ctx.calls.signal('call:ice-candidate', event),
  } satisfies ServerEventHandlers;
}

/** What the sign-in screen says after `session:ended`. */
export function sessionEndedText(
  reason: Parameters<ServerToClientEvents['session:ended']>[0]['reason'],
): string {
  switch (reason) {
    case 'logout':
      return 'You signed out of this session on another device.';
    case 'revoked':
      return 'This session was ended from another device. Please sign in again.';
    case 'password_changed':
      return 'Your password was changed. Please sign in with the new password.';
    case 'deactivated':
      return 'This account was deactivated.';
  }
}

/** Every event name of the contract, for binding a socket. */
export const SERVER_EVENTS = Object.keys(serverEventSchemas) as ServerEventName[];

/**
 * Parses `payload` with the contract's schema for `name` and hands it to that event's
 * handler. False (and no handler runs) when the event is unknown or does not parse: the
 * caller then refetches rather than apply something half-understood.
 */
export function dispatchServerEvent(handlers: ServerEventHandlers, name: string, payload: unknown): boolean {
  if (!(SERVER_EVENTS as string[]).includes(name)) return false;
  const event = name as ServerEventName;
  const parsed = serverEventSchemas[event].safeParse(payload);
  if (!parsed.success) return false;
  (handlers[event] as (event: unknown) => void)(parsed.data);
  return true;
}
