/**
 * Avatars (issue 15): `PATCH /api/me { avatarId }` and `PATCH /api/conversations/:id
 * { avatarId }` name an uploaded image, which the server crops to a square; the pictures are
 * served to those who may see the user or the group, and to nobody else. Also: a deactivated
 * account cannot be added to a group.
 */
import type { AttachmentResponse, ChangesResponse, ConversationResponse, MeResponse } from '@parley/shared';
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

let server: TestServer;
let photo: Buffer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toBuffer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

async function upload(user: TestUser, bytes: Uint8Array, name: string, type: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${server.url}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as AttachmentResponse).attachment.id;
}

const getImage = (user: TestUser, path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${user.accessToken}` } });

const patchMe = (user: TestUser, body: unknown) =>
  api<MeResponse & { error?: { code: string; message: string } }>(server.url, '/api/me', {
    token: user.accessToken,
    method: 'PATCH',
    body,
  });
const patchGroup = (user: TestUser, id: string, body: unknown) =>
  api<ConversationResponse & { error?: { code: string; message: string } }>(
    server.url,
    `/api/conversations/${id}`,
    { token: user.accessToken, method: 'PATCH', body },
  );

describe('user avatars', () => {
  it('an uploaded image becomes a square picture, seen by contacts, with user:updated', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const bobSocket = await connectSocket(server.url, bob.accessToken);
    sockets.push(bobSocket);
    const heard = nextEvent(bobSocket, 'user:updated');

    const res = await patchMe(alice, { avatarId: await upload(alice, photo, 'me.jpg', 'image/jpeg') });
    expect(res.status).toBe(200);
    const avatarId = res.body.user.avatarId;
    expect(avatarId).toEqual(expect.any(String));
    expect((await heard).user.avatarId).toBe(avatarId);

    const image = await getImage(bob, `/api/users/${alice.user.id}/avatar`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);

    // A new picture gets a new id; removing it leaves none to fetch.
    const again = await patchMe(alice, { avatarId: await upload(alice, photo, 'me2.jpg', 'image/jpeg') });
    expect(again.body.user.avatarId).not.toBe(avatarId);
    const removed = await patchMe(alice, { avatarId: null });
    expect(removed.status).toBe(200);
    expect(removed.body.user.avatarId).toBeUndefined();
    expect((await getImage(bob, `/api/users/${alice.user.id}/avatar`)).status).toBe(404);
  });

  it('refuses a file that is not an image, or someone else’s upload, and changes nothing', async () => {
    const alice = await registerUser(server.url);
    const mallory = await registerUser(server.url);
    await patchMe(alice, { avatarId: await upload(alice, photo, 'me.jpg', 'image/jpeg') });
    const before = (await api<MeResponse>(server.url, '/api/me', { token: alice.accessToken })).body.user;

    const text = await upload(alice, Buffer.from('just some text'), 'notes.txt', 'text/plain');
    const refused = await patchMe(alice, { avatarId: text });
    expect(refused.status).toBe(415);
    expect(refused.body.error?.code).toBe('unsupported_media_type');
    expect(refused.body.error?.message).toMatch(/PNG, JPEG, GIF or WebP/);

    const theirs = await upload(mallory, photo, 'x.jpg', 'image/jpeg');
    expect((await patchMe(alice, { avatarId: theirs })).body.error?.code).toBe('invalid_input');
    expect((await patchMe(alice, { avatarId: 'no-such-upload' })).status).toBe(400);

    const after = (await api<MeResponse>(server.url, '/api/me', { token: alice.accessToken })).body.user;
    expect(after.avatarId).toBe(before.avatarId);
    expect((await getImage(alice, `/api/users/${alice.user.id}/avatar`)).status).toBe(200);
  });

  it('a user without a picture, or an unknown user, is 404; signing in is required', async () => {
    const alice = await registerUser(server.url);
    expect((await getImage(alice, `/api/users/${alice.user.id}/avatar`)).status).toBe(404);
    expect((await getImage(alice, `/api/users/nobody/avatar`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/users/${alice.user.id}/avatar`)).status).toBe(401);
  });
});

