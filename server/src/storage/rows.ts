import type { Selectable } from 'kysely';
import type { CallRecord, Message, Reaction, SystemEvent, User } from '@parley/shared';
import type { MessagesTable, UsersTable } from './schema.js';

/**
 * Row ↔ wire-shape helpers shared by the storage modules. Kept apart from the queries so
 * every module builds a Message or a User the same way (tests compare answers to stored rows).
 */

/** SQLite reports SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, PostgreSQL 23505. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Plain code-unit order (not locale order): the same in every process, for lock ordering. */
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const userColumns = [
  'id',
  'username',
  'display_name',
  'last_seen_at',
  'deactivated_at',
  'avatar_id',
] as const;

/** What a deactivated account is called everywhere (its own name is kept for admins). */
export const DELETED_USER_NAME = 'Deleted user';

/** `%` and `_` in user input must match themselves in LIKE. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** A user row in wire shape; `deactivated_at`/`avatar_id` are optional so older selects still fit. */
export function toUser(
  row: Pick<Selectable<UsersTable>, 'id' | 'username' | 'display_name' | 'last_seen_at'> &
    Partial<Pick<Selectable<UsersTable>, 'deactivated_at' | 'avatar_id'>>,
): User {
  const user: User = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    lastSeenAt: row.last_seen_at,
  };
  if (row.avatar_id != null) user.avatarId = row.avatar_id;
  if (row.deactivated_at != null) {
    user.displayName = DELETED_USER_NAME;
    user.deactivated = true;
    delete user.avatarId;
  }
  return user;
}

/**
 * A message row in wire shape. Reactions live in their own table and are added by
 * `withReactions`; an empty list is left out, so a fresh message looks the same whether it
 * comes from the insert or from a read.
 */
export function toMessage(row: Selectable<MessagesTable>, reactions?: Reaction[]): Message {
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind,
    body: row.body,
    createdAt: row.created_at,
    version: Number(row.version),
  };
  if (row.reply_to_id != null) message.replyToId = row.reply_to_id;
  if (row.edited_at != null) message.editedAt = row.edited_at;
  if (row.deleted_at != null) message.deletedAt = row.deleted_at;
  if (row.call_json != null) message.call = JSON.parse(row.call_json) as CallRecord;
  if (row.system_json != null) message.system = JSON.parse(row.system_json) as SystemEvent;
  if (reactions && reactions.length > 0) message.reactions = reactions;
  return message;
}
