import type { Kysely, Selectable } from 'kysely';
import type { ChangesResponse, Message, Reaction } from '@parley/shared';
import { attachmentsOf } from './attachments.js';
import type { Repository } from './repository.js';
import { toMessage } from './rows.js';
import type { Database, MessagesTable } from './schema.js';

/**
 * The reactions of some messages, keyed by message id: per message, emoji in the order of
 * their first reaction (an emoji keeps its place while anyone still reacts with it) and
 * users in the order they reacted. Both orders come from versions, which are unique per
 * conversation, so they are exact where timestamps could tie.
 */
export async function reactionsOf(
  db: Kysely<Database>,
  messageIds: readonly string[],
): Promise<Map<string, Reaction[]>> {
  const result = new Map<string, Reaction[]>();
  if (messageIds.length === 0) return result;
  const rows = await db
    .selectFrom('message_reactions')
    .select(['message_id', 'emoji', 'user_id'])
    .where('message_id', 'in', [...messageIds])
    .orderBy('message_id')
    .orderBy('emoji_version')
    .orderBy('version')
    .execute();
  for (const row of rows) {
    let list = result.get(row.message_id);
    if (!list) result.set(row.message_id, (list = []));
    let reaction = list.find((r) => r.emoji === row.emoji);
    if (!reaction) list.push((reaction = { emoji: row.emoji, userIds: [] }));
    reaction.userIds.push(row.user_id);
  }
  return result;
}

/** Message rows in wire shape, with their reactions (one query for the lot). */
export async function hydrate(db: Kysely<Database>, rows: readonly Selectable<MessagesTable>[]) {
  const live = rows.filter((r) => r.deleted_at == null).map((r) => r.id);
  const reactions = await reactionsOf(db, live);
  const attachments = await attachmentsOf(db, live);
  return rows.map((row) => {
    const message = toMessage(row, reactions.get(row.id));
    const files = attachments.get(row.id);
    if (files) message.attachments = files;
    return message;
  });
}

type ReadMethods = 'findMessageByClientId' | 'listMessages' | 'listChanges' | 'findMessageOfMember';

/** Reading messages: history pages, the change feed, single look-ups. */
export class MessageReads implements Pick<Repository, ReadMethods> {
  constructor(private readonly db: Kysely<Database>) {}

  async findMessageByClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row && (await hydrate(this.db, [row]))[0];
  }

  /** The message, if `userId` is a member of its conversation (else nothing, as if missing). */
  async findMessageOfMember(messageId: string, userId: string): Promise<Message | undefined> {
    const row = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversation_members as me', (j) =>
        j.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId),
      )
      .selectAll('m')
      .where('m.id', '=', messageId)
      .executeTakeFirst();
    return row && (await hydrate(this.db, [row]))[0];
  }

  async listMessages(
    conversationId: string,
    page: {
      afterSeq?: number | undefined;
      beforeSeq?: number | undefined;
      aroundSeq?: number | undefined;
      limit: number;
    },
  ): Promise<Message[]> {
    const base = () =>
      this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    let rows: Selectable<MessagesTable>[];
    if (page.aroundSeq !== undefined) {
      // Centred: about half the page before the seq and the rest from it on (the seq itself
      // included), so a jump to a reply or a search hit lands in the middle of what loads.
      // Near either end of the history the other side fills the page.
      const older = await base()
        .where('seq', '<', page.aroundSeq)
        .orderBy('seq', 'desc')
        .limit(page.limit)
        .execute();
      const newer = await base()
        .where('seq', '>=', page.aroundSeq)
        .orderBy('seq', 'asc')
        .limit(page.limit)
        .execute();
      const half = Math.floor((page.limit - 1) / 2);
      const takeOlder = Math.min(older.length, Math.max(half, page.limit - newer.length));
      rows = [...older.slice(0, takeOlder).reverse(), ...newer.slice(0, page.limit - takeOlder)];
    } else {
      let q = base();
      if (page.beforeSeq !== undefined) q = q.where('seq', '<', page.beforeSeq);
      if (page.afterSeq !== undefined) {
        rows = await q.where('seq', '>', page.afterSeq).orderBy('seq', 'asc').limit(page.limit).execute();
      } else {
        rows = (await q.orderBy('seq', 'desc').limit(page.limit).execute()).reverse();
      }
    }
    return hydrate(this.db, rows);
  }

  async listChanges(
    conversationId: string,
    sinceVersion: number,
    limit: number,
  ): Promise<ChangesResponse | undefined> {
    // The version first, then only messages up to it. Versions are handed out under the
    // conversation row's lock (PostgreSQL) or by the single writer (SQLite) and commit with
    // the change, so once version V is visible every change up to V is too: the page never
    // reports a version whose changes it left out. A change committed after this read gets
    // a higher version and comes with the next call.
    const conversation = await this.db
      .selectFrom('conversations')
      .select('version')
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!conversation) return undefined;
    const version = Number(conversation.version);
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('version', '>', sinceVersion)
      .where('version', '<=', version)
      .orderBy('version', 'asc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    return { messages: await hydrate(this.db, more ? rows.slice(0, limit) : rows), version, more };
  }
}
