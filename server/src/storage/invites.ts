import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../errors.js';
import type { Database, InvitesTable } from './schema.js';

/** An invite as stored; the HTTP layer adds its `url`. */
export interface InviteRecord {
  code: string;
  /** null: made with the admin CLI. */
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
}

const toInvite = (row: Selectable<InvitesTable>): InviteRecord => ({
  code: row.code,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  maxUses: row.max_uses == null ? null : Number(row.max_uses),
  uses: Number(row.uses),
});

/**
 * Takes one use of an invite inside the registering transaction, so a refused sign-up (a
 * taken username) gives the use back. The guarded update is a compare-and-set: two sign-ups
 * racing for the last use cannot both win. Rejects with `forbidden` (no such code) or `gone`.
 */
export async function consumeInvite(trx: Transaction<Database>, code: string, now: string): Promise<void> {
  const updated = await trx
    .updateTable('invites')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('code', '=', code)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return;
  const exists = await trx.selectFrom('invites').select('code').where('code', '=', code).executeTakeFirst();
  if (!exists) throw new AppError('forbidden', 'That invite code is not valid');
  throw new AppError('gone', 'That invite has expired or been used up');
}

/** Invite codes: made by admins (or members), listed, deleted. */
export class InviteStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createInvite(input: Omit<InviteRecord, 'uses'>): Promise<InviteRecord> {
    await this.db
      .insertInto('invites')
      .values({
        code: input.code,
        created_by: input.createdBy,
        created_at: input.createdAt,
        expires_at: input.expiresAt,
        max_uses: input.maxUses,
      })
      .execute();
    return { ...input, uses: 0 };
  }

  /** Newest first; `createdBy` undefined lists everyone's (admins). */
  async listInvites(createdBy: string | undefined): Promise<InviteRecord[]> {
    let q = this.db.selectFrom('invites').selectAll();
    if (createdBy !== undefined) q = q.where('created_by', '=', createdBy);
    const rows = await q.orderBy('created_at', 'desc').orderBy('code').execute();
    return rows.map(toInvite);
  }

  /** False when there is no such invite (or, with `createdBy`, not one of theirs). */
  async deleteInvite(code: string, createdBy: string | undefined): Promise<boolean> {
    let q = this.db.deleteFrom('invites').where('code', '=', code);
    if (createdBy !== undefined) q = q.where('created_by', '=', createdBy);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
