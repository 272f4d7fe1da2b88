import type {
  AdminUser,
  CallRecord,
  ChangesResponse,
  Conversation,
  ConversationType,
  Message,
  MessageKind,
  ServerRole,
  SystemEvent,
  User,
} from '@parley/shared';
import type { SessionRecord } from './account-admin.js';
import type { FileAndSearchMethods } from './attachments.js';
import type { ConversationChangeResult } from './conversation-changes.js';
import type { InviteRecord } from './invites.js';
import type { OperationsMethods } from './operations.js';

/**
 * Everything the server stores, behind one interface. Handlers only ever talk to this, so a
 * second backend (PostgreSQL next to SQLite) changes nothing above it. Results are already
 * in wire shape; presence (`online`) is added by the caller, `lastSeenAt` comes from here.
 *
 * Conventions: "not a member" and "does not exist" look the same (`undefined`/`false`), so
 * handlers cannot leak membership by accident.
 */
export interface Repository extends FileAndSearchMethods, OperationsMethods {
  /** Which backend this is, for /health and logs. */
  readonly dialect: 'sqlite' | 'postgres';
  /** A trivial query; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Waits for in-flight queries, then closes the connection(s). */
  close(): Promise<void>;

  // ---- users ----
  /**
   * Rejects with `AppError('username_taken')` if the (lower-case) username exists. The first
   * account becomes a server admin. With `inviteCode`, one use of that invite is taken in the
   * same transaction (`forbidden`: no such invite, `gone`: expired or used up).
   */
  createUser(input: CreateUserInput): Promise<User>;
  findCredentials(username: string): Promise<{ user: User; passwordHash: string } | undefined>;
  getUser(id: string): Promise<User | undefined>;
  /** Users with any of these ids; unknown ids are left out. */
  getUsers(ids: readonly string[]): Promise<User[]>;
  /** Prefix match (case-insensitive) on username or display name, ordered by username. */
  searchUsers(prefix: string, options: UserSearchOptions): Promise<User[]>;
  setLastSeen(userId: string, at: string): Promise<void>;

  // ---- login sessions and refresh tokens ----
  /** Rejects with `invalid_credentials` for a deactivated account. */
  createSession(input: {
    userId: string;
    refreshTokenHash: string;
    refreshExpiresAt: string;
    userAgent?: string | null;
  }): Promise<{ sessionId: string }>;
  /** The session if it exists and is not revoked. */
  getActiveSession(sessionId: string): Promise<{ id: string; userId: string } | undefined>;
  /**
   * Exchanges a refresh token for a new one, atomically: exactly one of two concurrent
   * exchanges of the same token wins. `reused` means the token had already been exchanged
   * (the caller then revokes the session); `invalid` covers unknown, expired and revoked.
   */
  rotateRefreshToken(input: {
    oldHash: string;
    newHash: string;
    now: string;
    newExpiresAt: string;
  }): Promise<
    | { status: 'ok'; sessionId: string; userId: string }
    | { status: 'reused'; sessionId: string; userId: string }
    | { status: 'invalid' }
  >;
  /** Finds the session a refresh token (current or already rotated) belongs to. */
  findSessionByRefreshToken(hash: string): Promise<{ sessionId: string; userId: string } | undefined>;
  revokeSession(sessionId: string, now: string): Promise<void>;
  /**
   * Housekeeping: deletes refresh tokens that expired before `before` (rotated ones are kept
   * until then, to recognise reuse) and sessions revoked before it. Returns rows deleted.
   */
  purgeExpired(before: string): Promise<number>;

