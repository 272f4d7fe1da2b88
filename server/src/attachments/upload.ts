import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '@parley/shared';
import type { ServerContext } from '../context.js';
import { AppError } from '../errors.js';
import { imageSize, isImageType, makeThumbnail, sniffType, SNIFF_BYTES } from './images.js';

/** Types kept as declared when the content has no signature: plain text formats, harmless as downloads. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'text/markdown', 'application/json']);
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);

/** A file name fit to store and show: no path, no control characters, at most 255 characters. */
export function cleanName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = basename((name ?? '').replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f]/g, '');
  // Cut by code points after making it well-formed, so the cut never splits a surrogate pair.
  const wellFormed = Array.from(cleaned.toWellFormed().trim()).slice(0, 255).join('');
  return wellFormed === '' || wellFormed === '.' || wellFormed === '..' ? 'file' : wellFormed;
}

/** Streams `source` to `path`, counting bytes and keeping the first ones for sniffing. */
async function writeToFile(source: Readable, path: string): Promise<{ size: number; head: Buffer }> {
  let size = 0;
  const head: Buffer[] = [];
  let headLength = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (headLength < SNIFF_BYTES) {
        head.push(chunk.subarray(0, SNIFF_BYTES - headLength));
        headLength += Math.min(chunk.length, SNIFF_BYTES - headLength);
      }
      done(null, chunk);
    },
  });
  await pipeline(source, counter, createWriteStream(path, { mode: 0o600 }));
  return { size, head: Buffer.concat(head) };
}

export interface UploadedPart {
  file: Readable & { truncated?: boolean };
  filename: string;
  mimetype: string;
}

/**
 * Stores one upload: streamed to a temporary file (never held in memory), typed from its
 * content, measured and previewed if it is an image, then moved into the store and recorded.
 * Nothing is kept when anything fails.
 */
export async function storeUpload(
  ctx: Pick<ServerContext, 'repo' | 'files'>,
  uploaderId: string,
  part: UploadedPart,
): Promise<Attachment> {
  const id = randomUUID();
  const temp = join(ctx.files.tempDir, `${id}.upload`);
  const thumbTemp = join(ctx.files.tempDir, `${id}.thumb`);
  const stored: string[] = [];
  try {
    let written: { size: number; head: Buffer };
    try {
      written = await writeToFile(part.file, temp);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE' || part.file.truncated) {
        throw new AppError('too_large', 'The file is larger than this server accepts');
      }
      // The disk's errors (ENOSPC, EACCES...) are the server's; a form cut short or broken is the client's.
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET' && code !== 'EPIPE') {
        throw err;
      }
      throw new AppError('invalid_input', 'The upload was cut short or malformed', { file: 'incomplete' });
    }
    if (part.file.truncated) throw new AppError('too_large', 'The file is larger than this server accepts');
    if (written.size === 0)
      throw new AppError('invalid_input', 'The file is empty', { file: 'must not be empty' });

    const name = cleanName(part.filename);
    const declared = part.mimetype.toLowerCase().split(';')[0]!.trim();
    const sniffed = await sniffType(written.head);
    // The name and declared type are the client's word; only the content decides. A file
    // claiming to be an image that is not that image is refused rather than stored mislabelled.
    if (
      isImageType(declared)
        ? sniffed !== declared
        : IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && !isImageType(sniffed)
    ) {
      throw new AppError(
        'unsupported_media_type',
        `The content is not the image it claims to be (${sniffed ?? 'unknown'})`,
      );
    }
    const contentType = sniffed ?? (TEXT_TYPES.has(declared) ? declared : 'application/octet-stream');

    let size: { width: number; height: number } | undefined;
    let thumbnailType: string | null = null;
    if (isImageType(contentType)) {
      size = await imageSize(temp);
      if (!size) throw new AppError('unsupported_media_type', 'The image cannot be read');
      const thumbnail = await makeThumbnail(temp, { maxSize: 320 });
      if (thumbnail) {
        await writeFile(thumbTemp, thumbnail.data, { mode: 0o600 });
        await ctx.files.put(`${id}.thumb`, thumbTemp);
        stored.push(`${id}.thumb`);
        thumbnailType = thumbnail.contentType;
      }
    }
    await ctx.files.put(id, temp);
    stored.push(id);
    return await ctx.repo.createAttachment({
      id,
      uploader_id: uploaderId,
      message_id: null,
      position: 0,
      name,
      content_type: contentType,
      size: written.size,
      width: size?.width ?? null,
      height: size?.height ?? null,
      thumbnail_type: thumbnailType,
      storage_key: id,
      created_at: new Date().toISOString(),
    });
  } catch (err) {
    await Promise.allSettled(stored.map((key) => ctx.files.delete(key)));
    throw err;
  } finally {
    await Promise.allSettled([rm(temp, { force: true }), rm(thumbTemp, { force: true })]);
  }
}

/** Removes the files of an attachment (its bytes and its thumbnail, if any). */
export async function deleteFiles(ctx: Pick<ServerContext, 'files' | 'logger'>, keys: readonly string[]) {
  for (const key of keys) {
    try {
      await ctx.files.delete(key);
      await ctx.files.delete(`${key}.thumb`);
    } catch (err) {
      ctx.logger.warn({ err, key }, 'could not delete an attachment file');
    }
  }
}
