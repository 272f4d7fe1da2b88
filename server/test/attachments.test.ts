/**
 * Contract v1.1 attachments: upload (typed from the content, images measured and previewed),
 * download with Range, who may read (checked on every request), sending with
 * `attachmentIds`, and deletion taking the files with it.
 */
import { crc32 } from 'node:zlib';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ack, Attachment, AttachmentResponse, Message, MessagesResponse } from '@parley/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  nextEvent,
  registerUser,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

const LIMIT = 300_000;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let conversationId: string;
let aliceSocket: ClientSocket;
let bobSocket: ClientSocket;
let png: Buffer;

beforeAll(async () => {
  server = await startTestServer({ maxAttachmentBytes: LIMIT });
  [alice, bob, carol] = await Promise.all([
    registerUser(server.url),
    registerUser(server.url),
    registerUser(server.url),
  ]);
  conversationId = (await createConversation(server.url, alice.accessToken, [bob.user.id])).id;
  aliceSocket = await connectSocket(server.url, alice.accessToken);
  bobSocket = await connectSocket(server.url, bob.accessToken);
  png = await sharp({ create: { width: 800, height: 600, channels: 4, background: '#ff000080' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  aliceSocket.close();
  bobSocket.close();
  await server.close();
});

async function upload(
  user: TestUser,
  bytes: Uint8Array,
  name: string,
  type: string,
): Promise<{ status: number; body: AttachmentResponse & { error?: { code: string } } }> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${server.url}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}` },
    body: form,
  });
  return {
    status: res.status,
    body: (await res.json()) as AttachmentResponse & { error?: { code: string } },
  };
}

const get = (user: TestUser, path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${user.accessToken}`, ...headers } });

const filePath = (id: string) => join(server.dataDir, 'attachments', id.slice(0, 2), id);

async function uploaded(user: TestUser, bytes: Uint8Array, name: string, type: string): Promise<Attachment> {
  const res = await upload(user, bytes, name, type);
  expect(res.status).toBe(201);
  return res.body.attachment;
}

const send = (socket: ClientSocket, body: string, attachmentIds?: string[]) =>
  socket.emitWithAck('message:send', {
    conversationId,
    clientId: crypto.randomUUID(),
    body,
    ...(attachmentIds ? { attachmentIds } : {}),
  });

const ok = (ack: Ack<{ message: Message }>): Message => {
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.message;
};

