import type { ClientState } from './client/state.js';
import type { CallSignalEventName } from './protocol/socket.js';
import type { Attachment, Conversation, MemberRole, Message, User } from './protocol/models.js';
import type { AdminUser, Invite, ServerRole, SessionInfo } from './protocol/accounts.js';
import type { IceServersResponse } from './protocol/http.js';
import type { StateUpdate } from './state-patch.js';

/** Calls into the host resolve with a result rather than throwing across IPC. */
export type HostResult<T = void> = { ok: true; value: T } | { ok: false; error: string; code?: string };

export type Unsubscribe = () => void;

/** A relayed WebRTC signal, as the renderer's call module gets it. */
export interface CallSignal {
  callId: string;
  event: CallSignalEventName;
  from: string;
  signal: Record<string, unknown>;
}

/** Notification preferences a host keeps for the current device. */
export interface NotificationPrefs {
  /** No notifications at all (messages and calls) while on. */
  doNotDisturb: boolean;
  /** Conversations whose messages never notify (calls still do unless `doNotDisturb`). */
  mutedConversationIds: string[];
}

/** A validated `parley://<server>/invite/<code>` link: sign-up with both filled in. */
export interface InviteLink {
  serverUrl: string;
  code: string;
}

/** The languages the apps are translated into, by their two-letter code (English the fallback). */
export const UI_LANGUAGES = ['en', 'de'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** Settings only the desktop app has (kept in its plain settings store, never secrets). */
export interface DesktopSettings {
  /** Start Parley when the user logs in to the OS. */
  openAtLogin: boolean;
  /** Start with the window hidden (in the tray). */
  startMinimized: boolean;
  /** Closing the window keeps Parley running in the tray. */
  closeToTray: boolean;
  /** Notifications play the system sound. */
  notificationSound: boolean;
  /** Spell-checker languages (BCP 47, e.g. `en-US`); empty: the system's language. */
  spellCheckLanguages: string[];
  /** Where downloads go; null: the OS downloads folder. */
  downloadFolder: string | null;
  /** Check for and download updates (off for managed installs). */
  updatesEnabled: boolean;
  /**
   * The language the renderer shows (its own Language setting decides; it reports it here),
   * so main's menus and notifications match it, from the start. Null: not reported yet.
   */
  uiLanguage: UiLanguage | null;
}

/** What the desktop's native right-click menu can do with a message (the renderer runs it). */
export type MessageMenuAction = 'reply' | 'edit' | 'copy' | 'delete' | 'react' | 'more-reactions';

/** The message under a right-click, with what the user may do with it (desktop only). */
export interface MessageMenuTarget {
  messageId: string;
  /** Offered in this order; `react` with `reactions`. */
  actions: Exclude<MessageMenuAction, 'react'>[];
  /** The quick reactions, each marked when the user already reacted with it; empty: no reacting. */
  reactions: { emoji: string; mine: boolean }[];
  /** The text "Copy text" copies (main writes the clipboard); with the `copy` action only. */
  text?: string;
}

/** A message action picked in the native menu. `emoji` with `react` only. */
export interface MessageMenuChoice {
  messageId: string;
  action: MessageMenuAction;
  emoji?: string;
}

/** A screen or window the desktop app can share, as its picker shows it. */
export interface ScreenShareSource {
  /** desktopCapturer's id (`screen:…`, `window:…`). */
  id: string;
  kind: 'screen' | 'window';
  /** The window's title, or "Entire screen" / "Screen 2". */
  title: string;
  /** A PNG data URL of what it shows now; null when the OS gave none. */
  thumbnail: string | null;
}

/** Main asks the renderer which source to share (`getDisplayMedia` in the desktop app). */
export interface ScreenShareRequest {
  requestId: string;
  sources: ScreenShareSource[];
}

/** Options of `search.messages`. */
export interface MessageSearchOptions {
  /** Only this conversation (Ctrl+F in a chat); every conversation of the user when left out. */
  conversationId?: string;
  /** At most this many results: default 20, capped at 50. */
  limit?: number;
}

/** A file to upload, as plain data (it crosses IPC by structured clone). */
export interface AttachmentFile {
  name: string;
  /** The type the OS or browser gave (the server sniffs the content anyway); may be "". */
  type: string;
  bytes: ArrayBuffer;
}

/** Bytes sent so far of a running upload (`total`: the file's size). */
export interface UploadProgress {
  uploadId: string;
  loaded: number;
  total: number;
}

/** An attachment's bytes, read for display or download. */
export interface AttachmentBytes {
  bytes: ArrayBuffer;
  contentType: string;
}

/** An image the user picked, as bytes (plain data, so it crosses IPC). */
export interface ImageFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** The part of `GET /api/server` the sign-in screen needs; null where the server does not say (v1). */
export interface PublicServerInfo {
  name: string | null;
  registration: 'open' | 'invite' | 'closed' | null;
}

/** The signed-in account as its settings and admin pages need it. */
export interface AccountInfo {
  user: User;
  /** The caller's own server role (`GET /api/me`); `user` for servers that do not say. */
  serverRole: ServerRole;
  /** The server's registration mode and who may make invites (`GET /api/server`); null if unknown. */
  registration: 'open' | 'invite' | 'closed' | null;
  invitesBy: 'admins' | 'members' | null;
}

/** One account of the desktop app, as its account rail shows it (no secrets). */
export interface AccountSummary {
  id: string;
  /** The server's name, else its host; null before the account's first sign-in. */
  serverLabel: string | null;
  /** The user's display name; null before the first sign-in. */
  displayName: string | null;
  signedIn: boolean;
  /** The signed-in user's id (the rail colours the account as that user's avatar); null when signed out. */
  userId: string | null;
  /** Unread messages by the one unread rule (muted conversations left out). */
  unread: number;
}

/** Every account in rail order, and which one the window shows (its state is what `onState` sends). */
export interface AccountsState {
  accounts: AccountSummary[];
  activeId: string;
}

/** Where the host asks the renderer to go, e.g. after a notification click. */
export interface NavigateTarget {
  conversationId: string;
}

/**
 * The host API, `window.parley`: the only thing the renderer talks to.
 *
 * Two hosts implement it: the web host (the client core runs in the page) and the desktop
 * host (the client core runs in Electron's main process; preload forwards over IPC). Every
 * method is async and every argument is plain JSON, so it survives structured clone over IPC.
 */
export interface ParleyHost {
  readonly kind: 'web' | 'desktop';

  /** The current state snapshot (one read; the renderer's store follows `onState`). */
  getState(): Promise<ClientState>;
  /**
   * The state feed (state-patch.ts): a full snapshot, then patches or snapshots numbered by
   * `seq`. The web host only sends snapshots (its states already share structure); the desktop
   * host sends patches. A subscriber calls `resyncState()` for its first snapshot and ignores
   * patches until one has arrived. Returns a function that unsubscribes.
   */
  onState(listener: (update: StateUpdate) => void): Unsubscribe;
  /** Asks for a full snapshot on the feed: on subscribing, and after a missed or unfit patch. */
  resyncState(): Promise<void>;

  auth: {
    /** The server the user last used (or the one serving the web client). */
    defaultServerUrl(): Promise<string>;
    signIn(input: { serverUrl: string; username: string; password: string }): Promise<HostResult>;
    signUp(input: {
      serverUrl: string;
      username: string;
      password: string;
      displayName?: string;
      /** The code of an invite link, for a server in `invite` registration mode. */
      inviteCode?: string;
    }): Promise<HostResult>;
    signOut(): Promise<HostResult>;
    /** What a server says about itself before sign-in (`GET /api/server`): the sign-up form follows it. */
    serverInfo(serverUrl: string): Promise<HostResult<PublicServerInfo>>;
  };

  conversations: {
    /** Tells the host which conversation is on screen (for notifications) and loads its history. */
    open(conversationId: string | null): Promise<HostResult>;
    loadOlder(conversationId: string): Promise<HostResult>;
    /** Loads history back to `seq` (a reply's original, a search hit) so it can be scrolled to. */
    loadAround(conversationId: string, seq: number): Promise<HostResult>;
    markRead(conversationId: string, seq: number): Promise<HostResult>;
    createDirect(userId: string): Promise<HostResult<Conversation>>;
    createGroup(title: string, memberIds: string[]): Promise<HostResult<Conversation>>;
  };

  messages: {
    /**
     * Queues the message in the outbox; it is sent now or as soon as the connection is back.
     * `replyToId` (optional) quotes a stored message of the same conversation.
     * `attachmentIds` (1 to 10, from `attachments.upload`) sends files; the body may then be "".
     */
    send(
      conversationId: string,
      body: string,
      options?: { replyToId?: string; attachmentIds?: string[] },
    ): Promise<HostResult<{ clientId: string }>>;
    /** Re-queues a failed message. */
    retry(clientId: string): Promise<HostResult>;
    /** Drops a failed message from the outbox. */
    discard(clientId: string): Promise<HostResult>;
    /**
     * Queues a new body for a stored message of ours (v1.1); sent now or after reconnecting.
     * `not_found` when the message is not loaded, `invalid_input` for one still being sent.
     */
    edit(messageId: string, body: string): Promise<HostResult>;
    /** Queues deleting a stored message (ours, or any as a group admin); it stays as a tombstone. */
    delete(messageId: string): Promise<HostResult>;
    /** Queues adding (`on`) or taking back one emoji reaction on a stored message. */
    react(messageId: string, emoji: string, on: boolean): Promise<HostResult>;
    setTyping(conversationId: string, typing: boolean): Promise<HostResult>;
  };

  users: {
    search(query: string): Promise<HostResult<User[]>>;
  };

  search: {
    /**
     * Full-text search of stored messages in the user's conversations (v1.1), newest first:
     * every word of `query` must occur, the last also as a prefix. At least 2 characters,
     * else `invalid_input`; a conversation the user is not in is `not_found`.
     */
    messages(query: string, options?: MessageSearchOptions): Promise<HostResult<Message[]>>;
  };

  /**
   * Files (v1.1). Uploads are named by an id the renderer picks, so progress and cancel work
   * across IPC; an uploaded file is sent by passing its attachment id to `messages.send`.
   */
  attachments: {
    /** Uploads one file; `cancelled` when `cancelUpload` stopped it, `too_large`, `unsupported_media_type`. */
    upload(uploadId: string, file: AttachmentFile): Promise<HostResult<Attachment>>;
    cancelUpload(uploadId: string): Promise<HostResult>;
    /** Progress of every running upload (throttled to about ten events a second each). */
    onUploadProgress(listener: (progress: UploadProgress) => void): Unsubscribe;
    /** An attachment's bytes, or its thumbnail's; membership is checked by the server. */
    read(attachmentId: string, variant: 'full' | 'thumbnail'): Promise<HostResult<AttachmentBytes>>;
  };

  /** The signed-in account (v1.1): profile, picture, password, sessions, deletion. */
  account: {
    get(): Promise<HostResult<AccountInfo>>;
    updateProfile(input: { displayName: string }): Promise<HostResult<User>>;
    /** Uploads the image, then makes it the profile picture (the server crops it square). */
    setAvatar(file: ImageFile): Promise<HostResult<User>>;
    removeAvatar(): Promise<HostResult<User>>;
    /** Signs out every other session of the account. */
    changePassword(input: { currentPassword: string; newPassword: string }): Promise<HostResult>;
    listSessions(): Promise<HostResult<SessionInfo[]>>;
    revokeSession(sessionId: string): Promise<HostResult>;
    /** Deactivates the account (confirmed by the password) and signs out. */
    deleteAccount(password: string): Promise<HostResult>;
    /**
     * A user's or a group's picture as bytes (the desktop renderer holds no token, so images
     * come through the host); `null` when there is none.
     */
    avatar(target: { kind: 'user' | 'conversation'; id: string }): Promise<HostResult<ImageFile | null>>;
  };

  /** Group management (v1.1); each answers the conversation as it now is (except removals). */
  groups: {
    rename(conversationId: string, title: string): Promise<HostResult<Conversation>>;
    /** `null` removes the picture. */
    setAvatar(conversationId: string, file: ImageFile | null): Promise<HostResult<Conversation>>;
    addMembers(conversationId: string, userIds: string[]): Promise<HostResult<Conversation>>;
    removeMember(conversationId: string, userId: string): Promise<HostResult>;
    /** Leaves the group; it is dropped from the list at once. */
    leave(conversationId: string): Promise<HostResult>;
    setRole(conversationId: string, userId: string, role: MemberRole): Promise<HostResult<Conversation>>;
  };

  /** Invite links to the server (admins; members where the server allows it). */
  invites: {
    create(input: { maxUses?: number; expiresInHours?: number }): Promise<HostResult<Invite>>;
    list(): Promise<HostResult<Invite[]>>;
    revoke(code: string): Promise<HostResult>;
  };

  /** Server administration (server admins only; others get `forbidden`). */
  admin: {
    listUsers(query: string): Promise<HostResult<AdminUser[]>>;
    deactivate(userId: string): Promise<HostResult>;
    resetPassword(userId: string, newPassword: string): Promise<HostResult>;
    setRole(userId: string, role: ServerRole): Promise<HostResult>;
  };

  connection: {
    /** Skips the backoff wait and reconnects now. */
    retryNow(): Promise<HostResult>;
  };

  calls: {
    iceServers(): Promise<HostResult<IceServersResponse>>;
    initiate(conversationId: string, media: 'audio' | 'video'): Promise<HostResult<{ callId: string }>>;
    accept(callId: string): Promise<HostResult>;
    reject(callId: string): Promise<HostResult>;
    cancel(callId: string): Promise<HostResult>;
    end(callId: string): Promise<HostResult>;
    /** Clears an ended call from the state. */
    dismiss(): Promise<HostResult>;
    sendSignal(callId: string, signal: Record<string, unknown>): Promise<HostResult>;
    onSignal(listener: (signal: CallSignal) => void): Unsubscribe;
  };

  /**
   * Host-side notification preferences. Optional: a host without its own notifications may
   * leave it out, so the renderer feature-detects it (`window.parley.notifications?.…`).
   */
  notifications?: {
    get(): Promise<HostResult<NotificationPrefs>>;
    setMuted(conversationId: string, muted: boolean): Promise<HostResult<NotificationPrefs>>;
    setDoNotDisturb(on: boolean): Promise<HostResult<NotificationPrefs>>;
    /** Prefs changed outside the renderer (the desktop tray's Do-not-disturb). Optional. */
    onChange?(listener: (prefs: NotificationPrefs) => void): Unsubscribe;
  };

  /**
   * Desktop-only features (settings, deep-link invites, logs). Optional: the web host leaves
   * it out and the renderer feature-detects it.
   */
  desktop?: {
    getSettings(): Promise<HostResult<DesktopSettings>>;
    updateSettings(patch: Partial<DesktopSettings>): Promise<HostResult<DesktopSettings>>;
    /** Spell-checker languages this system offers. */
    availableSpellCheckLanguages(): Promise<HostResult<string[]>>;
    /** Shows the OS folder picker; answers the settings (unchanged when cancelled). */
    chooseDownloadFolder(): Promise<HostResult<DesktopSettings>>;
    /** The invite link that started the app (or arrived before a listener), once. */
    takeInvite(): Promise<HostResult<InviteLink | null>>;
    /** An invite link was opened while the app runs. */
    onInvite(listener: (invite: InviteLink) => void): Unsubscribe;
    /**
     * Sent while a right-click on a message is dispatched in the page: the native menu main
     * shows next offers the message's actions beside Copy, Copy link and the rest.
     */
    setContextMessage(target: MessageMenuTarget): Promise<HostResult>;
    /** A message action was picked in the native menu. */
    onMessageAction(listener: (choice: MessageMenuChoice) => void): Unsubscribe;
    /** Screen sharing asks the user what to share: show the picker. */
    onScreenSharePick(listener: (request: ScreenShareRequest) => void): Unsubscribe;
    /** The user's pick for that request (null: cancelled). */
    chooseScreenShare(requestId: string, sourceId: string | null): Promise<HostResult>;
  };

  /**
   * Several accounts (desktop only; the web client stays single-account). Every other method
   * acts on the active account; `switch` changes which one that is, and `onState` then sends
   * the new account's full state.
   */
  accounts?: {
    list(): Promise<HostResult<AccountsState>>;
    /** Adds an empty account and makes it active: the sign-in screen for a new server. */
    add(): Promise<HostResult<AccountsState>>;
    /** Signs the account out and deletes its stored data. */
    remove(accountId: string): Promise<HostResult<AccountsState>>;
    switch(accountId: string): Promise<HostResult<AccountsState>>;
    onChange(listener: (state: AccountsState) => void): Unsubscribe;
  };

  /**
   * The host asks the renderer to show something (a notification was clicked). Optional, like
   * `notifications`; the desktop host implements it. Returns a function that unsubscribes.
   */
  onNavigate?(listener: (target: NavigateTarget) => void): Unsubscribe;
}
