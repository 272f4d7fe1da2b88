import { sql, type Kysely, type Selectable } from 'kysely';
import type { Message } from '@parley/shared';
import { hydrate } from './message-reads.js';
import type { Database, MessagesTable } from './schema.js';

export interface SearchInput {
  userId: string;
  query: string;
  conversationId?: string | undefined;
  limit: number;
}

/**
 * The words of a query: runs of letters and digits in any script, as both backends' tokenizers
 * see them, lower-cased. Everything else (quotes, operators, punctuation) is a separator, so
 * user input can never be read as query syntax.
 */
export function searchTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).slice(0, 16);
}

/**
 * Message search in the caller's conversations, newest first, deleted messages left out
 * (they are not in the index either). Newest first is the order of storing: on SQLite the
 * index's rowid (so a common word stops after `limit` hits instead of sorting them all), on
 * PostgreSQL `created_at`, then `seq`. Every term must match; the last one also as a prefix,
 * so results follow as the user types.
 */
export async function searchMessages(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  input: SearchInput,
): Promise<Message[]> {
  const terms = searchTerms(input.query);
  if (terms.length === 0) return [];
  const inConversation = input.conversationId ? sql`and m.conversation_id = ${input.conversationId}` : sql``;
  let rows: Selectable<MessagesTable>[];
  if (dialect === 'postgres') {
    const tsquery = terms.map((t, i) => `'${t}'${i === terms.length - 1 ? ':*' : ''}`).join(' & ');
    const result = await sql<Selectable<MessagesTable>>`
      select m.* from messages m
      join conversation_members me on me.conversation_id = m.conversation_id and me.user_id = ${input.userId}
      where m.search_vector @@ to_tsquery('simple', ${tsquery}) and m.deleted_at is null ${inConversation}
      order by m.created_at desc, m.seq desc, m.id desc
      limit ${input.limit}`.execute(db);
    rows = result.rows;
  } else {
    const match = terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
    const result = await sql<Selectable<MessagesTable>>`
      select m.* from messages_fts f
      join message_search_ids s on s.fts_rowid = f.rowid
      join messages m on m.id = s.message_id
      join conversation_members me on me.conversation_id = m.conversation_id and me.user_id = ${input.userId}
      where messages_fts match ${match} and m.deleted_at is null ${inConversation}
      order by f.rowid desc
      limit ${input.limit}`.execute(db);
    rows = result.rows;
  }
  // The generated tsvector column (PostgreSQL) is not part of a message.
  return hydrate(
    db,
    rows.map(
      ({ search_vector: _omit, ...row }: Selectable<MessagesTable> & { search_vector?: unknown }) => row,
    ),
  );
}
