import { z } from 'zod';
import { attachmentSchema, type Attachment } from '../protocol/models.js';

/**
 * The outbox: operations the user made that the server has not acknowledged yet (`pending`),
 * or that it refused for good (`failed`, until the user retries or discards them): sends,
 * edits, deletes and reactions. It is persisted in the host's storage after every change, so
 * a crash or restart loses nothing. A send is resent with its original `clientId`, which the
 * server treats as idempotent; edits, deletes and reactions are idempotent by their nature.
 */
interface OutboxEntryBase {
  /** The send's idempotency key; for other operations only a local id. */
  clientId: string;
  conversationId: string;
  /** When the user did it (ISO), shown until the server's own time replaces it. */
  createdAt: string;
  status: 'pending' | 'failed';
  /** Why the server refused it, for failed entries. */
  error: string | null;
}

/** A message to send. `op` is absent in outboxes persisted before edits existed. */
export interface OutboxSend extends OutboxEntryBase {
  op?: 'send';
  /** Already trimmed and validated. */
  body: string;
  /** The stored message this one replies to. */
  replyToId?: string;
  /** Files uploaded for it (`POST /api/attachments`), sent as `attachmentIds`. */
  attachmentIds?: string[];
  /** What is known of those files (from this run's uploads), for the row shown meanwhile. */
  attachments?: Attachment[];
}
/** A new body for a stored message of ours. */
export interface OutboxEdit extends OutboxEntryBase {
  op: 'edit';
  messageId: string;
  body: string;
}
/** Deleting a stored message (ours, or any as a group admin). */
export interface OutboxDelete extends OutboxEntryBase {
  op: 'delete';
  messageId: string;
}
/** Adding (`on`) or taking back a reaction. */
export interface OutboxReact extends OutboxEntryBase {
  op: 'react';
  messageId: string;
  emoji: string;
  on: boolean;
}
/** One pending operation of the outbox. */
export type OutboxEntry = OutboxSend | OutboxEdit | OutboxDelete | OutboxReact;

/** True for entries that send a new message (they show as the window's pending tail). */
export function isSend(entry: OutboxEntry): entry is OutboxSend {
  return entry.op === undefined || entry.op === 'send';
}

/** The storage key of the persisted outbox. */
export const OUTBOX_STORAGE_KEY = 'outbox';

const base = {
  clientId: z.string().min(1),
  conversationId: z.string().min(1),
  createdAt: z.string(),
  status: z.enum(['pending', 'failed']),
  error: z.string().nullable().default(null),
};
const outboxEntrySchema = z.union([
  z.object({
    ...base,
    op: z.literal('send').optional(),
    body: z.string(),
    replyToId: z.string().min(1).optional(),
    attachmentIds: z.array(z.string().min(1)).min(1).optional(),
    attachments: z.array(attachmentSchema).optional(),
  }),
  z.object({ ...base, op: z.literal('edit'), messageId: z.string().min(1), body: z.string() }),
  z.object({ ...base, op: z.literal('delete'), messageId: z.string().min(1) }),
  z.object({
    ...base,
    op: z.literal('react'),
    messageId: z.string().min(1),
    emoji: z.string().min(1),
    on: z.boolean(),
  }),
]);

const persistedOutboxSchema = z.object({
  version: z.literal(1),
  /** The outbox belongs to one user: another user signing in on this device must not send it. */
  userId: z.string(),
  entries: z.array(z.unknown()),
});

/** The persisted form of a user's outbox. */
export function serializeOutbox(userId: string, entries: readonly OutboxEntry[]): string {
  return JSON.stringify({ version: 1, userId, entries });
}

/**
 * Reads a persisted outbox for `userId`. Anything unreadable, or an outbox of another user,
 * reads as empty rather than failing the start-up; single damaged entries are skipped.
 */
export function parseOutbox(raw: string | null, userId: string): OutboxEntry[] {
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return [];
  }
  const parsed = persistedOutboxSchema.safeParse(json);
  if (!parsed.success || parsed.data.userId !== userId) return [];
  const entries: OutboxEntry[] = [];
  const seen = new Set<string>();
  for (const item of parsed.data.entries) {
    const entry = outboxEntrySchema.safeParse(item);
    if (entry.success && !seen.has(entry.data.clientId)) {
      seen.add(entry.data.clientId);
      entries.push(entry.data);
    }
  }
  return entries;
}

/** Whether an ack error means "never going to work" (the entry fails) or "try again later". */
export function isDefinitiveSendError(code: string): boolean {
  return (
    code === 'invalid_input' ||
    code === 'not_found' ||
    code === 'payload_too_large' ||
    code === 'too_large' ||
    code === 'forbidden'
  );
}
