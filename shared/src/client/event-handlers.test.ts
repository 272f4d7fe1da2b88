import { describe, expect, it, vi } from 'vitest';
import { serverEventSchemas } from '../protocol/socket.js';
import {
  createEventHandlers,
  dispatchServerEvent,
  SERVER_EVENTS,
  sessionEndedText,
  type ServerEventHandlers,
} from './event-handlers.js';
import { message, testContext } from './module-test-support.js';

function spies(): ServerEventHandlers {
  return Object.fromEntries(SERVER_EVENTS.map((name) => [name, vi.fn()])) as unknown as ServerEventHandlers;
}

describe('server events', () => {
  it('has a handler for every event of the contract', () => {
    const handlers = createEventHandlers(testContext());
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(serverEventSchemas).sort());
  });

  it('hands a parsed payload to its handler', () => {
    const handlers = spies();
    expect(dispatchServerEvent(handlers, 'message:new', { message: message(1), extra: 'dropped' })).toBe(
      true,
    );
    expect(handlers['message:new']).toHaveBeenCalledWith({ message: message(1) });
  });

  it('runs no handler for an unknown event or a payload that does not parse', () => {
    const handlers = spies();
    expect(dispatchServerEvent(handlers, 'message:exploded', {})).toBe(false);
    expect(dispatchServerEvent(handlers, 'message:new', { message: { ...message(1), seq: 'one' } })).toBe(
      false,
    );
    expect(dispatchServerEvent(handlers, 'typing', null)).toBe(false);
    expect(dispatchServerEvent(handlers, 'session:ended', { reason: 'bored' })).toBe(false);
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
  });

  it('session:ended signs out with the reason instead of reconnecting', () => {
    const ctx = testContext();
    const endSession = vi.fn(async () => undefined);
    ctx.session = { ...ctx.session, endSession };
    const handlers = createEventHandlers(ctx);
    expect(dispatchServerEvent(handlers, 'session:ended', { reason: 'revoked' })).toBe(true);
    expect(endSession).toHaveBeenCalledWith(sessionEndedText('revoked'));
  });

  it('sync:needed asks for a catch-up spread over a few seconds', () => {
    const ctx = testContext();
    const resync = vi.fn();
    ctx.catchUp = { ...ctx.catchUp, resync };
    const handlers = createEventHandlers(ctx);
    expect(dispatchServerEvent(handlers, 'sync:needed', {})).toBe(true);
    expect(resync).toHaveBeenCalledWith(expect.any(String), { spreadMs: 3000 });
  });

  it('says why a session ended', () => {
    expect(sessionEndedText('password_changed')).toMatch(/password was changed/);
    expect(sessionEndedText('deactivated')).toMatch(/deactivated/);
  });
});
