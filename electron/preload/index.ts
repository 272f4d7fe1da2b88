/**
 * The preload: exposes `window.parley` (the `ParleyHost`, kind 'desktop') to the sandboxed
 * renderer. Each method is one `ipcRenderer.invoke` on its own channel; the main process
 * validates every argument and the sender. The renderer never sees `ipcRenderer` itself:
 * handing it out would give any script in the page generalised messaging access to main.
 *
 * Built as a single CommonJS file (sandboxed preloads cannot load modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  AccountsState,
  CallSignal,
  InviteLink,
  MessageMenuChoice,
  NavigateTarget,
  NotificationPrefs,
  ParleyHost,
  ScreenShareRequest,
  StateUpdate,
  Unsubscribe,
  UploadProgress,
} from '@parley/shared';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type HostArgs,
  type HostMethodPath,
  type HostReturn,
} from '../common/ipc.js';

function invoke<P extends HostMethodPath>(path: P, ...args: HostArgs<P>): HostReturn<P> {
  return ipcRenderer.invoke(INVOKE_CHANNELS[path], ...args) as HostReturn<P>;
}

type EventChannel = (typeof EVENT_CHANNELS)[keyof typeof EVENT_CHANNELS];

function subscribe<T>(channel: EventChannel, listener: (payload: T) => void): Unsubscribe {
  // The IPC event object is dropped: it carries `sender`, which must not reach the page.
  const wrapped = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const desktopHost: ParleyHost = {
  kind: 'desktop',
  getState: () => invoke('getState'),
  // Updates pass through as they are; the renderer's store checks and applies them.
  onState: (listener) => subscribe<StateUpdate>(EVENT_CHANNELS.state, listener),
  resyncState: () => invoke('resyncState'),
  auth: {
    defaultServerUrl: () => invoke('auth.defaultServerUrl'),
    signIn: (input) => invoke('auth.signIn', input),
    signUp: (input) => invoke('auth.signUp', input),
    signOut: () => invoke('auth.signOut'),
    serverInfo: (serverUrl) => invoke('auth.serverInfo', serverUrl),
  },
  conversations: {
    open: (conversationId) => invoke('conversations.open', conversationId),
    loadOlder: (conversationId) => invoke('conversations.loadOlder', conversationId),
    loadAround: (conversationId, seq) => invoke('conversations.loadAround', conversationId, seq),
    markRead: (conversationId, seq) => invoke('conversations.markRead', conversationId, seq),
    createDirect: (userId) => invoke('conversations.createDirect', userId),
    createGroup: (title, memberIds) => invoke('conversations.createGroup', title, memberIds),
  },
  messages: {
    // Options only when given: main's schema takes the trailing argument as optional.
    send: (conversationId, body, options) =>
      options === undefined
        ? invoke('messages.send', conversationId, body)
        : invoke('messages.send', conversationId, body, options),
    retry: (clientId) => invoke('messages.retry', clientId),
    discard: (clientId) => invoke('messages.discard', clientId),
    setTyping: (conversationId, typing) => invoke('messages.setTyping', conversationId, typing),
    edit: (messageId, body) => invoke('messages.edit', messageId, body),
    delete: (messageId) => invoke('messages.delete', messageId),
    react: (messageId, emoji, on) => invoke('messages.react', messageId, emoji, on),
  },
  users: {
    search: (query) => invoke('users.search', query),
  },
  search: {
    // Options only when given: an explicit `undefined` would reach main as a second argument.
    messages: (query, options) =>
      options === undefined ? invoke('search.messages', query) : invoke('search.messages', query, options),
  },
  connection: {
    retryNow: () => invoke('connection.retryNow'),
  },
  calls: {
    iceServers: () => invoke('calls.iceServers'),
    initiate: (conversationId, media) => invoke('calls.initiate', conversationId, media),
    accept: (callId) => invoke('calls.accept', callId),
    reject: (callId) => invoke('calls.reject', callId),
    cancel: (callId) => invoke('calls.cancel', callId),
    end: (callId) => invoke('calls.end', callId),
    dismiss: () => invoke('calls.dismiss'),
    sendSignal: (callId, signal) => invoke('calls.sendSignal', callId, signal),
    onSignal: (listener) => subscribe<CallSignal>(EVENT_CHANNELS.callSignal, listener),
  },
  account: {
    get: () => invoke('account.get'),
    updateProfile: (input) => invoke('account.updateProfile', input),
    setAvatar: (file) => invoke('account.setAvatar', file),
    removeAvatar: () => invoke('account.removeAvatar'),
    changePassword: (input) => invoke('account.changePassword', input),
    listSessions: () => invoke('account.listSessions'),
    revokeSession: (sessionId) => invoke('account.revokeSession', sessionId),
    deleteAccount: (password) => invoke('account.deleteAccount', password),
    avatar: (target) => invoke('account.avatar', target),
  },
  groups: {
    rename: (conversationId, title) => invoke('groups.rename', conversationId, title),
    setAvatar: (conversationId, file) => invoke('groups.setAvatar', conversationId, file),
    addMembers: (conversationId, userIds) => invoke('groups.addMembers', conversationId, userIds),
    removeMember: (conversationId, userId) => invoke('groups.removeMember', conversationId, userId),
    leave: (conversationId) => invoke('groups.leave', conversationId),
    setRole: (conversationId, userId, role) => invoke('groups.setRole', conversationId, userId, role),
  },
  invites: {
    create: (input) => invoke('invites.create', input),
    list: () => invoke('invites.list'),
    revoke: (code) => invoke('invites.revoke', code),
  },
  admin: {
    listUsers: (query) => invoke('admin.listUsers', query),
    deactivate: (userId) => invoke('admin.deactivate', userId),
    resetPassword: (userId, newPassword) => invoke('admin.resetPassword', userId, newPassword),
    setRole: (userId, role) => invoke('admin.setRole', userId, role),
  },
  notifications: {
    get: () => invoke('notifications.get'),
    setMuted: (conversationId, muted) => invoke('notifications.setMuted', conversationId, muted),
    setDoNotDisturb: (on) => invoke('notifications.setDoNotDisturb', on),
    onChange: (listener) => subscribe<NotificationPrefs>(EVENT_CHANNELS.notificationPrefs, listener),
  },
  desktop: {
    getSettings: () => invoke('desktop.getSettings'),
    updateSettings: (patch) => invoke('desktop.updateSettings', patch),
    availableSpellCheckLanguages: () => invoke('desktop.availableSpellCheckLanguages'),
    chooseDownloadFolder: () => invoke('desktop.chooseDownloadFolder'),
    takeInvite: () => invoke('desktop.takeInvite'),
    onInvite: (listener) => subscribe<InviteLink>(EVENT_CHANNELS.invite, listener),
    setContextMessage: (target) => invoke('desktop.setContextMessage', target),
    onMessageAction: (listener) => subscribe<MessageMenuChoice>(EVENT_CHANNELS.messageAction, listener),
    onScreenSharePick: (listener) => subscribe<ScreenShareRequest>(EVENT_CHANNELS.screenSharePick, listener),
    chooseScreenShare: (requestId, sourceId) => invoke('desktop.chooseScreenShare', requestId, sourceId),
  },
  accounts: {
    list: () => invoke('accounts.list'),
    add: () => invoke('accounts.add'),
    remove: (accountId) => invoke('accounts.remove', accountId),
    switch: (accountId) => invoke('accounts.switch', accountId),
    onChange: (listener) => subscribe<AccountsState>(EVENT_CHANNELS.accounts, listener),
  },
  attachments: {
    upload: (uploadId, file) => invoke('attachments.upload', uploadId, file),
    cancelUpload: (uploadId) => invoke('attachments.cancelUpload', uploadId),
    onUploadProgress: (listener) => subscribe<UploadProgress>(EVENT_CHANNELS.uploadProgress, listener),
    read: (attachmentId, variant) => invoke('attachments.read', attachmentId, variant),
  },
  onNavigate: (listener) => subscribe<NavigateTarget>(EVENT_CHANNELS.navigate, listener),
};

contextBridge.exposeInMainWorld('parley', desktopHost);
