import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Kept dialect-neutral so SQLite and PostgreSQL share
 * every query: ids are text (crypto.randomUUID), times are ISO 8601 text (they sort
 * correctly as strings), counters are integers, JSON is text.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  message_reactions: MessageReactionsTable;
  attachments: AttachmentsTable;
  invites: InvitesTable;
  audit_log: AuditLogTable;
  server_meta: ServerMetaTable;
}

export interface UsersTable {
  id: string;
  /** Lower case; unique. */
  username: string;
  display_name: string;
  /** `scrypt$logN$r$p$salt$hash` (base64url). */
  password_hash: string;
  created_at: string;
  last_seen_at: string | null;
  /** Server-wide role (0005): the first account is an admin. Never shown to other users. */
  server_role: Generated<'admin' | 'user'>;
  /** Set when the account was deactivated: it cannot sign in, and shows as "Deleted user". */
  deactivated_at: Generated<string | null>;
  avatar_id: Generated<string | null>;
}

/** One login: every refresh token descended from that login belongs to it. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  revoked_at: string | null;
  /** The User-Agent of the login (0005), for the sessions list. */
  user_agent: Generated<string | null>;
  /** Login or the latest refresh (so within one access-token lifetime of the last use). */
  last_used_at: Generated<string | null>;
}

export interface RefreshTokensTable {
  /** sha256 of the opaque token, hex. The token itself is never stored. */
  token_hash: string;
  session_id: string;
  created_at: string;
  expires_at: string;
  /** Set when the token was exchanged; presenting it again means it leaked. */
  rotated_at: string | null;
}

export interface ConversationsTable {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  /** The group picture (`avatar-<id>` in the file store); null: none. */
  avatar_id: Generated<string | null>;
  /** For direct conversations: the two user ids, sorted, joined by a space. Unique, so a pair has one. */
  direct_key: string | null;
  created_by: string;
  created_at: string;
  /** The highest seq handed out; bumped in the same transaction as each insert. */
  last_seq: Generated<number>;
  last_activity_at: string;
  /**
   * The change feed position: the highest version handed out. Bumped by 1, in the writing
   * transaction, by every change to the conversation or its messages (see docs/architecture.md).
   */
  version: Generated<number>;
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  joined_at: string;
  read_seq: Generated<number>;
  read_at: string | null;
  role: Generated<'admin' | 'member'>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  kind: 'text' | 'call' | 'system';
  body: string;
  reply_to_id: string | null;
  /** The call record of `kind: "call"` messages, as JSON. */
  call_json: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  /** The conversation's version when this message last changed; unique per conversation. */
  version: number;
  /** What a `kind: "system"` message records, as JSON. */
  system_json: string | null;
}

/** One user's reaction with one emoji on one message. */
export interface MessageReactionsTable {
  message_id: string;
  emoji: string;
  user_id: string;
  /** The conversation version this reaction was stored at: orders the users of one emoji. */
  version: number;
  /**
   * The version of the first standing reaction with this emoji on this message when this
   * one was stored: orders the emoji, and keeps an emoji's place when its first reactor
   * takes theirs back.
   */
  emoji_version: number;
}

/** An invite code (0005): lets `uses < max_uses` people register until `expires_at`. */
export interface InvitesTable {
  code: string;
  /** null: made with the admin CLI. */
  created_by: string | null;
  created_at: string;
  /** null: no expiry. */
  expires_at: string | null;
  /** null: unlimited. */
  max_uses: number | null;
  uses: Generated<number>;
}

/** An uploaded file (0003). `message_id` is null until a message carries it. */
export interface AttachmentsTable {
  id: string;
  uploader_id: string;
  message_id: string | null;
  /** Its place among the message's attachments. */
  position: Generated<number>;
  /** The file name as uploaded, cleaned (no path, no control characters). */
  name: string;
  /** Sniffed from the content, never taken from the upload's declared type. */
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  /** The thumbnail's type when there is one (images only). */
  thumbnail_type: string | null;
  /** Where the bytes are in the AttachmentStore; the thumbnail is under `<key>.thumb`. */
  storage_key: string;
  created_at: string;
}

/** One audit entry (0006): sign-ins, password changes, revocations, admin actions. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  action: string;
  actor_id: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON object. */
  details: string;
}

/** Server-wide values (0007): `epoch`, and in a backup file `jwt_secret`. */
export interface ServerMetaTable {
  key: string;
  value: string;
}
