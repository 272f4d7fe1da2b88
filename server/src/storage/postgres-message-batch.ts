import { sql, type Kysely, type Selectable } from 'kysely';
import { preparedStatement } from './postgres-dialect.js';
import { newMessageRow, type WriteResult } from './message-insert.js';
import type { InsertMessageInput } from './repository.js';
import { isUniqueViolation, toMessage } from './rows.js';
import type { Database, MessagesTable } from './schema.js';

/** Whether `input` can go into a one-statement batch: no reply to check, no attachments to claim. */
export const batchable = (input: InsertMessageInput) =>
  input.replyToId == null && !(input.attachmentIds && input.attachmentIds.length > 0);

type Row = Selectable<MessagesTable>;

/**
 * PostgreSQL: a batch of plain messages (one, under light load, with several batches in
 * flight over the pool) in one statement and one round trip, instead of a transaction of
 * eight (BEGIN, members, stored clientIds, the lock, the bump, the insert, the read
 * positions, COMMIT). The statement's text is the same for any batch size (the messages
 * arrive as one array per column), so PostgreSQL parses and plans it once per connection.
 *
 * A statement outside a transaction commits on its own and is atomic. In it: the senders'
 * memberships are checked, the conversation rows are locked in id order (the order every
 * writer takes them, so no deadlock; the bump joins `locked`, so it changes only rows already
 * locked in that order) and bumped by the number of messages each receives,
 * the messages are inserted with gap-free seqs and versions in arrival order, and each
 * sender's read position moves to their last message.
 *
 * Answers one result per input, in order: undefined for a message it did not store (not a
 * member, the conversation gone), which the per-message path then answers exactly (a retry
 * of a stored message is answered with it). Answers null when it stored nothing because a
 * clientId is taken (a retry, or twice in this batch): the whole statement rolled back.
 *
 * `inputs` must be in conversation order, arrival order within one (runBatch's order).
 */
export async function insertBatchInOneStatement(
  db: Kysely<Database>,
  inputs: readonly InsertMessageInput[],
): Promise<(WriteResult | undefined)[] | null> {
  // The row's shape has one home (newMessageRow); seq and version come from the bump.
  const rows = inputs.map((input) => newMessageRow(input, 0, 0));
  const columns = (Object.keys(rows[0]!) as (keyof Row)[]).filter((c) => c !== 'seq' && c !== 'version');
  const arrays = columns.map((column) => sql`${rows.map((row) => row[column])}::text[]`);
  const ref = (column: string) => sql.ref(column);
  try {
    const { rows: stored } = await sql<{ id: string; seq: number; version: number }>`
      ${preparedStatement('insert_message_batch')}
      with input as (
        select * from unnest(${sql.join(arrays)}) with ordinality
          as i(${sql.join(columns.map(ref))}, ord)
      ), accepted as (
        select input.* from input
        where exists (select 1 from conversation_members m
                      where m.conversation_id = input.conversation_id and m.user_id = input.sender_id)
      ), counts as (
        select conversation_id, count(*)::int as k, max(created_at) as at
        from accepted group by conversation_id
      ), locked as (
        select id from conversations where id in (select conversation_id from counts)
        order by id for update
      ), bumped as (
        update conversations c
        set last_seq = c.last_seq + counts.k, version = c.version + counts.k,
            last_activity_at = counts.at
        from counts join locked on locked.id = counts.conversation_id
        where c.id = counts.conversation_id
        returning c.id, c.last_seq - counts.k as seq0, c.version - counts.k as version0
      ), inserted as (
        insert into messages (${sql.join([...columns, 'seq', 'version'].map(ref))})
        select ${sql.join(columns.map((column) => sql.ref(`a.${column}`)))},
          b.seq0 + row_number() over w, b.version0 + row_number() over w
        from accepted a join bumped b on b.id = a.conversation_id
        window w as (partition by a.conversation_id order by a.ord)
        returning id, conversation_id, sender_id, seq, version, created_at
      ), read_positions as (
        update conversation_members m set read_seq = r.seq, read_at = r.created_at
        from (select distinct on (conversation_id, sender_id) conversation_id, sender_id, seq, created_at
              from inserted order by conversation_id, sender_id, seq desc) r
        where m.conversation_id = r.conversation_id and m.user_id = r.sender_id
          and m.read_seq < r.seq
      )
      select id, seq, version from inserted`.execute(db);
    const byId = new Map(stored.map((r) => [r.id, r]));
    return rows.map((row) => {
      const got = byId.get(row.id);
      if (!got) return undefined;
      const message = toMessage({ ...row, seq: Number(got.seq), version: Number(got.version) });
      return { message, changed: true };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}
