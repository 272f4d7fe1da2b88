import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Attachment, Message } from '@parley/shared';
import { AppError } from '../errors.js';
import type { AttachmentsTable, Database } from './schema.js';
import type { SearchInput } from './search.js';

export type AttachmentRow = Selectable<AttachmentsTable>;

/** A row in wire shape. */
export function toAttachment(row: AttachmentRow): Attachment {
  const attachment: Attachment = {
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size),
    hasThumbnail: row.thumbnail_type != null,
  };
  if (row.width != null) attachment.width = Number(row.width);
  if (row.height != null) attachment.height = Number(row.height);
  return attachment;
}

/** The attachments of some messages, keyed by message id, in the order they were sent. */
export async function attachmentsOf(
  db: Kysely<Database>,
  messageIds: readonly string[],
): Promise<Map<string, Attachment[]>> {
  const result = new Map<string, Attachment[]>();
  if (messageIds.length === 0) return result;
  const rows = await db
    .selectFrom('attachments')
    .selectAll()
    .where('message_id', 'in', [...messageIds])
    .orderBy('message_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    let list = result.get(row.message_id!);
    if (!list) result.set(row.message_id!, (list = []));
    list.push(toAttachment(row));
  }
  return result;
}

/**
 * Gives uploads to a new message, inside its transaction: each must be the sender's and not
 * sent yet. One that is not (someone else's, already sent, expired, unknown) fails the whole
 * message with `invalid_input`, and the savepoint undoes the insert.
 */
export async function claimAttachments(
  trx: Transaction<Database>,
  messageId: string,
  senderId: string,
  attachmentIds: readonly string[],
): Promise<Attachment[]> {
  const claimed: Attachment[] = [];
  for (const [position, id] of attachmentIds.entries()) {
    const row = await trx
      .updateTable('attachments')
      .set({ message_id: messageId, position })
      .where('id', '=', id)
      .where('uploader_id', '=', senderId)
      .where('message_id', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      throw new AppError('invalid_input', 'An attachment is unknown, not yours, or already sent', {
        attachmentIds: `no unsent upload of yours with id ${id}`,
      });
    }
    claimed.push(toAttachment(row));
  }
  return claimed;
}

/**
 * Deletes a message's attachment rows inside its delete transaction; returns their storage
 * keys, whose files the caller removes once that transaction has committed.
 */
export async function removeAttachmentsOf(trx: Transaction<Database>, messageId: string): Promise<string[]> {
  const rows = await trx
    .deleteFrom('attachments')
    .where('message_id', '=', messageId)
    .returning('storage_key')
    .execute();
  return rows.map((r) => r.storage_key);
}

/** Attachment rows: uploads, access checks, expiry. */
export class AttachmentRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async createAttachment(row: AttachmentRow): Promise<Attachment> {
    await this.db.insertInto('attachments').values(row).execute();
    return toAttachment(row);
  }

  /**
   * The attachment if `userId` may see it: they uploaded it, or they are a member of the
   * conversation of the (live) message carrying it. Anything else looks like no attachment.
   */
  async getAttachmentFor(id: string, userId: string): Promise<AttachmentRow | undefined> {
    return this.db
      .selectFrom('attachments as a')
      .selectAll('a')
      .where('a.id', '=', id)
      .where((eb) =>
        eb.or([
          eb('a.uploader_id', '=', userId),
          eb.exists(
            eb
              .selectFrom('messages as m')
              .innerJoin('conversation_members as me', 'me.conversation_id', 'm.conversation_id')
              .select('m.id')
              .whereRef('m.id', '=', 'a.message_id')
              .where('m.deleted_at', 'is', null)
              .where('me.user_id', '=', userId),
          ),
        ]),
      )
      .executeTakeFirst();
  }

  /** Deletes uploads never sent that were made before `before`; returns their storage keys. */
  async purgeUnsentAttachments(before: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('attachments')
      .where('message_id', 'is', null)
      .where('created_at', '<', before)
      .returning('storage_key')
      .execute();
    return rows.map((r) => r.storage_key);
  }
}

/** The Repository's part for contract v1.1 files and search (implemented by KyselyRepository). */
export interface FileAndSearchMethods {
  /** Stores an upload's row (not yet carried by any message). */
  createAttachment(row: AttachmentRow): Promise<Attachment>;
  /** The attachment if `userId` uploaded it or is a member of a conversation whose live message carries it. */
  getAttachmentFor(id: string, userId: string): Promise<AttachmentRow | undefined>;
  /** Deletes uploads never sent, made before `before`; resolves to their storage keys. */
  purgeUnsentAttachments(before: string): Promise<string[]>;
  /** Live messages matching `query` in the user's conversations, newest first (see search.ts). */
  searchMessages(input: SearchInput): Promise<Message[]>;
}
