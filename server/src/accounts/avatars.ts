import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isImageType, makeThumbnail } from '../attachments/images.js';
import type { ServerContext } from '../context.js';
import { AppError, notFound, parseInput } from '../errors.js';

/**
 * Pictures of users and groups. A client uploads an image through `POST /api/attachments`
 * and names that upload in `PATCH /api/me` or `PATCH /api/conversations/:id`; the server
 * crops and resizes it to a square here and keeps that copy in the file store as
 * `avatar-<avatarId>`, apart from the upload (which the hourly purge of unsent uploads then
 * removes). A new id per picture lets clients cache by `avatarId`.
 */

/** Avatars are stored this size (pixels, square): sharp enough for a 2× call screen tile. */
export const AVATAR_SIZE = 256;

const idParams = z.object({ id: z.string().min(1).max(64) });
const keyOf = (avatarId: string) => `avatar-${avatarId}`;

type Ctx = Pick<ServerContext, 'repo' | 'files' | 'logger'>;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Makes the avatar from the caller's own upload `uploadId` and stores it; resolves to the
 * new avatar id. Someone else's upload or an unknown id is `invalid_input`; an upload that
 * is not a PNG, JPEG, GIF or WebP image (or cannot be decoded) is `unsupported_media_type`.
 * Nothing is stored when it fails.
 */
export async function storeAvatar(ctx: Ctx, userId: string, uploadId: string): Promise<string> {
  const row = await ctx.repo.getAttachmentFor(uploadId, userId);
  if (!row || row.uploader_id !== userId) {
    throw new AppError('invalid_input', 'No such upload of yours', { avatarId: 'not an upload of yours' });
  }
  const notImage = () =>
    new AppError('unsupported_media_type', 'A picture must be a PNG, JPEG, GIF or WebP image', {
      avatarId: `not an image (${row.content_type})`,
    });
  if (!isImageType(row.content_type)) throw notImage();
  const stream = await ctx.files.get(row.storage_key);
  if (!stream) throw new AppError('invalid_input', 'No such upload of yours', { avatarId: 'gone' });
  const square = await makeThumbnail(await readAll(stream), { maxSize: AVATAR_SIZE, fit: 'cover' });
  if (!square) throw notImage();
  const avatarId = randomUUID();
  const temp = join(ctx.files.tempDir, `${avatarId}.avatar`);
  try {
    await writeFile(temp, square.data, { mode: 0o600 });
    await ctx.files.put(keyOf(avatarId), temp);
  } finally {
    await rm(temp, { force: true });
  }
  return avatarId;
}

/** Removes a stored avatar file (replaced, or its change refused); a failure is only logged. */
export async function deleteAvatar(ctx: Ctx, avatarId: string | null | undefined): Promise<void> {
  if (!avatarId) return;
  await ctx.files.delete(keyOf(avatarId)).catch((err: unknown) => {
    ctx.logger.warn({ err, avatarId }, 'deleting an avatar file failed');
  });
}

async function sendAvatar(ctx: Ctx, reply: FastifyReply, avatarId: string | null | undefined) {
  const stream = avatarId ? await ctx.files.get(keyOf(avatarId)) : undefined;
  if (!stream) throw notFound('avatar');
  const data = await readAll(stream);
  // makeThumbnail writes PNG (with transparency) or JPEG: the first byte tells which.
  const contentType = data[0] === 0x89 ? 'image/png' : 'image/jpeg';
  return (
    reply
      .header('content-type', contentType)
      .header('x-content-type-options', 'nosniff')
      // The id changes with the picture, but who may see it can change: ask each time.
      .header('cache-control', 'private, no-cache')
      .send(data)
  );
}

/**
 * `GET /api/users/:id/avatar` and `GET /api/conversations/:id/avatar`. A user's picture is
 * visible to whoever may find that user (everyone signed in, or with `USER_DIRECTORY=contacts`
 * only those who share a conversation); a group's only to its members. Anything else is 404.
 */
export function registerAvatarRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/users/:id/avatar', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    if (id !== userId && ctx.config.userDirectory === 'contacts') {
      if (!(await ctx.repo.contactIds(userId)).includes(id)) throw notFound('avatar');
    }
    const user = await ctx.repo.getUser(id);
    return sendAvatar(ctx, reply, user?.avatarId);
  });

  app.get('/api/conversations/:id/avatar', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const { id } = parseInput(idParams, request.params);
    const conversation = await ctx.repo.getConversation(id, userId);
    return sendAvatar(ctx, reply, conversation?.avatarId);
  });
}
