import { z } from 'zod';

/**
 * The outbox: messages the user sent that the server has not acknowledged yet (`pending`),
 * or that it refused for good (`failed`, until the user retries or discards them). It is
 * persisted in the host's storage after every change, so a crash or restart loses nothing:
 * pending messages are resent with their original `clientId`, which the server treats as
 * idempotent.
 */
export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  /** Already trimmed and validated. */
  body: string;
  /** When the user sent it (ISO), shown until the server's own time replaces it. */
  createdAt: string;
  status: 'pending' | 'failed';
  /** Why the server refused it, for failed entries. */
  error: string | null;
}

/** The storage key of the persisted outbox. */
export const OUTBOX_STORAGE_KEY = 'outbox';

const outboxEntrySchema = z.object({
  clientId: z.string().min(1),
  conversationId: z.string().min(1),
  body: z.string(),
  createdAt: z.string(),
  status: z.enum(['pending', 'failed']),
  error: z.string().nullable().default(null),
});

const persistedOutboxSchema = z.object({
  version: z.literal(1),
  /** The outbox belongs to one user: another user signing in on this device must not send it. */
  userId: z.string(),
  entries: z.array(z.unknown()),
});

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
  return code === 'invalid_input' || code === 'not_found' || code === 'payload_too_large';
}
