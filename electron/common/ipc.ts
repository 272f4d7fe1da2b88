/**
 * The IPC contract between the main process and the preload, derived from `ParleyHost`.
 *
 * Every channel name is defined here once; main and preload both import it, so a renamed or
 * added host method is a compile error on both sides instead of a silent mismatch. This file
 * is bundled into the sandboxed preload, so it imports types only (no zod, no Node).
 */
import type { ParleyHost } from '@parley/shared';

/** The groups of `window.parley` whose methods travel as `ipcRenderer.invoke` calls. */
type HostGroup =
  | 'auth'
  | 'conversations'
  | 'messages'
  | 'users'
  | 'search'
  | 'connection'
  | 'calls'
  | 'notifications'
  | 'desktop'
  | 'accounts'
  | 'attachments'
  | 'account'
  | 'groups'
  | 'invites'
  | 'admin';
type Group<G extends HostGroup> = NonNullable<ParleyHost[G]>;
// `any` here only matches function shapes; nothing is typed as any at a use site.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AsyncKeys<T> = { [K in keyof T]: T[K] extends (...args: any[]) => Promise<any> ? K : never }[keyof T] &
  string;
type GroupPaths = { [G in HostGroup]: `${G}.${AsyncKeys<Group<G>>}` }[HostGroup];
type MethodAt<P> = P extends `${infer G extends HostGroup}.${infer K}`
  ? K extends keyof Group<G>
    ? Group<G>[K]
    : never
  : never;

/** `window.parley` flattened: `'auth.signIn'` → `ParleyHost['auth']['signIn']`. */
export type FlatHost = { getState: ParleyHost['getState']; resyncState: ParleyHost['resyncState'] } & {
  [P in GroupPaths]: MethodAt<P>;
};
export type HostMethodPath = keyof FlatHost;
export type HostArgs<P extends HostMethodPath> = Parameters<FlatHost[P]>;
export type HostReturn<P extends HostMethodPath> = ReturnType<FlatHost[P]>;

// The one object every invoke channel derives from. `satisfies Record<…>` makes a missing
// or an unknown method a compile error.
const HOST_METHODS = {
  getState: 0,
  resyncState: 0,
  'auth.defaultServerUrl': 0,
  'auth.signIn': 0,
  'auth.signUp': 0,
  'auth.signOut': 0,
  'auth.serverInfo': 0,
  'conversations.open': 0,
  'conversations.loadOlder': 0,
  'conversations.loadAround': 0,
  'conversations.markRead': 0,
  'conversations.createDirect': 0,
  'conversations.createGroup': 0,
  'messages.send': 0,
  'messages.retry': 0,
  'messages.discard': 0,
  'messages.setTyping': 0,
  'messages.edit': 0,
  'messages.delete': 0,
  'messages.react': 0,
  'users.search': 0,
  'search.messages': 0,
  'connection.retryNow': 0,
  'calls.iceServers': 0,
  'calls.initiate': 0,
  'calls.accept': 0,
  'calls.reject': 0,
  'calls.cancel': 0,
  'calls.end': 0,
  'calls.dismiss': 0,
  'calls.sendSignal': 0,
  'notifications.get': 0,
  'notifications.setMuted': 0,
  'notifications.setDoNotDisturb': 0,
  'desktop.getSettings': 0,
  'desktop.updateSettings': 0,
  'desktop.availableSpellCheckLanguages': 0,
  'desktop.chooseDownloadFolder': 0,
  'desktop.takeInvite': 0,
  'desktop.setContextMessage': 0,
  'desktop.chooseScreenShare': 0,
  'accounts.list': 0,
  'accounts.add': 0,
  'accounts.remove': 0,
  'accounts.switch': 0,
  'attachments.upload': 0,
  'attachments.cancelUpload': 0,
  'attachments.read': 0,
  'account.get': 0,
  'account.updateProfile': 0,
  'account.setAvatar': 0,
  'account.removeAvatar': 0,
  'account.changePassword': 0,
  'account.listSessions': 0,
  'account.revokeSession': 0,
  'account.deleteAccount': 0,
  'account.avatar': 0,
  'groups.rename': 0,
  'groups.setAvatar': 0,
  'groups.addMembers': 0,
  'groups.removeMember': 0,
  'groups.leave': 0,
  'groups.setRole': 0,
  'invites.create': 0,
  'invites.list': 0,
  'invites.revoke': 0,
  'admin.listUsers': 0,
  'admin.deactivate': 0,
  'admin.resetPassword': 0,
  'admin.setRole': 0,
} as const satisfies Record<HostMethodPath, 0>;

export const HOST_METHOD_PATHS = Object.keys(HOST_METHODS) as HostMethodPath[];

/** `ipcRenderer.invoke` channel of each host method, e.g. `parley:auth.signIn`. */
export const INVOKE_CHANNELS = Object.fromEntries(
  HOST_METHOD_PATHS.map((path) => [path, `parley:${path}`]),
) as { readonly [P in HostMethodPath]: `parley:${P}` };

/** Channels the main process pushes on (`webContents.send`); the renderer never sends on them. */
export const EVENT_CHANNELS = {
  /**
   * The state feed: a `StateUpdate` (shared/src/state-patch.ts), a snapshot after each
   * `resyncState`, else a patch, coalesced to about one per frame (state-publisher.ts).
   */
  state: 'parley-event:state',
  /** A relayed WebRTC signal (`CallSignal`), never coalesced: every one matters. */
  callSignal: 'parley-event:call-signal',
  /** A `NavigateTarget`, after a notification click. */
  navigate: 'parley-event:navigate',
  /** `NotificationPrefs`, after a change the renderer did not make (tray). */
  notificationPrefs: 'parley-event:notification-prefs',
  /** An `InviteLink` from a `parley://` link opened while the app runs. */
  invite: 'parley-event:invite',
  /** An `UploadProgress` of a running upload (already throttled by the client core). */
  uploadProgress: 'parley-event:upload-progress',
  /** A `MessageMenuChoice`: a message action picked in the native right-click menu. */
  messageAction: 'parley-event:message-action',
  /** A `ScreenShareRequest`: show the screen-share picker. */
  screenSharePick: 'parley-event:screen-share-pick',
  /** `AccountsState`: the accounts, their unread counts, the active one. */
  accounts: 'parley-event:accounts',
} as const;
