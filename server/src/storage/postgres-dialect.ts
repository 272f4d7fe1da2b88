import {
  PostgresDialect,
  sql,
  type RawBuilder,
  type DatabaseIntrospector,
  type Kysely,
  type PostgresDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';

/**
 * PostgreSQL, with an introspector that looks only at our own schema (the configured one, or
 * the connection's `current_schema()`).
 *
 * Kysely's own introspector (which its Migrator calls at every start) lists the tables of
 * every schema in the database and checks `has_schema_privilege(name, ...)` on each by
 * name. When another deployment or test drops its schema during that scan, the name no
 * longer resolves and our start fails with `schema "<theirs>" does not exist`. Looking up
 * our schema by name once and everything else by OID cannot race like that.
 */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string | undefined,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const schema = this.schema ?? null;
    const ours = sql`coalesce(${schema}::text, current_schema())`;
    return {
      async getSchemas(): Promise<SchemaMetadata[]> {
        const { rows } = await sql<{ name: string }>`
          select nspname as name from pg_catalog.pg_namespace where nspname = ${ours}`.execute(db);
        return rows;
      },
      async getTables(): Promise<TableMetadata[]> {
        const { rows } = await sql<{ name: string; kind: string; schema: string }>`
          select c.relname as name, c.relkind as kind, n.nspname as schema
          from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where n.nspname = ${ours} and c.relkind in ('r', 'v', 'p', 'f')`.execute(db);
        return rows.map((r) => ({
          name: r.name,
          schema: r.schema,
          isView: r.kind === 'v',
          isForeign: r.kind === 'f',
          // Nothing here reads columns (the Migrator only asks whether its tables exist).
          columns: [],
        }));
      },
    };
  }
}

const PREPARED_MARK = /^\s*\/\* prepared:([a-z_]+) \*\/ /;

/**
 * Starts a statement that PostgreSQL should parse and plan once per connection: a named
 * prepared statement, for a hot statement whose text never changes (the text must be the
 * same on every run; pg refuses one name for two texts). Parsing and planning the lone
 * message insert each time was half of its cost in PostgreSQL's backend (docs/performance.md,
 * target 2). Put it first: sql`${preparedStatement('name')} select ...`.
 */
export const preparedStatement = (name: string): RawBuilder<unknown> => {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad prepared statement name: ${name}`);
  return sql.raw(`/* prepared:${name} */ `);
};

/**
 * The pool's client: sends a statement that begins with preparedStatement's mark under its
 * name, everything else as pg always does (Kysely calls `query(text, parameters)`).
 */
export class PreparingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query;
PreparingClient.prototype.query = function query(this: pg.Client, ...args: unknown[]) {
  const [text, values] = args;
  const name = args.length === 2 && typeof text === 'string' ? PREPARED_MARK.exec(text)?.[1] : undefined;
  const call = plainQuery as (...a: unknown[]) => unknown;
  return name ? call.call(this, { name, text, values }) : call.apply(this, args);
} as pg.Client['query'];
