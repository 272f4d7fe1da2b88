import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { notFound } from '../errors.js';
import type { ItemOutcome } from './group-commit.js';
import { newMessageRow, type WriteResult } from './message-insert.js';
import type { InsertMessageInput } from './repository.js';
import { isUniqueViolation, toMessage } from './rows.js';
import type { Database, MessagesTable } from './schema.js';

/**
 * Thrown when the optimistic multi-row batch met something only the per-message path
 * handles (a clientId stored meanwhile by a concurrent transaction). The transaction rolls
 * back whole; the caller runs the batch again the per-message way.
 */
export class BatchFallback extends Error {
  constructor(override readonly cause: unknown) {
    super('multi-row batch fell back to per-message inserts');
  }
}

/** Whether `input` can go into a multi-row batch: no reply to check, no attachments to claim. */
export const batchable = (input: InsertMessageInput) =>
  input.replyToId == null && !(input.attachmentIds && input.attachmentIds.length > 0);

type Row = Selectable<MessagesTable>;

/**
 * PostgreSQL: a batch of plain messages in a fixed number of round trips, whatever its size
 * (one insert per message made PostgreSQL bound by round trips, issue 14): the members and
 * the already-stored clientIds in one query each, the conversation rows locked in id order
 * (the same order every batch and every per-message write takes them, so no deadlock) and
 * bumped by the number of messages each receives in one statement, one multi-row insert, and
 * one update of the senders' read positions. Gap-free seqs and versions as before: they are
 * handed out under the row lock, in arrival order within a conversation.
 *
 * `inputs` must be in conversation order, arrival order within one (runBatch's order).
 */
export async function insertBatchPostgres(
  trx: Transaction<Database>,
  inputs: readonly InsertMessageInput[],
): Promise<ItemOutcome<WriteResult>[]> {
  const pairs = (list: readonly { a: string; b: string }[]) =>
    sql.join(list.map(({ a, b }) => sql`(${a}, ${b})`));
  const memberRows = await sql<{ conversation_id: string; user_id: string }>`
    select conversation_id, user_id from conversation_members
    where (conversation_id, user_id) in (${pairs(inputs.map((i) => ({ a: i.conversationId, b: i.senderId })))})`.execute(
    trx,
  );
  const members = new Set(memberRows.rows.map((r) => `${r.conversation_id}\u0000${r.user_id}`));
  const storedRows = await sql<Row>`
    select * from messages
    where (sender_id, client_id) in (${pairs(inputs.map((i) => ({ a: i.senderId, b: i.clientId })))})`.execute(
    trx,
  );
  // A retry of a stored message is answered with the stored row, reactions and all: rare,
  // so the per-message path does it.
  if (storedRows.rows.length > 0) throw new BatchFallback(null);

  // Which inputs take a new row; a clientId repeated within the batch is answered with the
  // first one's row; a non-member learns only "no such conversation".
  const outcomes: ItemOutcome<WriteResult>[] = new Array(inputs.length);
  const fresh: number[] = [];
  const claimed = new Map<string, number>();
  inputs.forEach((input, i) => {
    const key = `${input.senderId}\u0000${input.clientId}`;
    if (claimed.has(key)) return; // answered below, once the first one has its row
    if (!members.has(`${input.conversationId}\u0000${input.senderId}`)) {
      outcomes[i] = { ok: false, error: notFound() };
      return;
    }
    claimed.set(key, i);
    fresh.push(i);
  });

  const counts = new Map<string, number>();
  for (const i of fresh)
    counts.set(inputs[i]!.conversationId, (counts.get(inputs[i]!.conversationId) ?? 0) + 1);
  const ids = [...counts.keys()].sort();
  const rows: Row[] = [];
  if (ids.length > 0) {
    const now = inputs[fresh[fresh.length - 1]!]!.now;
    // Lock in id order first (the order every writer takes), then bump each by its count.
    await sql`select id from conversations where id in (${sql.join(ids)}) order by id for update`.execute(
      trx,
    );
    const bumped = await sql<{ id: string; last_seq: number; version: number }>`
      update conversations c
      set last_seq = c.last_seq + v.k, version = c.version + v.k, last_activity_at = ${now}
      from (values ${sql.join(ids.map((id) => sql`(${id}, ${counts.get(id)!}::int)`))}) as v(id, k)
      where c.id = v.id
      returning c.id, c.last_seq, c.version`.execute(trx);
    // A conversation deleted since the member look-up: the per-message path sorts that out.
    if (bumped.rows.length !== ids.length) throw new BatchFallback(null);
    const next = new Map(
      bumped.rows.map((r) => [
        r.id,
        { seq: Number(r.last_seq) - counts.get(r.id)!, version: Number(r.version) - counts.get(r.id)! },
      ]),
    );
    for (const i of fresh) {
      const input = inputs[i]!;
      const at = next.get(input.conversationId)!;
      at.seq++;
      at.version++;
      rows.push(newMessageRow(input, at.seq, at.version));
    }
    try {
      await trx.insertInto('messages').values(rows).execute();
    } catch (err) {
      // A concurrent transaction stored one of these clientIds since the look-up above.
      throw new BatchFallback(err);
    }
    // Sending implies reading: each sender's position moves to their last message here.
    const reads = new Map<string, Row>();
    for (const row of rows) reads.set(`${row.conversation_id}\u0000${row.sender_id}`, row);
    await sql`
      update conversation_members m set read_seq = v.seq, read_at = v.at
      from (values ${sql.join(
        [...reads.values()].map(
          (r) => sql`(${r.conversation_id}, ${r.sender_id}, ${r.seq}::int, ${r.created_at})`,
        ),
      )}) as v(cid, uid, seq, at)
      where m.conversation_id = v.cid and m.user_id = v.uid and m.read_seq < v.seq`.execute(trx);
  }
  fresh.forEach(
    (i, n) => (outcomes[i] = { ok: true, value: { message: toMessage(rows[n]!), changed: true } }),
  );
  inputs.forEach((input, i) => {
    const first = claimed.get(`${input.senderId}\u0000${input.clientId}`);
    const original = first === undefined || first === i ? undefined : outcomes[first];
    if (original?.ok) outcomes[i] = { ok: true, value: { message: original.value.message, changed: false } };
  });
  return outcomes;
}

