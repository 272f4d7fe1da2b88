import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Migration 0004_search (shipped: do not change what it creates; add a migration instead).
 * Only live text messages are indexed; edits and deletes are reflected by the database
 * itself, inside the writing transaction, so no code path can forget the index.
 *
 * - SQLite: an FTS5 table without content (the text is in `messages`), kept by triggers.
 *   Its rowids come from `message_search_ids`, an INTEGER PRIMARY KEY table, because the
 *   implicit rowid of `messages` (text primary key) may be renumbered by VACUUM. They grow
 *   in the order messages are stored, so "newest first" is "highest rowid first", which
 *   FTS5 walks without sorting the matches.
 * - PostgreSQL: a generated tsvector column ('simple' configuration: no stemming or stop
 *   words, so every language is searchable) with a GIN index.
 */
export async function createSearchIndex(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`
      alter table messages add column search_vector tsvector generated always as (
        to_tsvector('simple', case when kind = 'text' and deleted_at is null then body else '' end)
      ) stored`.execute(db);
    await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
    return;
  }
  await sql`
    create table message_search_ids (
      fts_rowid integer primary key,
      message_id text not null unique references messages(id) on delete cascade
    )`.execute(db);
  // unicode61 with remove_diacritics: "resume" finds "résumé"; tokens are runs of letters
  // and digits in any script.
  await sql`
    create virtual table messages_fts using fts5(
      body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
    )`.execute(db);
  const indexed = sql`new.kind = 'text' and new.deleted_at is null`;
  await sql`
    create trigger messages_fts_insert after insert on messages when ${indexed}
    begin
      insert into message_search_ids(message_id) values (new.id);
      insert into messages_fts(rowid, body) values (last_insert_rowid(), new.body);
    end`.execute(db);
  // An edit keeps the message's place (its fts rowid): rowid order is the order messages
  // were stored, which the search's newest-first relies on.
  await sql`
    create trigger messages_fts_update after update of body, deleted_at, kind on messages
    begin
      delete from messages_fts
        where rowid = (select fts_rowid from message_search_ids where message_id = old.id);
      insert or ignore into message_search_ids(message_id) select new.id where ${indexed};
      insert into messages_fts(rowid, body)
        select fts_rowid, new.body from message_search_ids where message_id = new.id and ${indexed};
      delete from message_search_ids where message_id = old.id and not (${indexed});
    end`.execute(db);
  await sql`
    create trigger messages_fts_delete before delete on messages
    begin
      delete from messages_fts
        where rowid = (select fts_rowid from message_search_ids where message_id = old.id);
    end`.execute(db);
  // What is already stored, oldest first, so rowids follow time as they will from now on.
  await sql`
    insert into message_search_ids(message_id)
      select id from messages where kind = 'text' and deleted_at is null
      order by created_at, conversation_id, seq`.execute(db);
  await sql`
    insert into messages_fts(rowid, body)
      select s.fts_rowid, m.body from message_search_ids s join messages m on m.id = s.message_id`.execute(
    db,
  );
}

/**
 * Migration 0009_search_punctuation: PostgreSQL's text parser reads `<Button onClick>` as one
 * `tag` token (which 'simple' drops), `bob@example.com` as one e-mail token and a URL as host
 * and path tokens, so their words were not found, while SQLite's tokenizer and the query's
 * own splitting (`searchTerms`: runs of letters and digits) see plain words. Indexing the body
 * with ASCII punctuation turned into spaces gives PostgreSQL the same words. SQLite: nothing.
 */
export async function indexWordsBetweenPunctuation(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop index messages_search`.execute(db);
  await sql`alter table messages drop column search_vector`.execute(db);
  await sql`
    alter table messages add column search_vector tsvector generated always as (
      to_tsvector('simple', translate(
        case when kind = 'text' and deleted_at is null then body else '' end,
        ${sql.lit(ASCII_PUNCTUATION)},
        ${sql.lit(' '.repeat(ASCII_PUNCTUATION.length))}
      ))
    ) stored`.execute(db);
  await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
}

/** Every printable ASCII character that is neither a letter nor a digit (nor a space). */
const ASCII_PUNCTUATION = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
  .filter((c) => !/[A-Za-z0-9 ]/.test(c))
  .join('');
