import { PostgresAdapter, type Kysely } from 'kysely';
import type { AuditAction, AuditEntry } from '@parley/shared';
import type { Database } from './schema.js';

/** An audit entry to store; `id` is the database's. */
export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Migration 0006_audit_log: an append-only table, read newest first by its increasing id. */
export async function createAuditLog(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('audit_log')
    // An increasing integer on both backends: the paging cursor, and the order of events.
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    // No foreign keys: the record outlives what it names.
    .addColumn('actor_id', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
}

/** The audit log: appended by the routes and the CLI, read by server admins. */
export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async appendAudit(entry: NewAuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        action: entry.action,
        actor_id: entry.actorId,
        target_id: entry.targetId,
        ip: entry.ip,
        details: JSON.stringify(entry.details),
      })
      .execute();
  }

  /** Newest first; `before`: only entries with a smaller id. One more than `limit` tells `more`. */
  async listAudit(page: { limit: number; before?: number | undefined }): Promise<{
    entries: AuditEntry[];
    more: boolean;
  }> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (page.before !== undefined) q = q.where('id', '<', page.before);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    return {
      more: rows.length > page.limit,
      entries: rows.slice(0, page.limit).map((r) => ({
        id: Number(r.id),
        at: r.at,
        action: r.action as AuditAction,
        actorId: r.actor_id,
        targetId: r.target_id,
        ip: r.ip,
        details: JSON.parse(r.details) as Record<string, unknown>,
      })),
    };
  }
}