describe('group avatars', () => {
  async function group() {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Team');
    return { alice, bob, carol, id: conversation.id };
  }

  it('an admin sets the picture: a system line, conversation:updated, members only may fetch it', async () => {
    const { alice, bob, carol, id } = await group();
    const bobSocket = await connectSocket(server.url, bob.accessToken);
    sockets.push(bobSocket);
    const updated = nextEvent(bobSocket, 'conversation:updated');
    const line = nextEvent(bobSocket, 'message:new');

    const res = await patchGroup(alice, id, {
      avatarId: await upload(alice, photo, 'team.jpg', 'image/jpeg'),
    });
    expect(res.status).toBe(200);
    const avatarId = res.body.conversation.avatarId;
    expect(avatarId).toEqual(expect.any(String));
    expect((await updated).conversation.avatarId).toBe(avatarId);
    const { message } = await line;
    expect(message.system?.type).toBe('avatar_changed');
    expect(message.body).toMatch(/changed the group picture/);

    expect((await getImage(bob, `/api/conversations/${id}/avatar`)).status).toBe(200);
    // Carol is not a member: the group and its picture do not exist for her.
    expect((await getImage(carol, `/api/conversations/${id}/avatar`)).status).toBe(404);

    const feed = await api<ChangesResponse>(server.url, `/api/conversations/${id}/changes?sinceVersion=0`, {
      token: bob.accessToken,
    });
    expect(feed.body.messages.map((m) => m.system?.type)).toContain('avatar_changed');

    const removed = await patchGroup(alice, id, { avatarId: null });
    expect(removed.body.conversation.avatarId).toBeUndefined();
    expect((await getImage(bob, `/api/conversations/${id}/avatar`)).status).toBe(404);
  });

  it('a non-admin is forbidden, a non-member not found, a non-image refused; nothing changes', async () => {
    const { alice, bob, carol, id } = await group();
    const byBob = await patchGroup(bob, id, { avatarId: await upload(bob, photo, 'b.jpg', 'image/jpeg') });
    expect(byBob.status).toBe(403);
    const byCarol = await patchGroup(carol, id, {
      avatarId: await upload(carol, photo, 'c.jpg', 'image/jpeg'),
    });
    expect(byCarol.status).toBe(404);
    const text = await upload(alice, Buffer.from('plain text'), 'notes.txt', 'text/plain');
    const notImage = await patchGroup(alice, id, { avatarId: text });
    expect(notImage.status).toBe(415);
    expect(notImage.body.error?.code).toBe('unsupported_media_type');

    const view = await api<ConversationResponse>(server.url, `/api/conversations/${id}`, {
      token: alice.accessToken,
      method: 'PATCH',
      body: {},
    });
    expect(view.body.conversation.avatarId).toBeUndefined();
    expect(view.body.conversation.version).toBe(0);
  });
});

describe('adding a deactivated account', () => {
  it('is refused with a clear error and adds no one', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const gone = await registerUser(server.url);
    const ok = await registerUser(server.url);
    const { id } = await createConversation(server.url, alice.accessToken, [bob.user.id], 'Team');
    const deleted = await api(server.url, '/api/me', {
      token: gone.accessToken,
      method: 'DELETE',
      body: { password: gone.password },
    });
    expect(deleted.status).toBe(204);

    const res = await api<{ error: { code: string; message: string } }>(
      server.url,
      `/api/conversations/${id}/members`,
      { token: alice.accessToken, body: { userIds: [ok.user.id, gone.user.id] } },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toMatch(/deactivated/);
    const view = await api<ConversationResponse>(server.url, `/api/conversations/${id}`, {
      token: alice.accessToken,
      method: 'PATCH',
      body: {},
    });
    expect(view.body.conversation.members.map((m) => m.id).sort()).toEqual(
      [alice.user.id, bob.user.id].sort(),
    );
  });
});
