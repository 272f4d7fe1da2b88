/**
 * Files through the client core against the real server (see integration-support.ts): upload
 * with progress and cancel, reading back, refusals, and a message with files queued offline.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadProgress } from '../host-api.js';
import { createFetchUploadTransport } from './upload-transport.js';
import { newAbortController } from './runtime.js';
import { waitForState } from './test-support.js';
import { harness, runCleanups, server, signedUpClient, stored } from './integration-support.js';
import type { ParleyClient } from './types.js';

afterEach(runCleanups);

/** A 40×30 PNG, made by the same library the server uses. */
const PNG = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
  .png()
  .toBuffer();

const arrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** Waits until the client has read the server's limits (the check runs on connect). */
const limitsKnown = (client: ParleyClient) =>
  waitForState(client, (st) => Boolean(st.server?.limits), 'the server limits');

describe('client core: attachments', () => {
  it('uploads with byte progress, reads the bytes back, and keeps them from non-members', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bytes = randomBytes(3_000_000);
    const progress: UploadProgress[] = [];
    alice.client.attachments.onUploadProgress((p) => progress.push(p));
    const result = await alice.client.attachments.upload('u1', {
      name: 'données.bin',
      type: 'application/octet-stream',
      bytes: arrayBuffer(bytes),
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.value).toMatchObject({
      name: 'données.bin',
      size: bytes.length,
      contentType: 'application/octet-stream',
      hasThumbnail: false,
    });
    // Several steps, never backwards, ending at the whole file, all for this upload.
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.uploadId === 'u1' && p.total === bytes.length)).toBe(true);
    const loaded = progress.map((p) => p.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded.at(-1)).toBe(bytes.length);
    expect(loaded.some((n) => n > 0 && n < bytes.length)).toBe(true);

    const read = await alice.client.attachments.read(result.value.id, 'full');
    if (!read.ok) throw new Error(read.error);
    expect(Buffer.from(read.value.bytes).equals(bytes)).toBe(true);
    expect(read.value.contentType).toBe('application/octet-stream');
    // No thumbnail for a file that is not an image.
    expect(await alice.client.attachments.read(result.value.id, 'thumbnail')).toMatchObject({
      ok: false,
      code: 'not_found',
    });

    const mallory = await signedUpClient(s.url);
    expect(await mallory.client.attachments.read(result.value.id, 'full')).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await alice.client.attachments.read('../etc', 'full')).toMatchObject({ code: 'invalid_input' });
  });

  it('cancels a running upload by its id, and the id is free again afterwards', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bytes = randomBytes(20_000_000);
    let cancelled: Promise<unknown> | null = null;
    alice.client.attachments.onUploadProgress((p) => {
      if (p.loaded > 0 && !cancelled) cancelled = alice.client.attachments.cancelUpload('big');
    });
    const result = await alice.client.attachments.upload('big', {
      name: 'big.bin',
      type: '',
      bytes: arrayBuffer(bytes),
    });
    expect(result).toMatchObject({ ok: false, code: 'cancelled' });
    expect(await cancelled).toEqual({ ok: true, value: undefined });
    expect(await alice.client.attachments.cancelUpload('big')).toMatchObject({ code: 'not_found' });
    const again = await alice.client.attachments.upload('big', {
      name: 'a.txt',
      type: 'text/plain',
      bytes: arrayBuffer(Buffer.from('hello')),
    });
    expect(again).toMatchObject({ ok: true, value: { name: 'a.txt', contentType: 'text/plain', size: 5 } });
  });

  it('refuses a file over the server limit before sending it, empty files, and lying images', async () => {
    const s = await server({ maxAttachmentBytes: 100_000 });
    const alice = await signedUpClient(s.url);
    await limitsKnown(alice.client);
    const progress: UploadProgress[] = [];
    alice.client.attachments.onUploadProgress((p) => progress.push(p));
    const tooBig = await alice.client.attachments.upload('x', {
      name: 'big.bin',
      type: '',
      bytes: arrayBuffer(randomBytes(100_001)),
    });
    expect(tooBig).toMatchObject({ ok: false, code: 'too_large' });
    if (!tooBig.ok) expect(tooBig.error).toMatch(/big\.bin is larger than this server accepts \(100 KB\)/);
    expect(progress).toEqual([]);
    expect(
      await alice.client.attachments.upload('y', {
        name: 'e.txt',
        type: 'text/plain',
        bytes: new ArrayBuffer(0),
      }),
    ).toMatchObject({ ok: false, code: 'invalid_input' });
    const lying = await alice.client.attachments.upload('z', {
      name: 'cat.png',
      type: 'image/png',
      bytes: arrayBuffer(Buffer.from('not a png at all')),
    });
    expect(lying).toMatchObject({ ok: false, code: 'unsupported_media_type' });
  });

  it('the fetch transport streams to the server and reports its refusal of an oversize file (413)', async () => {
    const s = await server({ maxAttachmentBytes: 50_000 });
    const { accessToken } = await harness.registerUser(s.url);
    const seen: number[] = [];
    const answer = await createFetchUploadTransport()({
      url: `${s.url}/api/attachments`,
      token: accessToken,
      file: { name: 'big.bin', type: 'application/octet-stream', bytes: randomBytes(200_000) },
      onProgress: (loaded) => seen.push(loaded),
      signal: newAbortController().signal,
    }).catch((error: unknown) => ({ status: 0, body: String(error) }));
    // The server may answer before it has read the rest of the body; either way no file is kept.
    expect([413, 0]).toContain(answer.status);
    if (answer.status === 413)
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'too_large' } });
    expect(seen.length).toBeGreaterThan(0);
  });

  it('sends a message with files and no text, queued offline, after reconnecting; the other side sees the thumbnail', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    const id = created.value.id;
    await alice.client.conversations.open(id);
    await waitForState(bob.client, (st) => st.conversations.some((c) => c.id === id), 'conversation at bob');
    await bob.client.conversations.open(id);

    const image = await alice.client.attachments.upload('img', {
      name: 'dot.png',
      type: 'image/png',
      bytes: arrayBuffer(PNG),
    });
    const doc = await alice.client.attachments.upload('doc', {
      name: 'notes.txt',
      type: 'text/plain',
      bytes: arrayBuffer(Buffer.from('some notes')),
    });
    if (!image.ok || !doc.ok) throw new Error('upload failed');
    expect(image.value).toMatchObject({
      contentType: 'image/png',
      width: 40,
      height: 30,
      hasThumbnail: true,
    });

    alice.client.networkChanged(false);
    await waitForState(alice.client, (st) => st.connection.status === 'offline', 'alice offline');
    const sent = await alice.client.messages.send(id, '', { attachmentIds: [image.value.id, doc.value.id] });
    expect(sent.ok).toBe(true);
    // Shown at once, pending, with its files.
    const pending = await waitForState(
      alice.client,
      (st) => st.messages[id]?.items.some((m) => m.status === 'pending') ?? false,
      'the pending row',
    );
    const row = pending.messages[id]!.items.find((m) => m.status === 'pending')!;
    expect(row.attachments?.map((a) => a.name)).toEqual(['dot.png', 'notes.txt']);
    expect(row.body).toBe('');

    alice.client.networkChanged(true);
    const atBob = await waitForState(
      bob.client,
      (st) => stored(st.messages[id]?.items).some((m) => (m.attachments?.length ?? 0) === 2),
      'the message at bob',
    );
    const message = stored(atBob.messages[id]?.items).find((m) => m.attachments?.length)!;
    expect(message.body).toBe('');
    expect(message.attachments?.map((a) => a.id)).toEqual([image.value.id, doc.value.id]);
    const thumb = await bob.client.attachments.read(image.value.id, 'thumbnail');
    expect(thumb).toMatchObject({ ok: true, value: { contentType: expect.stringMatching(/^image\//) } });
    const full = await bob.client.attachments.read(doc.value.id, 'full');
    if (!full.ok) throw new Error(full.error);
    expect(Buffer.from(full.value.bytes).toString()).toBe('some notes');
  });

  it('refuses a text-less message without files, and more than ten files', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const created = await alice.client.conversations.createDirect(bob.user.id);
    if (!created.ok) throw new Error(created.error);
    expect(await alice.client.messages.send(created.value.id, '  ')).toMatchObject({ code: 'invalid_input' });
    const ids = Array.from({ length: 11 }, (_, i) => `a${i}`);
    expect(await alice.client.messages.send(created.value.id, '', { attachmentIds: ids })).toMatchObject({
      code: 'invalid_input',
    });
  });
});
