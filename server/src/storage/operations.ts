import type { AuditEntry } from '@parley/shared';
import type { NewAuditEntry } from './audit.js';

/** The Repository's operations side (issue 11): the audit log. */
export interface OperationsMethods {
  appendAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first; `before`: entries with a smaller id only. */
  listAudit(page: { limit: number; before?: number | undefined }): Promise<{
    entries: AuditEntry[];
    more: boolean;
  }>;
  /** The data's epoch (`GET /api/server`), a random id a restore replaces. */
  getEpoch(): Promise<string>;
  /** Gives the data a new epoch; returns it. */
  newEpoch(): Promise<string>;
}
