import multipart from '@fastify/multipart';
import type { AttachmentResponse } from '@parley/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { consume } from '../rate-limits.js';
import type { AttachmentRow } from '../storage/attachments.js';
import { isImageType } from './images.js';
import type { ByteRange } from './store.js';
import { deleteFiles, storeUpload } from './upload.js';

const paramsSchema = z.object({ id: z.string().min(1).max(64) });

/** Uploads never sent are deleted this long after upload, by an hourly purge. */
export const UNSENT_TTL_MS = 24 * 3_600_000;

/**
 * `Range: bytes=a-b`, `a-` or `-n` (one range; several are answered with the whole file, as
 * HTTP allows). `undefined`: serve everything; `'unsatisfiable'`: 416.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (end < start) return m[2] !== '' && Number(m[2]) < start ? undefined : 'unsatisfiable';
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** `attachment` or `inline`, with an ASCII fallback name and the exact one (RFC 6266/8187). */
function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function sendFile(
  ctx: Pick<ServerContext, 'files'>,
  reply: FastifyReply,
  options: { key: string; size?: number; contentType: string; disposition: string; range?: string },
) {
  void reply
    .header('content-type', options.contentType)
    .header('content-disposition', options.disposition)
    .header('x-content-type-options', 'nosniff')
    // Access can end (a member removed, a message deleted): caches must ask again.
    .header('cache-control', 'private, no-cache');
  const size = options.size;
  const range = size === undefined ? undefined : parseRange(options.range, size);
  if (size !== undefined) void reply.header('accept-ranges', 'bytes');
  if (range === 'unsatisfiable') {
    void reply.header('content-range', `bytes */${size}`).header('content-type', 'application/json');
    return reply
      .code(416)
      .send({ error: { code: 'invalid_input', message: 'The range is outside the file' } });
  }
  const stream = await ctx.files.get(options.key, range);
  if (!stream) throw notFound('attachment');
  if (range && size !== undefined) {
    void reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1);
  } else if (size !== undefined) {
    void reply.header('content-length', size);
  }
  return reply.send(stream);
}

/**
 * `POST /api/attachments`, `GET /api/attachments/:id` and `.../thumbnail`. Who may read is
 * checked on every request (see `Repository.getAttachmentFor`): the uploader, or a member of
 * a conversation where a live message carries it; everyone else gets 404.
 */
export async function registerAttachmentRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await app.register(async (scope) => {
    // Multipart only here: other routes keep refusing it.
    await scope.register(multipart, {
      limits: { fileSize: ctx.config.maxAttachmentBytes, files: 1, fields: 10, parts: 20, headerPairs: 100 },
      throwFileSizeLimit: true,
    });

    scope.post('/api/attachments', async (request, reply) => {
      const { userId } = await ctx.authenticate(request);
      // An upload costs like a message (disk, CPU for the thumbnail): the same limit.
      await consume(ctx.limits.messages, userId, 'uploads');
      if (!request.isMultipart()) {
        throw new AppError('invalid_input', 'Send multipart/form-data with one part named "file"', {
          file: 'missing',
        });
      }
      let part;
      try {
        part = await request.file();
      } catch (err) {
        throw new AppError('invalid_input', `The upload is malformed: ${(err as Error).message}`);
      }
      if (!part || part.fieldname !== 'file') {
        throw new AppError('invalid_input', 'Send one part named "file"', { file: 'missing' });
      }
      const attachment = await storeUpload(ctx, userId, part);
      const body: AttachmentResponse = { attachment };
      return reply.code(201).send(body);
    });
  });

  const readable = async (request: { params: unknown }, userId: string): Promise<AttachmentRow> => {
    // Whatever the caller cannot read is 404, a malformed id included (the contract's rule).
    const params = paramsSchema.safeParse(request.params);
    if (!params.success) throw notFound('attachment');
    const row = await ctx.repo.getAttachmentFor(params.data.id, userId);
    if (!row) throw notFound('attachment');
    return row;
  };

  app.get('/api/attachments/:id', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const row = await readable(request, userId);
    const image = isImageType(row.content_type);
    return sendFile(ctx, reply, {
      key: row.storage_key,
      size: Number(row.size),
      contentType: row.content_type,
      disposition: contentDisposition(image ? 'inline' : 'attachment', row.name),
      range: request.headers.range,
    });
  });

  app.get('/api/attachments/:id/thumbnail', async (request, reply) => {
    const { userId } = await ctx.authenticate(request);
    const row = await readable(request, userId);
    if (!row.thumbnail_type) throw notFound('thumbnail');
    return sendFile(ctx, reply, {
      key: `${row.storage_key}.thumb`,
      contentType: row.thumbnail_type,
      disposition: contentDisposition('inline', `thumbnail-${row.name}`),
    });
  });

  // Uploads never sent would otherwise stay forever.
  const purge = () => {
    ctx.repo
      .purgeUnsentAttachments(new Date(Date.now() - UNSENT_TTL_MS).toISOString())
      .then(async (keys) => {
        await deleteFiles(ctx, keys);
        if (keys.length > 0) ctx.logger.info({ files: keys.length }, 'purged attachments never sent');
      })
      .catch((err: unknown) => ctx.logger.warn({ err }, 'purging unsent attachments failed'));
  };
  const timer = setInterval(purge, 3_600_000);
  timer.unref();
  ctx.onClose(() => clearInterval(timer));
}
