/**
 * The desktop app's accounts as kept in the plain settings store (`settings.json`, key
 * `accounts`): ids, which store file holds each one's encrypted client data, the server and
 * names the rail shows, the order, and the active one. No secrets live here.
 *
 * A profile from before several accounts existed has none: its `session.json` becomes the
 * first account as it is (no file moves, no re-login).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../stores.js';

/** The store file of the first account: the single-account app's own `session.json`. */
export const LEGACY_STORE_NAME = 'session';

const KEY = 'accounts';

// Store names are checked on every read: remove() deletes the file by this name, so a tampered
// settings.json must not be able to point it anywhere else.
const storeNameSchema = z.string().regex(/^session(-[0-9a-f-]{36})?$/);

const recordSchema = z.object({
  id: z.uuid(),
  store: storeNameSchema,
  serverUrl: z.string().nullable(),
  serverLabel: z.string().nullable(),
  displayName: z.string().nullable(),
});

export type AccountRecord = z.infer<typeof recordSchema>;
export type AccountDetails = Partial<Pick<AccountRecord, 'serverUrl' | 'serverLabel' | 'displayName'>>;

const savedSchema = z.object({ list: z.array(z.unknown()), active: z.string().nullable() });

export class AccountRegistry {
  private records: AccountRecord[];
  private active: string;

  constructor(
    private readonly store: KeyValueStore,
    private readonly newId: () => string = randomUUID,
  ) {
    const saved = savedSchema.safeParse(store.get(KEY));
    const records = saved.success
      ? saved.data.list.flatMap((entry) => {
          const parsed = recordSchema.safeParse(entry);
          return parsed.success ? [parsed.data] : [];
        })
      : [];
    // Two records on one file would delete each other's data; the first one keeps it.
    this.records = records.filter((r, i) => records.findIndex((o) => o.store === r.store) === i);
    if (this.records.length === 0) this.records = [this.migrated()];
    const active = saved.success ? saved.data.active : null;
    this.active = this.records.some((r) => r.id === active) ? active! : this.records[0]!.id;
    this.save();
  }

  list(): readonly AccountRecord[] {
    return this.records;
  }

  get(id: string): AccountRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  activeId(): string {
    return this.active;
  }

  setActive(id: string): void {
    if (!this.get(id)) throw new Error(`no account ${id}`);
    this.active = id;
    this.save();
  }

  /** A new, empty account at the end of the list, with a store file of its own. */
  add(): AccountRecord {
    const id = this.newId();
    const record: AccountRecord = {
      id,
      store: this.records.some((r) => r.store === LEGACY_STORE_NAME) ? `session-${id}` : LEGACY_STORE_NAME,
      serverUrl: null,
      serverLabel: null,
      displayName: null,
    };
    this.records = [...this.records, recordSchema.parse(record)];
    this.save();
    return record;
  }

  update(id: string, details: AccountDetails): AccountRecord {
    const current = this.get(id);
    if (!current) throw new Error(`no account ${id}`);
    const next = { ...current, ...details };
    this.records = this.records.map((r) => (r.id === id ? next : r));
    this.save();
    return next;
  }

  /** Drops the record; the active account moves to the first one left (the caller keeps one). */
  remove(id: string): void {
    this.records = this.records.filter((r) => r.id !== id);
    if (this.active === id) this.active = this.records[0]?.id ?? '';
    this.save();
  }

  private migrated(): AccountRecord {
    // The single-account app kept its last server in `serverUrl`; session.json is its store.
    const serverUrl = this.store.get('serverUrl');
    return {
      id: this.newId(),
      store: LEGACY_STORE_NAME,
      serverUrl: typeof serverUrl === 'string' && serverUrl ? serverUrl : null,
      serverLabel: null,
      displayName: null,
    };
  }

  private save(): void {
    this.store.set(KEY, { list: this.records, active: this.active || null });
  }
}