describe('uploading', () => {
  it('measures an image, makes a thumbnail of at most 320×320, and serves both', async () => {
    const attachment = await uploaded(alice, png, 'red.png', 'image/png');
    expect(attachment).toMatchObject({
      name: 'red.png',
      contentType: 'image/png',
      size: png.length,
      width: 800,
      height: 600,
      hasThumbnail: true,
    });

    const full = await get(alice, `/api/attachments/${attachment.id}`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(full.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);

    const thumb = await get(alice, `/api/attachments/${attachment.id}/thumbnail`);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('png'); // it has transparency
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(320);
    expect(meta.width / meta.height).toBeCloseTo(800 / 600, 1);
  });

  it('serves byte ranges', async () => {
    const attachment = await uploaded(alice, png, 'red.png', 'image/png');
    const part = await get(alice, `/api/attachments/${attachment.id}`, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(10, 20))).toBe(true);

    const tail = await get(alice, `/api/attachments/${attachment.id}`, { range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(png.subarray(png.length - 5))).toBe(true);

    const outside = await get(alice, `/api/attachments/${attachment.id}`, { range: `bytes=${png.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${png.length}`);
  });

  it('offers other files as downloads, typed from their content rather than their name', async () => {
    const text = await uploaded(alice, Buffer.from('hello, world\n'), 'notes.txt', 'text/plain');
    expect(text).toMatchObject({ contentType: 'text/plain', hasThumbnail: false });
    expect(text.width ?? undefined).toBeUndefined();
    const res = await get(alice, `/api/attachments/${text.id}`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('hello, world\n');

    // HTML declared as HTML is not served as HTML.
    const html = await uploaded(alice, Buffer.from('<script>alert(1)</script>'), 'x.html', 'text/html');
    expect(html.contentType).toBe('application/octet-stream');
    // A PNG named like a document is a PNG.
    const disguised = await uploaded(alice, png, 'report.pdf', 'application/pdf');
    expect(disguised).toMatchObject({ contentType: 'image/png', width: 800, hasThumbnail: true });
    expect(await thumbnailStatus(alice, text.id)).toBe(404);
  });

  it('takes an animated PNG as a PNG, and keeps a long name whole to the last character', async () => {
    // An APNG is a PNG with an acTL chunk after IHDR (browsers send it as image/png).
    const acTL = Buffer.alloc(4 + 4 + 8 + 4);
    acTL.writeUInt32BE(8, 0);
    acTL.write('acTL', 4, 'latin1');
    acTL.writeUInt32BE(1, 8); // frames
    acTL.writeUInt32BE(0, 12); // plays (0: forever)
    acTL.writeUInt32BE(crc32(acTL.subarray(4, 16)), 16);
    const ihdrEnd = 8 + 4 + 4 + 13 + 4;
    const apng = Buffer.concat([png.subarray(0, ihdrEnd), acTL, png.subarray(ihdrEnd)]);
    const name = `${'a'.repeat(254)}😀.png`;
    const animated = await uploaded(alice, apng, name, 'image/png');
    expect(animated).toMatchObject({ contentType: 'image/png', width: 800, height: 600, hasThumbnail: true });
    // 255 code points: the emoji is kept whole (never half of its surrogate pair).
    expect(animated.name).toBe(`${'a'.repeat(254)}😀`);
  });

  it('answers 404 for an attachment id it could never have made', async () => {
    const res = await api(server.url, `/api/attachments/${'x'.repeat(65)}`, { token: alice.accessToken });
    expect(res.status).toBe(404);
  });

  it('refuses a file too large (413), an empty one (400) and one that is not the image it claims (415), keeping nothing', async () => {
    const before = await storedFiles();
    const big = await upload(alice, new Uint8Array(LIMIT + 1), 'big.bin', 'application/octet-stream');
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('too_large');
    const empty = await upload(alice, new Uint8Array(0), 'empty.txt', 'text/plain');
    expect(empty.status).toBe(400);
    const fake = await upload(alice, Buffer.from('not a picture at all'), 'cat.png', 'image/png');
    expect(fake.status).toBe(415);
    expect(fake.body.error?.code).toBe('unsupported_media_type');
    const byName = await upload(
      alice,
      Buffer.from('not a picture at all'),
      'cat.jpg',
      'application/octet-stream',
    );
    expect(byName.status).toBe(415);
    const truncated = await upload(alice, png.subarray(0, 60), 'cut.png', 'image/png');
    expect(truncated.status).toBe(415);
    expect(await storedFiles()).toEqual(before);
    // The server is fine afterwards.
    expect((await upload(alice, png, 'ok.png', 'image/png')).status).toBe(201);
  });

  it('refuses requests without a file part or a token', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: form,
    });
    expect(res.status).toBe(400);
    const json = await api(server.url, '/api/attachments', { token: alice.accessToken, body: { file: 'x' } });
    expect(json.status).toBe(400);
    const anonymous = await fetch(`${server.url}/api/attachments`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
    // A form cut short (no closing boundary) is the client's fault, and leaves nothing behind.
    const before = await storedFiles();
    const cut = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.accessToken}`,
        'content-type': 'multipart/form-data; boundary=b',
      },
      body: '--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nhello',
    });
    expect(cut.status).toBe(400);
    expect(await storedFiles()).toEqual(before);
  });
});

async function storedFiles(): Promise<string[]> {
  const root = join(server.dataDir, 'attachments');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function thumbnailStatus(user: TestUser, id: string) {
  return (await get(user, `/api/attachments/${id}/thumbnail`)).status;
}

describe('who may read an attachment', () => {
  it('only the uploader before it is sent; then the conversation members; never anyone else', async () => {
    const attachment = await uploaded(alice, png, 'red.png', 'image/png');
    const path = `/api/attachments/${attachment.id}`;
    expect((await get(bob, path)).status).toBe(404);
    expect((await get(carol, path)).status).toBe(404);
    expect(await thumbnailStatus(bob, attachment.id)).toBe(404);
    expect((await get(alice, '/api/attachments/no-such-id')).status).toBe(404);

    ok(await send(aliceSocket, 'look', [attachment.id]));
    expect((await get(bob, path)).status).toBe(200);
    expect(await thumbnailStatus(bob, attachment.id)).toBe(200);
    expect((await get(carol, path)).status).toBe(404);
    expect(await thumbnailStatus(carol, attachment.id)).toBe(404);
  });
});

describe('sending attachments', () => {
  it('carries them on the ack, the live event and the history; the body may then be empty', async () => {
    const a = await uploaded(alice, png, 'one.png', 'image/png');
    const b = await uploaded(alice, Buffer.from('two'), 'two.txt', 'text/plain');
    const live = nextEvent(bobSocket, 'message:new');
    const message = ok(await send(aliceSocket, '', [a.id, b.id]));
    expect(message.body).toBe('');
    expect(message.attachments).toEqual([a, b]);
    expect((await live).message.attachments).toEqual([a, b]);
    const history = await api<MessagesResponse>(server.url, `/api/conversations/${conversationId}/messages`, {
      token: bob.accessToken,
    });
    expect(history.body.messages.find((m) => m.id === message.id)?.attachments).toEqual([a, b]);
  });

  it("refuses another user's upload, one already sent, an unknown one, and an empty body without files, storing nothing", async () => {
    const mine = await uploaded(alice, png, 'mine.png', 'image/png');
    const bobs = await uploaded(bob, png, 'bobs.png', 'image/png');
    ok(await send(aliceSocket, 'first', [mine.id]));
    const before = await lastSeq();
    for (const ids of [[bobs.id], [mine.id], ['nope']]) {
      const ack = await send(aliceSocket, 'again', ids);
      expect(ack.ok ? 'ok' : ack.error.code).toBe('invalid_input');
    }
    const tooMany = await send(
      aliceSocket,
      'x',
      Array.from({ length: 11 }, (_, i) => `id${i}`),
    );
    expect(tooMany.ok).toBe(false);
    const empty = await send(aliceSocket, '   ');
    expect(empty.ok ? 'ok' : empty.error.code).toBe('invalid_input');
    expect(await lastSeq()).toBe(before);
    // Bob's upload is still his to send.
    ok(await send(bobSocket, '', [bobs.id]));
  });

  it('deleting the message removes its attachments and their files', async () => {
    const attachment = await uploaded(alice, png, 'gone.png', 'image/png');
    const message = ok(await send(aliceSocket, 'soon gone', [attachment.id]));
    expect(existsSync(filePath(attachment.id))).toBe(true);
    expect(existsSync(filePath(`${attachment.id}.thumb`))).toBe(true);
    const updated = nextEvent(bobSocket, 'message:updated');
    const tombstone = ok(await aliceSocket.emitWithAck('message:delete', { messageId: message.id }));
    expect(tombstone.attachments ?? undefined).toBeUndefined();
    expect((await updated).message.attachments ?? undefined).toBeUndefined();
    expect(existsSync(filePath(attachment.id))).toBe(false);
    expect(existsSync(filePath(`${attachment.id}.thumb`))).toBe(false);
    expect((await get(alice, `/api/attachments/${attachment.id}`)).status).toBe(404);
    expect((await get(bob, `/api/attachments/${attachment.id}`)).status).toBe(404);
  });

  it('uploads never sent expire', async () => {
    const attachment = await uploaded(alice, Buffer.from('stale'), 'stale.txt', 'text/plain');
    const keys = await server.server.repository.purgeUnsentAttachments(
      new Date(Date.now() + 1000).toISOString(),
    );
    expect(keys).toContain(attachment.id);
    expect((await get(alice, `/api/attachments/${attachment.id}`)).status).toBe(404);
  });
});

async function lastSeq(): Promise<number> {
  const res = await api<{ conversations: { id: string; lastSeq: number }[] }>(
    server.url,
    '/api/conversations',
    {
      token: alice.accessToken,
    },
  );
  return res.body.conversations.find((c) => c.id === conversationId)!.lastSeq;
}
