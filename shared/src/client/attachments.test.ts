/**
 * The attachments module over a stand-in transport: token refresh on 401, refusals mapped to
 * codes, progress throttling, cancel, and the files a queued message shows.
 */
import { describe, expect, it, vi } from 'vitest';
import type { UploadProgress } from '../host-api.js';
import { createClientContext } from './client.js';
import type { ClientContext } from './context.js';
import { ok } from './http.js';
import { createMemoryStorage } from './memory-storage.js';
import { ME } from './module-test-support.js';
import type { UploadRequest, UploadTransport } from './upload-transport.js';

const stored = {
  id: 'att1',
  name: 'a.bin',
  contentType: 'application/octet-stream',
  size: 10,
  width: null,
  height: null,
  hasThumbnail: false,
};

/** A signed-in context whose tokens are `tok1`, then `tok2` after a refresh. */
function context(transport: UploadTransport): { ctx: ClientContext; dropped: () => number } {
  const ctx = createClientContext({ storage: createMemoryStorage(), uploadTransport: transport });
  let token = 'tok1';
  let drops = 0;
  ctx.session = {
    ...ctx.session,
    me: () => ME,
    serverUrl: () => 'http://test',
    ensureAccessToken: async () => ok(token),
    dropAccessToken: () => {
      drops++;
      token = 'tok2';
    },
  };
  ctx.running = true;
  return { ctx, dropped: () => drops };
}

const file = (size: number) => ({
  name: 'a.bin',
  type: 'application/octet-stream',
  bytes: new ArrayBuffer(size),
});

describe('attachments module', () => {
  it('refreshes the token once on 401 and uploads again', async () => {
    const seen: string[] = [];
    const { ctx, dropped } = context(async (request) => {
      seen.push(request.token);
      return request.token === 'tok1'
        ? { status: 401, body: '{"error":{"code":"token_expired","message":"expired"}}' }
        : { status: 201, body: JSON.stringify({ attachment: stored }) };
    });
    expect(await ctx.attachments.api.upload('u1', file(10))).toEqual({ ok: true, value: stored });
    expect(seen).toEqual(['tok1', 'tok2']);
    expect(dropped()).toBe(1);
    expect(ctx.attachments.uploadedInfo('att1')).toEqual(stored);
  });

  it('maps refusals and broken answers to codes', async () => {
    const answers = [
      { status: 413, body: '' },
      { status: 415, body: '{"error":{"code":"unsupported_media_type","message":"not a png"}}' },
      { status: 429, body: '{"error":{"code":"rate_limited","message":"slow down"}}' },
      { status: 201, body: 'not json' },
      { status: 201, body: '{"attachment":{"id":5}}' },
    ];
    const { ctx } = context(async () => answers.shift()!);
    expect(await ctx.attachments.api.upload('a', file(3))).toMatchObject({ code: 'too_large' });
    expect(await ctx.attachments.api.upload('b', file(3))).toMatchObject({
      code: 'unsupported_media_type',
      error: 'not a png',
    });
    expect(await ctx.attachments.api.upload('c', file(3))).toMatchObject({ code: 'rate_limited' });
    expect(await ctx.attachments.api.upload('d', file(3))).toMatchObject({ code: 'bad_response' });
    expect(await ctx.attachments.api.upload('e', file(3))).toMatchObject({ code: 'bad_response' });
    // Not even sent: bad input.
    expect(await ctx.attachments.api.upload('', file(3))).toMatchObject({ code: 'invalid_input' });
    expect(
      await ctx.attachments.api.upload('f', { name: 'x', type: '', bytes: 'text' as unknown as ArrayBuffer }),
    ).toMatchObject({ code: 'invalid_input' });
    expect(answers).toEqual([]);
  });

  it('sends progress at most every 2 % (plus first and last), for its own upload id', async () => {
    const { ctx } = context(async (request) => {
      const total = request.file.bytes.byteLength;
      for (let loaded = 0; loaded <= total; loaded += 1000) request.onProgress(loaded, total);
      return { status: 201, body: JSON.stringify({ attachment: stored }) };
    });
    const events: UploadProgress[] = [];
    const off = ctx.attachments.api.onUploadProgress((p) => events.push(p));
    await ctx.attachments.api.upload('u1', file(1_000_000));
    off();
    expect(events[0]).toEqual({ uploadId: 'u1', loaded: 0, total: 1_000_000 });
    expect(events.at(-1)).toEqual({ uploadId: 'u1', loaded: 1_000_000, total: 1_000_000 });
    expect(events.length).toBeLessThanOrEqual(52);
    expect(events.length).toBeGreaterThan(40);
  });

  it('cancels a running upload by id; the transport sees the abort', async () => {
    let request: UploadRequest | null = null;
    const { ctx } = context(
      (r) =>
        new Promise((_, reject) => {
          request = r;
          r.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const running = ctx.attachments.api.upload('u1', file(5));
    await vi.waitFor(() => expect(request).not.toBeNull());
    expect(await ctx.attachments.api.upload('u1', file(5))).toMatchObject({ code: 'invalid_input' });
    expect(await ctx.attachments.api.cancelUpload('u1')).toEqual({ ok: true, value: undefined });
    expect(await running).toMatchObject({ ok: false, code: 'cancelled' });
    expect(await ctx.attachments.api.cancelUpload('u1')).toMatchObject({ code: 'not_found' });
  });

  it('shows the files of a queued message on its pending row', async () => {
    const { ctx } = context(async () => ({ status: 201, body: JSON.stringify({ attachment: stored }) }));
    await ctx.attachments.api.upload('u1', file(10));
    const sent = await ctx.outbox.api.send('c1', '', { attachmentIds: ['att1'] });
    expect(sent.ok).toBe(true);
    const row = ctx.state().messages.c1?.items[0];
    expect(row).toMatchObject({ status: 'pending', body: '', attachments: [stored] });
    expect(ctx.outbox.entriesOf('c1')[0]).toMatchObject({ attachmentIds: ['att1'] });
  });
});