  // ---- accounts (v1.1): profile, password, deactivation, server roles, sessions, invites ----
  /** Password hash and server role of an active (not deactivated) account. */
  getAccount(userId: string): Promise<{ passwordHash: string; role: ServerRole } | undefined>;
  /** The id of the user with this username (deactivated ones too). */
  findUserId(username: string): Promise<string | undefined>;
  /** Changes the given fields; the user afterwards, or undefined for no active account. */
  updateProfile(
    userId: string,
    change: { displayName?: string | undefined; avatarId?: string | null | undefined },
  ): Promise<User | undefined>;
  /** Sets the hash and revokes every session but `keepSessionId`; returns the revoked ids. */
  setPassword(
    userId: string,
    passwordHash: string,
    now: string,
    keepSessionId?: string,
  ): Promise<string[] | undefined>;
  /** Deactivates the account, revokes its sessions and deletes its invites. */
  deactivateUser(userId: string, now: string): Promise<{ user: User; sessionIds: string[] } | undefined>;
  /** `forbidden` for unmaking the last admin; undefined for no such active user. */
  setServerRole(userId: string, role: ServerRole): Promise<ServerRole | undefined>;
  /** For server admins: prefix search over every account, deactivated ones included. */
  listUsersForAdmin(prefix: string, limit: number): Promise<Omit<AdminUser, 'online'>[]>;
  listSessions(userId: string, now: string): Promise<SessionRecord[]>;
  /** Revokes one of the user's own active sessions; false if not theirs or already ended. */
  revokeSessionOfUser(userId: string, sessionId: string, now: string): Promise<boolean>;
  createInvite(input: Omit<InviteRecord, 'uses'>): Promise<InviteRecord>;
  /** `createdBy` undefined: every invite (admins). */
  listInvites(createdBy: string | undefined): Promise<InviteRecord[]>;
  deleteInvite(code: string, createdBy: string | undefined): Promise<boolean>;

  // ---- conversations ----
  /**
   * Creates a conversation with its members, or for `direct` returns the existing one of
   * that pair (`created: false`). `memberIds` includes the creator and must all exist.
   */
  createConversation(input: {
    type: ConversationType;
    title: string | null;
    createdBy: string;
    memberIds: readonly string[];
    now: string;
  }): Promise<{ conversationId: string; created: boolean }>;
  /** The caller's conversations, most recent activity first, each as that member sees it. */
  listConversations(userId: string): Promise<Conversation[]>;
  /** One conversation as `userId` sees it; `undefined` if missing or not a member. */
  getConversation(conversationId: string, userId: string): Promise<Conversation | undefined>;
  conversationIdsOfUser(userId: string): Promise<string[]>;
  /**
   * A socket's start in one look-up: the ids of the user's conversations if `sessionId` is
   * an active session of `userId`, else `undefined`.
   */
  sessionConversationIds(sessionId: string, userId: string): Promise<string[] | undefined>;
  /**
   * A count that changes whenever a write that ends sessions or adds members (logout,
   * password change, deactivation, a new conversation, members added) has finished in this
   * process. Unchanged across a look-up: no such write finished meanwhile. Optional: without
   * it, callers assume something may have changed.
   */
  accessEpoch?(): number;
  memberIds(conversationId: string): Promise<string[]>;
  isMember(conversationId: string, userId: string): Promise<boolean>;
  /** Every user who shares at least one conversation with `userId` (not `userId` itself). */
  contactIds(userId: string): Promise<string[]>;

