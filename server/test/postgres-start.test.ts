/**
 * Starting on PostgreSQL while other deployments (or test runs) in the same database create
 * and drop their schemas: Kysely's stock introspector scanned every schema by name and failed
 * our start with `schema "<theirs>" does not exist`. Runs only with PARLEY_TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openRepository } from '../src/storage/database.js';

const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
const schemas: string[] = [];

afterAll(async () => {
  if (!pgUrl) return;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
  await client.end();
});

describe.skipIf(!pgUrl)('starting on PostgreSQL beside schema churn', () => {
  it('opens (and migrates) every time while other schemas come and go', async () => {
    const churn = new pg.Client({ connectionString: pgUrl });
    await churn.connect();
    let churning = true;
    const churner = (async () => {
      while (churning) {
        const other = `parley_churn_${randomBytes(4).toString('hex')}`;
        await churn.query(`create schema "${other}"`);
        await churn.query(`create table "${other}".t (id int)`);
        await churn.query(`drop schema "${other}" cascade`);
      }
    })();
    try {
      for (let i = 0; i < 12; i++) {
        const schema = `parley_start_${randomBytes(6).toString('hex')}`;
        schemas.push(schema);
        const config = { ...loadConfig({}, []), databaseUrl: pgUrl, databaseSchema: schema };
        const first = await openRepository(config);
        await first.close();
        // A restart runs the Migrator's checks again on the now-existing schema.
        const again = await openRepository(config);
        await expect(again.searchUsers('nobody', { limit: 5 })).resolves.toEqual([]);
        await again.close();
      }
    } finally {
      churning = false;
      await churner;
      await churn.end();
    }
  });
});
