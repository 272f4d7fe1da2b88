import { z } from 'zod';
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, SEARCH_QUERY_MAX, SEARCH_QUERY_MIN } from './limits.js';
import { messageSchema, type Attachment } from './models.js';

/** v1.1: `POST /api/attachments` answers the stored attachment (201). */
export interface AttachmentResponse {
  attachment: Attachment;
}

/** v1.1: query of `GET /api/search`. Numbers arrive as strings in a URL. */
export const searchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(SEARCH_QUERY_MIN, `must be at least ${SEARCH_QUERY_MIN} characters`)
    .max(SEARCH_QUERY_MAX, `must be at most ${SEARCH_QUERY_MAX} characters`),
  conversationId: z.string().min(1).max(64).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, SEARCH_MAX_LIMIT))
    .default(SEARCH_DEFAULT_LIMIT),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

/** v1.1: `GET /api/search`: matching live messages in the caller's conversations, newest first. */
export const searchResponseSchema = z.object({ results: z.array(messageSchema) });
export type SearchResponse = z.infer<typeof searchResponseSchema>;