  // ---- messages ----
  /**
   * Stores a message: seq is assigned in the same transaction as the insert, and the
   * sender's readSeq moves up to it (sending implies having read). Idempotent on
   * (senderId, clientId): a repeat returns the stored message with `created: false`.
   * Rejects with `not_found` if the sender is not a member, `invalid_input` for a reply to a
   * message outside the conversation.
   *
   * Resolves only once the message is committed. Concurrent calls may be group-committed
   * (several messages in one transaction, one fsync); each still gets its own seq, its own
   * idempotency check and its own error, and one bad message never fails another.
   */
  insertMessage(input: InsertMessageInput): Promise<{ message: Message; created: boolean }>;
  /**
   * An edit, delete or reaction, in the same group-committed transactions as inserts: the
   * conversation's version goes up by 1 and stamps the message. Rejects with `not_found`
   * (not a member, no such message), `forbidden` (not the author or an admin, not a text
   * message, a deleted one), `invalid_input` (too many different reactions). `changed:
   * false` (nothing written, no version taken) for a repeat: the same body, a second
   * delete, a reaction already on (or already off).
   */
  applyMessageAction(
    input: MessageActionInput,
  ): Promise<{ message: Message; changed: boolean; removedFiles?: string[] }>;
  /**
   * Adds members to a group, removes one (an admin removing, or a member leaving), renames it
   * or changes a member's role, recorded by a system message that takes the next seq and version (group-committed
   * like every write). Rejects with `not_found` (actor not a member, unknown user or member),
   * `forbidden` (not an admin, a direct conversation, unmaking the last admin),
   * `invalid_input` (too many members). `message: null` when nothing changed (members
   * already there, the same title, the same role).
   */
  changeConversation(input: ConversationChangeInput): Promise<ConversationChangeResult>;
  findMessageByClientId(senderId: string, clientId: string): Promise<Message | undefined>;
  /** The message if `userId` is a member of its conversation; `undefined` otherwise. */
  findMessageOfMember(messageId: string, userId: string): Promise<Message | undefined>;
  /** Ascending by seq; see the contract's history paging (`aroundSeq`: centred on it). */
  listMessages(
    conversationId: string,
    page: {
      afterSeq?: number | undefined;
      beforeSeq?: number | undefined;
      aroundSeq?: number | undefined;
      limit: number;
    },
  ): Promise<Message[]>;
  /**
   * The change feed: messages whose version is above `sinceVersion` (and at most the
   * conversation's version as read first), ascending by version. `undefined` if there is
   * no such conversation; the caller checks membership.
   */
  listChanges(
    conversationId: string,
    sinceVersion: number,
    limit: number,
  ): Promise<ChangesResponse | undefined>;
  /**
   * Moves the member's readSeq up to `seq` (clamped to lastSeq; never down). `undefined` if
   * not a member; `changed: false` when it was already there.
   */
  markRead(
    conversationId: string,
    userId: string,
    seq: number,
    now: string,
  ): Promise<{ readSeq: number; readAt: string; changed: boolean } | undefined>;
}

/** A new account (see `Repository.createUser`). */
export interface CreateUserInput {
  username: string;
  displayName: string;
  passwordHash: string;
  inviteCode?: string | null;
  /** The CLI may create admins; the first account is one regardless. */
  serverRole?: ServerRole;
}

export interface UserSearchOptions {
  excludeUserId?: string;
  limit: number;
  /** USER_DIRECTORY=contacts: only people sharing a conversation with this user, or an exact username. */
  contactsOf?: string;
}

/** One message to store (see `Repository.insertMessage`). */
export interface InsertMessageInput {
  conversationId: string;
  senderId: string;
  clientId: string;
  kind: MessageKind;
  body: string;
  replyToId: string | null;
  call: CallRecord | null;
  /** For `kind: "system"`: what it records. */
  system?: SystemEvent | null;
  /** Uploads of the sender, not sent yet, that this message carries (in this order). */
  attachmentIds?: readonly string[] | null;
  now: string;
}

/** A change to a group (see `Repository.changeConversation`). */
export type ConversationChangeInput = {
  conversationId: string;
  actorId: string;
  now: string;
} & (
  | { type: 'add'; userIds: string[] }
  | { type: 'remove'; userId: string }
  | { type: 'rename'; title: string }
  | { type: 'avatar'; avatarId: string | null }
  | { type: 'role'; userId: string; role: 'admin' | 'member' }
);

/** An edit, a delete or a reaction by `userId` (see `Repository.applyMessageAction`). */
export type MessageActionInput = {
  conversationId: string;
  messageId: string;
  userId: string;
  now: string;
} & ({ type: 'edit'; body: string } | { type: 'delete' } | { type: 'react'; emoji: string; on: boolean });
