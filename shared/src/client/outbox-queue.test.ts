import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from './memory-storage.js';
import { fakeSocket, message, testContext, withWindow } from './module-test-support.js';
import { parseOutbox } from './outbox.js';
import { STORAGE_KEYS } from './session.js';

describe('outbox module: any pending operation', () => {
  it('persists edits, deletes and reactions made offline, in order, and sends them on drain', async () => {
    const storage = createMemoryStorage();
    const ctx = testContext({ storage });
    await ctx.outbox.load('me');
    withWindow(ctx, [message(1, { senderId: 'me' }), message(2)]);
    expect((await ctx.outbox.api.edit('m1', '  fixed  ')).ok).toBe(true);
    expect((await ctx.outbox.api.delete('m1')).ok).toBe(true);
    expect((await ctx.outbox.api.react('m2', '👍', true)).ok).toBe(true);
    const persisted = parseOutbox(await storage.get(STORAGE_KEYS.outbox), 'me');
    expect(persisted.map((e) => e.op)).toEqual(['edit', 'delete', 'react']);
    expect(persisted[0]).toMatchObject({ messageId: 'm1', body: 'fixed', status: 'pending' });
    // Edits and deletes change rows that exist: no pending rows appear.
    expect(ctx.state().messages.c1!.items.map((m) => m.status)).toEqual(['sent', 'sent']);

    const { socket, emitted } = fakeSocket((event, payload) => {
      const id = (payload as { messageId: string }).messageId;
      return {
        ok: true,
        message: message(id === 'm1' ? 1 : 2, { senderId: id === 'm1' ? 'me' : 'a', version: 3 }),
      };
    });
    ctx.connection = { ...ctx.connection, socket: () => socket };
    await ctx.outbox.drain();
    expect(emitted.map(([event]) => event)).toEqual(['message:edit', 'message:delete', 'message:react']);
    expect(emitted[2]?.[1]).toEqual({ messageId: 'm2', emoji: '👍', on: true });
    await ctx.outbox.stop();
    expect(await storage.get(STORAGE_KEYS.outbox)).toBeNull();
  });

  it("keeps a reply's replyToId through persistence, on the pending row and on the wire", async () => {
    const storage = createMemoryStorage();
    const ctx = testContext({ storage });
    await ctx.outbox.load('me');
    withWindow(ctx, [message(1)]);
    expect((await ctx.outbox.api.send('c1', 'yes', { replyToId: 'm1' })).ok).toBe(true);
    expect(parseOutbox(await storage.get(STORAGE_KEYS.outbox), 'me')[0]).toMatchObject({ replyToId: 'm1' });
    expect(ctx.state().messages.c1!.items.at(-1)).toMatchObject({ status: 'pending', replyToId: 'm1' });
    const { socket, emitted } = fakeSocket(() => ({ ok: true, message: message(2, { senderId: 'me' }) }));
    ctx.connection = { ...ctx.connection, socket: () => socket };
    await ctx.outbox.drain();
    expect(emitted[0]?.[1]).toMatchObject({ conversationId: 'c1', body: 'yes', replyToId: 'm1' });
    await ctx.outbox.stop();
  });

  it('refuses operations on what is not a stored message, and drops a refused edit with a notice', async () => {
    const ctx = testContext();
    await ctx.outbox.load('me');
    withWindow(ctx, [message(1, { senderId: 'me' })]);
    const sent = await ctx.outbox.api.send('c1', 'pending');
    if (!sent.ok) throw new Error(sent.error);
    expect(await ctx.outbox.api.edit(sent.value.clientId, 'x')).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
    expect(await ctx.outbox.api.delete('nope')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await ctx.outbox.api.react('m1', '', true)).toMatchObject({ ok: false, code: 'invalid_input' });

    const { socket } = fakeSocket((event) =>
      event === 'message:edit'
        ? { ok: false, error: { code: 'forbidden', message: 'Not yours' } }
        : { ok: true, message: message(2, { senderId: 'me', clientId: sent.value.clientId }) },
    );
    ctx.connection = { ...ctx.connection, socket: () => socket };
    await ctx.outbox.api.edit('m1', 'again');
    await ctx.outbox.drain();
    expect(ctx.state().notices?.map((n) => n.text)).toEqual(['Could not edit the message: Not yours']);
    expect(ctx.outbox.entriesOf('c1')).toEqual([]);
  });

  it('refuses edits, deletes and reactions on a v1 server, which would never answer them', async () => {
    const ctx = testContext();
    await ctx.outbox.load('me');
    withWindow(ctx, [message(1, { senderId: 'me' })]);
    ctx.update((s) => ({ ...s, server: { ...s.server!, compatibility: 'legacy' } }));
    expect(await ctx.outbox.api.edit('m1', 'x')).toMatchObject({ ok: false, code: 'unsupported' });
    expect(await ctx.outbox.api.react('m1', '👍', true)).toMatchObject({ ok: false, code: 'unsupported' });
    expect((await ctx.outbox.api.send('c1', 'sends still work')).ok).toBe(true);
  });

  it('shows pending changes on their rows at once, keeps them over older copies, reverts a refusal', async () => {
    const ctx = testContext();
    await ctx.outbox.load('me');
    withWindow(ctx, [message(1, { senderId: 'me' }), message(2, { senderId: 'me' })]);
    await ctx.outbox.api.edit('m1', 'new words');
    await ctx.outbox.api.react('m2', '👍', true);
    const row = (id: string) => ctx.state().messages.c1!.items.find((m) => m.id === id)!;
    expect(row('m1')).toMatchObject({ body: 'new words', pendingChange: true, editedAt: expect.any(String) });
    expect(row('m2')).toMatchObject({ reactions: [{ emoji: '👍', userIds: ['me'] }], pendingChange: true });

    // The same version again (a catch-up page) does not hide the pending edit; a newer one
    // (someone else reacted) replaces the row, and the pending edit shows on it again.
    ctx.messages.applyStored('c1', [message(1, { senderId: 'me' })], 'catch-up');
    expect(row('m1').body).toBe('new words');
    ctx.messages.applyLive(
      message(1, { senderId: 'me', version: 3, reactions: [{ emoji: '❤️', userIds: ['a'] }] }),
    );
    expect(row('m1')).toMatchObject({
      body: 'new words',
      reactions: [{ emoji: '❤️', userIds: ['a'] }],
      pendingChange: true,
    });

    const { socket } = fakeSocket((event) =>
      event === 'message:edit'
        ? {
            ok: true,
            message: message(1, { senderId: 'me', version: 4, body: 'new words', editedAt: 'now' }),
          }
        : { ok: false, error: { code: 'forbidden', message: 'No reactions here' } },
    );
    ctx.connection = { ...ctx.connection, socket: () => socket };
    await ctx.outbox.drain();
    expect(row('m1')).toMatchObject({ body: 'new words', version: 4 });
    expect(row('m1').pendingChange).toBeUndefined();
    // The refused reaction is taken back: the row is the server's again.
    expect(row('m2')).toEqual({ ...message(2, { senderId: 'me' }), status: 'sent' });
  });
});
