import { describe, expect, it } from 'vitest';
import type { MessageView } from '@parley/shared';
import { permissionsFor, quoteText } from './actions';

const msg = (over: Partial<MessageView> = {}): MessageView => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 4,
  senderId: 'me',
  clientId: 'k1',
  kind: 'text',
  body: 'hello',
  createdAt: '2026-11-30T12:00:00.000Z',
  status: 'sent',
  ...over,
});

describe('permissionsFor', () => {
  it('lets authors edit and delete, admins delete others, nobody act on deleted or pending ones', () => {
    expect(permissionsFor(msg(), 'me', false)).toEqual({
      reply: true,
      edit: true,
      remove: true,
      react: true,
      copy: true,
    });
    expect(permissionsFor(msg({ senderId: 'a' }), 'me', false)).toMatchObject({ edit: false, remove: false });
    expect(permissionsFor(msg({ senderId: 'a' }), 'me', true)).toMatchObject({ edit: false, remove: true });
    expect(permissionsFor(msg({ deletedAt: 'x', body: '' }), 'me', true)).toEqual({
      reply: false,
      edit: false,
      remove: false,
      react: false,
      copy: false,
    });
    expect(permissionsFor(msg({ status: 'pending', seq: 0 }), 'me', false)).toMatchObject({
      edit: false,
      react: false,
      copy: true,
    });
  });
});

describe('quoteText', () => {
  it('flattens formatting and shortens', () => {
    expect(quoteText('**bold**\n> quote `x`')).toBe('bold quote x');
    expect(quoteText('a'.repeat(200), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