/**
 * PostgreSQL: one plain message alone (what a batch is under light load, with several
 * batches in flight over the pool) in one statement and one round trip, instead of five
 * (BEGIN, the bump, the insert, the read position, COMMIT). A statement outside a
 * transaction commits on its own and is atomic: the bump (which is also the membership
 * check, under the conversation's row lock), the insert with the seq and version it got, and
 * the sender's read position commit together or not at all.
 *
 * Answers null when it stored nothing, so the per-message path can give the exact answer:
 * no row from the bump (not a member, or the conversation is gone: a retry of a stored
 * message is still answered with it), or a repeated clientId (the unique constraint; the
 * statement rolled back whole).
 */
export async function insertAlonePostgres(
  db: Kysely<Database>,
  input: InsertMessageInput,
): Promise<WriteResult | null> {
  // The row's shape has one home (newMessageRow); only seq and version come from the bump.
  const row = newMessageRow(input, 0, 0);
  const columns = Object.keys(row) as (keyof typeof row)[];
  const values = columns.map((column) =>
    column === 'seq' ? sql`last_seq` : column === 'version' ? sql`version` : sql`${row[column]}`,
  );
  try {
    const { rows } = await sql<{ seq: number; version: number }>`
      with bumped as (
        update conversations
        set last_seq = last_seq + 1, version = version + 1, last_activity_at = ${input.now}
        where id = ${input.conversationId}
          and exists (select 1 from conversation_members
                      where conversation_id = ${input.conversationId} and user_id = ${input.senderId})
        returning last_seq, version
      ), inserted as (
        insert into messages (${sql.join(columns.map((column) => sql.ref(column)))})
        select ${sql.join(values)} from bumped
        returning seq, version
      ), read_position as (
        update conversation_members set read_seq = inserted.seq, read_at = ${input.now}
        from inserted
        where conversation_id = ${input.conversationId} and user_id = ${input.senderId}
          and read_seq < inserted.seq
      )
      select seq, version from inserted`.execute(db);
    const stored = rows[0];
    if (!stored) return null;
    const message = toMessage({ ...row, seq: Number(stored.seq), version: Number(stored.version) });
    return { message, changed: true };
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}
