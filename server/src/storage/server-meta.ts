import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Server-wide values kept with the data (migration 0007_server_meta). `epoch` names this copy
 * of the data: a restore from a backup (or `parley-server admin new-epoch`) gives it a new
 * one, so clients that hold newer seqs than the restored data know to drop what they cached.
 */
export async function createServerMeta(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('server_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await (db as unknown as Kysely<Database>)
    .insertInto('server_meta')
    .values({ key: 'epoch', value: randomUUID() })
    .execute();
}

/** The data's epoch; made on the spot for data that somehow has none. */
export async function getEpoch(db: Kysely<Database>): Promise<string> {
  const read = () =>
    db.selectFrom('server_meta').select('value').where('key', '=', 'epoch').executeTakeFirst();
  const row = await read();
  if (row) return row.value;
  await db
    .insertInto('server_meta')
    .values({ key: 'epoch', value: randomUUID() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await read())!.value;
}

/** Gives the data a new epoch (after a restore) and returns it. */
export async function newEpoch(db: Kysely<Database>): Promise<string> {
  const epoch = randomUUID();
  await db
    .insertInto('server_meta')
    .values({ key: 'epoch', value: epoch })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: epoch }))
    .execute();
  return epoch;
}
