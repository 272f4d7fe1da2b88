/**
 * The main-process side of `window.parley`: what each IPC call does. Almost everything is the
 * client core's own method; the desktop host adds notification preferences, remembers which
 * conversation is on screen (for the notification policy) and the last server URL.
 */
import type { HostResult, NotificationPrefs } from '@parley/shared';
import type { ParleyClient } from '@parley/shared/client';
import type { createAccountsHost } from './accounts/host.js';
import type { createDesktopHost } from './desktop-host.js';
import type { HostImpl } from './ipc.js';

export interface HostImplDeps {
  client: ParleyClient;
  prefs: {
    get(): NotificationPrefs;
    setMuted(conversationId: string, muted: boolean): NotificationPrefs;
    setDoNotDisturb(on: boolean): NotificationPrefs;
  };
  /** The renderer reported which conversation it shows (null: none). */
  onOpenConversation(conversationId: string | null): void;
  /** A sign-in or sign-up succeeded against this server. */
  onSignedIn(serverUrl: string): void;
  /** Notification preferences changed (tray menu and badge follow). */
  onPrefsChanged(prefs: NotificationPrefs): void;
  /** The renderer asks for a full state snapshot on the state channel (state-publisher.ts). */
  onResyncState(): void;
  /** The `desktop` group (desktop-host.ts). */
  desktop: ReturnType<typeof createDesktopHost>;
  /** The `accounts` group (accounts/host.ts). */
  accounts: ReturnType<typeof createAccountsHost>;
}

function ok<T>(value: T): HostResult<T> {
  return { ok: true, value };
}

export function createHostImpl(deps: HostImplDeps): HostImpl {
  const { client } = deps;
  const prefsChanged = (prefs: NotificationPrefs) => {
    deps.onPrefsChanged(prefs);
    return ok(prefs);
  };
  return {
    getState: async () => client.getSnapshot(),
    resyncState: async () => deps.onResyncState(),
    'auth.defaultServerUrl': () => client.auth.defaultServerUrl(),
    'auth.signIn': async (input) => {
      const result = await client.auth.signIn(input);
      if (result.ok) deps.onSignedIn(input.serverUrl);
      return result;
    },
    'auth.signUp': async (input) => {
      const result = await client.auth.signUp(input);
      if (result.ok) deps.onSignedIn(input.serverUrl);
      return result;
    },
    'auth.signOut': () => client.auth.signOut(),
    'auth.serverInfo': (serverUrl) => client.auth.serverInfo(serverUrl),
    'conversations.open': (conversationId) => {
      deps.onOpenConversation(conversationId);
      return client.conversations.open(conversationId);
    },
    'conversations.loadOlder': (conversationId) => client.conversations.loadOlder(conversationId),
    'conversations.loadAround': (conversationId, seq) => client.conversations.loadAround(conversationId, seq),
    'conversations.markRead': (conversationId, seq) => client.conversations.markRead(conversationId, seq),
    'conversations.createDirect': (userId) => client.conversations.createDirect(userId),
    'conversations.createGroup': (title, memberIds) => client.conversations.createGroup(title, memberIds),
    'messages.send': (conversationId, body, options) => client.messages.send(conversationId, body, options),
    'messages.retry': (clientId) => client.messages.retry(clientId),
    'messages.discard': (clientId) => client.messages.discard(clientId),
    'messages.setTyping': (conversationId, typing) => client.messages.setTyping(conversationId, typing),
    'messages.edit': (messageId, body) => client.messages.edit(messageId, body),
    'messages.delete': (messageId) => client.messages.delete(messageId),
    'messages.react': (messageId, emoji, on) => client.messages.react(messageId, emoji, on),
    'users.search': (query) => client.users.search(query),
    'search.messages': (query, options) => client.search.messages(query, options),
    'connection.retryNow': () => client.connection.retryNow(),
    'calls.iceServers': () => client.calls.iceServers(),
    'calls.initiate': (conversationId, media) => client.calls.initiate(conversationId, media),
    'calls.accept': (callId) => client.calls.accept(callId),
    'calls.reject': (callId) => client.calls.reject(callId),
    'calls.cancel': (callId) => client.calls.cancel(callId),
    'calls.end': (callId) => client.calls.end(callId),
    'calls.dismiss': () => client.calls.dismiss(),
    'calls.sendSignal': (callId, signal) => client.calls.sendSignal(callId, signal),
    'attachments.upload': (uploadId, file) => client.attachments.upload(uploadId, file),
    'attachments.cancelUpload': (uploadId) => client.attachments.cancelUpload(uploadId),
    'attachments.read': (attachmentId, variant) => client.attachments.read(attachmentId, variant),
    'account.get': () => client.account.get(),
    'account.updateProfile': (input) => client.account.updateProfile(input),
    'account.setAvatar': (file) => client.account.setAvatar(file),
    'account.removeAvatar': () => client.account.removeAvatar(),
    'account.changePassword': (input) => client.account.changePassword(input),
    'account.listSessions': () => client.account.listSessions(),
    'account.revokeSession': (sessionId) => client.account.revokeSession(sessionId),
    'account.deleteAccount': (password) => client.account.deleteAccount(password),
    'account.avatar': (target) => client.account.avatar(target),
    'groups.rename': (conversationId, title) => client.groups.rename(conversationId, title),
    'groups.setAvatar': (conversationId, file) => client.groups.setAvatar(conversationId, file),
    'groups.addMembers': (conversationId, userIds) => client.groups.addMembers(conversationId, userIds),
    'groups.removeMember': (conversationId, userId) => client.groups.removeMember(conversationId, userId),
    'groups.leave': (conversationId) => client.groups.leave(conversationId),
    'groups.setRole': (conversationId, userId, role) => client.groups.setRole(conversationId, userId, role),
    'invites.create': (input) => client.invites.create(input),
    'invites.list': () => client.invites.list(),
    'invites.revoke': (code) => client.invites.revoke(code),
    'admin.listUsers': (query) => client.admin.listUsers(query),
    'admin.deactivate': (userId) => client.admin.deactivate(userId),
    'admin.resetPassword': (userId, newPassword) => client.admin.resetPassword(userId, newPassword),
    'admin.setRole': (userId, role) => client.admin.setRole(userId, role),
    'notifications.get': async () => ok(deps.prefs.get()),
    'notifications.setMuted': async (conversationId, muted) =>
      prefsChanged(deps.prefs.setMuted(conversationId, muted)),
    'notifications.setDoNotDisturb': async (on) => prefsChanged(deps.prefs.setDoNotDisturb(on)),
    ...deps.desktop,
    ...deps.accounts,
  };
}
