import type SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { AccountAdminStore } from './account-admin.js';
import { AccountStore } from './accounts.js';
import { AttachmentRecords } from './attachments.js';
import { AuditStore } from './audit.js';
import { InviteStore } from './invites.js';
import { ConversationStore } from './conversations.js';
import { MessageReads } from './message-reads.js';
import { ConversationWrites } from './conversation-writes.js';
import type { Repository } from './repository.js';
import type { Database } from './schema.js';
import { searchMessages } from './search.js';
import type { SqliteWriter } from './sqlite-writer.js';
import { getEpoch, newEpoch } from './server-meta.js';

export { isUniqueViolation } from './rows.js';

/**
 * The one Repository implementation, on Kysely, composed of one store per domain (accounts,
 * conversations, message reads, message writes). Every query is plain SQL both SQLite and
 * PostgreSQL accept (RETURNING, LIKE ... ESCAPE, lower()), so the backend is only a choice
 * of dialect in database.ts.
 */
export class KyselyRepository implements Repository {
  private readonly accounts: AccountStore;
  private readonly accountAdmin: AccountAdminStore;
  private readonly invites: InviteStore;
  private readonly conversations: ConversationStore;
  private readonly reads: MessageReads;
  private readonly writes: ConversationWrites;
  private readonly attachments: AttachmentRecords;
  private readonly audit: AuditStore;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    /** SQLite: the better-sqlite3 connection under `db`, for the prepared statements of hot paths. */
    sqlite?: SqliteDatabase.Database,
    /** SQLite: the thread that runs message writes on a connection of its own. */
    private readonly writer?: SqliteWriter,
  ) {
    this.accounts = new AccountStore(db, dialect);
    this.accountAdmin = new AccountAdminStore(db);
    this.invites = new InviteStore(db);
    this.conversations = new ConversationStore(db, sqlite);
    this.reads = new MessageReads(db);
    this.writes = new ConversationWrites(db, dialect, sqlite, writer && ((items) => writer.run(items)));
    this.attachments = new AttachmentRecords(db);
    this.audit = new AuditStore(db);
  }

  /** Message writes, group-committed (see group-commit.ts); tests read its stats. */
  get messageWrites() {
    return this.writes.queue;
  }

  /** SQLite: the message writer thread (tests make it crash). */
  get sqliteWriter(): SqliteWriter | undefined {
    return this.writer;
  }

  /**
   * Counts finished writes that end sessions or add members (see `Repository.accessEpoch`).
   * Bumped after the write, whether it succeeded or not: a caller that read the count
   * before its look-up and finds it unchanged afterwards knows no such write finished in
   * between, so its look-up saw all of them.
   */
  private accessWrites = 0;
  accessEpoch(): number {
    return this.accessWrites;
  }
  private changingAccess<T>(write: Promise<T>): Promise<T> {
    return write.finally(() => void this.accessWrites++);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    // Writes already queued are committed (and answered) before the connection goes.
    await this.writes.queue.idle();
    await this.writer?.close();
    await this.db.destroy();
  }

  // ---- users and sessions ----
  createUser: Repository['createUser'] = (input) => this.accounts.createUser(input);
  findCredentials: Repository['findCredentials'] = (username) => this.accounts.findCredentials(username);
  getUser: Repository['getUser'] = (id) => this.accounts.getUser(id);
  getUsers: Repository['getUsers'] = (ids) => this.accounts.getUsers(ids);
  searchUsers: Repository['searchUsers'] = (prefix, options) => this.accounts.searchUsers(prefix, options);
  setLastSeen: Repository['setLastSeen'] = (userId, at) => this.accounts.setLastSeen(userId, at);
  createSession: Repository['createSession'] = (input) => this.accounts.createSession(input);
  getActiveSession: Repository['getActiveSession'] = (id) => this.accounts.getActiveSession(id);
  rotateRefreshToken: Repository['rotateRefreshToken'] = (input) => this.accounts.rotateRefreshToken(input);
  findSessionByRefreshToken: Repository['findSessionByRefreshToken'] = (hash) =>
    this.accounts.findSessionByRefreshToken(hash);
  revokeSession: Repository['revokeSession'] = (id, now) =>
    this.changingAccess(this.accounts.revokeSession(id, now));
  purgeExpired: Repository['purgeExpired'] = (before) => this.accounts.purgeExpired(before);

  // ---- accounts (v1.1) ----
  getAccount: Repository['getAccount'] = (id) => this.accountAdmin.getAccount(id);
  findUserId: Repository['findUserId'] = (username) => this.accountAdmin.findUserId(username);
  updateProfile: Repository['updateProfile'] = (id, change) => this.accountAdmin.updateProfile(id, change);
  setPassword: Repository['setPassword'] = (id, hash, now, keep) =>
    this.changingAccess(this.accountAdmin.setPassword(id, hash, now, keep));
  deactivateUser: Repository['deactivateUser'] = (id, now) =>
    this.changingAccess(this.accountAdmin.deactivateUser(id, now));
  setServerRole: Repository['setServerRole'] = (id, role) => this.accountAdmin.setServerRole(id, role);
  listUsersForAdmin: Repository['listUsersForAdmin'] = (prefix, limit) =>
    this.accountAdmin.listUsers(prefix, limit);
  listSessions: Repository['listSessions'] = (id, now) => this.accountAdmin.listSessions(id, now);
  revokeSessionOfUser: Repository['revokeSessionOfUser'] = (id, sid, now) =>
    this.changingAccess(this.accountAdmin.revokeSessionOfUser(id, sid, now));
  createInvite: Repository['createInvite'] = (input) => this.invites.createInvite(input);
  listInvites: Repository['listInvites'] = (by) => this.invites.listInvites(by);
  deleteInvite: Repository['deleteInvite'] = (code, by) => this.invites.deleteInvite(code, by);

  // ---- conversations ----
  createConversation: Repository['createConversation'] = (input) =>
    this.changingAccess(this.conversations.createConversation(input));
  listConversations: Repository['listConversations'] = (userId) =>
    this.conversations.listConversations(userId);
  getConversation: Repository['getConversation'] = (id, userId) =>
    this.conversations.getConversation(id, userId);
  conversationIdsOfUser: Repository['conversationIdsOfUser'] = (userId) =>
    this.conversations.conversationIdsOfUser(userId);
  sessionConversationIds: Repository['sessionConversationIds'] = (sessionId, userId) =>
    this.conversations.sessionConversationIds(sessionId, userId);
  memberIds: Repository['memberIds'] = (id) => this.conversations.memberIds(id);
  isMember: Repository['isMember'] = (id, userId) => this.conversations.isMember(id, userId);
  contactIds: Repository['contactIds'] = (userId) => this.conversations.contactIds(userId);
  markRead: Repository['markRead'] = (id, userId, seq, now) =>
    this.conversations.markRead(id, userId, seq, now);

  // ---- messages ----
  insertMessage: Repository['insertMessage'] = (input) => this.writes.insertMessage(input);
  applyMessageAction: Repository['applyMessageAction'] = (input) => this.writes.applyMessageAction(input);
  changeConversation: Repository['changeConversation'] = (input) =>
    this.changingAccess(this.writes.changeConversation(input));
  findMessageByClientId: Repository['findMessageByClientId'] = (senderId, clientId) =>
    this.reads.findMessageByClientId(senderId, clientId);
  findMessageOfMember: Repository['findMessageOfMember'] = (id, userId) =>
    this.reads.findMessageOfMember(id, userId);
  listMessages: Repository['listMessages'] = (id, page) => this.reads.listMessages(id, page);
  listChanges: Repository['listChanges'] = (id, since, limit) => this.reads.listChanges(id, since, limit);

  // ---- attachments and search ----
  createAttachment: Repository['createAttachment'] = (row) => this.attachments.createAttachment(row);
  getAttachmentFor: Repository['getAttachmentFor'] = (id, userId) =>
    this.attachments.getAttachmentFor(id, userId);
  purgeUnsentAttachments: Repository['purgeUnsentAttachments'] = (before) =>
    this.attachments.purgeUnsentAttachments(before);
  searchMessages: Repository['searchMessages'] = (input) => searchMessages(this.db, this.dialect, input);

  // ---- operations ----
  appendAudit: Repository['appendAudit'] = (entry) => this.audit.appendAudit(entry);
  listAudit: Repository['listAudit'] = (page) => this.audit.listAudit(page);
  getEpoch: Repository['getEpoch'] = () => getEpoch(this.db);
  newEpoch: Repository['newEpoch'] = () => newEpoch(this.db);
}
