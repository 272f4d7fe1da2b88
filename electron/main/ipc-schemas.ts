/**
 * Zod schemas for the arguments of every host method, as they arrive over IPC (an args
 * array). The renderer is treated as untrusted: a compromised page could send anything, so
 * main parses before it touches the client core. Field rules come from the shared protocol
 * schemas, so IPC and the server agree on what is valid.
 */
import { z } from 'zod';
import {
  adminPasswordRequestSchema,
  changePasswordRequestSchema,
  createInviteRequestSchema,
  inviteCodeSchema,
  memberRoleSchema,
  serverRoleSchema,
  updateConversationRequestSchema,
  addMembersRequestSchema,
  callMediaSchema,
  callRefSchema,
  callSignalSchema,
  conversationRefSchema,
  createConversationRequestSchema,
  displayNameSchema,
  loginRequestSchema,
  messageDeleteSchema,
  messageEditSchema,
  messageReactSchema,
  messageSendSchema,
  messagesReadSchema,
  passwordSchema,
  registerRequestSchema,
  SEARCH_MAX_LIMIT,
  searchQuerySchema,
  userSearchQuerySchema,
  UI_LANGUAGES,
} from '@parley/shared';
import type { HostArgs, HostMethodPath } from '../common/ipc.js';

const conversationId = conversationRefSchema.shape.conversationId;
const callId = callRefSchema.shape.callId;
const clientId = messageSendSchema.shape.clientId;
const userId = z.string().min(1).max(64);
/** Account ids are UUIDs made by main (accounts/registry.ts). */
const accountId = z.uuid();

/** WebRTC signals are relayed untouched but bounded, so the page cannot flood main. */
export const SIGNAL_JSON_MAX = 64 * 1024;

/** An http(s) URL (no credentials in it); the client core adds the path. */
export const serverUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

const groupRequestSchema = createConversationRequestSchema.options[1];

const signalSchema = callSignalSchema.shape.signal.refine(
  (signal) => JSON.stringify(signal).length <= SIGNAL_JSON_MAX,
  `must be at most ${SIGNAL_JSON_MAX} bytes of JSON`,
);

const none = z.tuple([]);

const attachmentId = z.string().min(1).max(64);
/** Picked by the page to name its upload (progress events and cancel refer to it). */
const uploadId = z.string().min(1).max(100);
const sendOptions = z.object({
  replyToId: z.string().min(1).max(64).optional(),
  attachmentIds: messageSendSchema.shape.attachmentIds.unwrap().unwrap().optional(),
});
/** Bytes arrive as an ArrayBuffer (structured clone); a typed array is taken too. */
const bytesSchema = z.custom<ArrayBuffer>(
  (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value),
  'must be an ArrayBuffer',
);
const attachmentFileSchema = z.object({
  name: z.string().max(1000),
  type: z.string().max(255),
  bytes: bytesSchema,
});
/** A picked image: bytes (a Uint8Array survives structured clone), bounded so the page cannot flood main. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
const imageFile = z.object({
  name: z.string().max(255),
  type: z.string().regex(/^image\/[a-z0-9.+-]+$/, 'must be an image type'),
  bytes: z
    .instanceof(Uint8Array)
    .refine((b) => b.length > 0 && b.length <= IMAGE_MAX_BYTES, 'must be 1 byte to 10 MB'),
});

/** BCP 47-ish tags as Chromium's spell-checker names them (`en-US`, `pt-BR`, `de`). */
const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag');

const desktopSettingsPatch = z
  .object({
    openAtLogin: z.boolean(),
    startMinimized: z.boolean(),
    closeToTray: z.boolean(),
    notificationSound: z.boolean(),
    spellCheckLanguages: z.array(languageTag).max(8),
    updatesEnabled: z.boolean(),
    uiLanguage: z.enum(UI_LANGUAGES).nullable(),
  })
  // The download folder is only ever set through main's own folder picker, never by the page.
  .partial()
  .strict();

/** Generous for a message body (the server caps it lower); the clipboard text of "Copy text". */
const MESSAGE_TEXT_MAX = 16_000;

/** A right-clicked message and its actions; bounded, every entry once. */
const messageMenuTarget = z
  .object({
    messageId: messageEditSchema.shape.messageId,
    actions: z
      .array(z.enum(['reply', 'edit', 'copy', 'delete', 'more-reactions']))
      .max(5)
      .refine((actions) => new Set(actions).size === actions.length, 'must not repeat an action'),
    reactions: z.array(z.object({ emoji: z.string().min(1).max(32), mine: z.boolean() }).strict()).max(12),
    text: z.string().max(MESSAGE_TEXT_MAX).optional(),
  })
  .strict()
  .refine((target) => target.actions.includes('copy') === (target.text !== undefined), {
    message: 'text comes with the copy action, and only with it',
  });

export const hostArgSchemas = {
  getState: none,
  resyncState: none,
  'auth.defaultServerUrl': none,
  'auth.signIn': z.tuple([
    z.object({
      serverUrl: serverUrlSchema,
      username: loginRequestSchema.shape.username,
      password: loginRequestSchema.shape.password,
    }),
  ]),
  'auth.signUp': z.tuple([
    z.object({
      serverUrl: serverUrlSchema,
      username: registerRequestSchema.shape.username,
      password: passwordSchema,
      // An empty field in the form means "no display name", not an invalid one.
      displayName: z
        .literal('')
        .transform(() => undefined)
        .or(displayNameSchema)
        .optional(),
      inviteCode: z.string().trim().min(1).max(128).optional(),
    }),
  ]),
  'auth.signOut': none,
  'auth.serverInfo': z.tuple([serverUrlSchema]),
  'conversations.open': z.tuple([conversationId.nullable()]),
  'conversations.loadOlder': z.tuple([conversationId]),
  'conversations.loadAround': z.tuple([conversationId, z.number().int().min(1)]),
  'conversations.markRead': z.tuple([conversationId, messagesReadSchema.shape.seq]),
  'conversations.createDirect': z.tuple([userId]),
  'conversations.createGroup': z.tuple([groupRequestSchema.shape.title, groupRequestSchema.shape.memberIds]),
  // The options are optional and trailing: the preload leaves them out when the page did.
  'messages.send': z
    .tuple([conversationId, messageSendSchema.shape.body, sendOptions.optional()])
    .refine(([, body, options]) => body.length > 0 || (options?.attachmentIds?.length ?? 0) > 0, {
      message: 'must not be empty (without attachments)',
      path: [1],
    }),
  'messages.retry': z.tuple([clientId]),
  'messages.discard': z.tuple([clientId]),
  'messages.setTyping': z.tuple([conversationId, z.boolean()]),
  'messages.edit': z.tuple([messageEditSchema.shape.messageId, z.string()]),
  'messages.delete': z.tuple([messageDeleteSchema.shape.messageId]),
  'messages.react': z.tuple([
    messageReactSchema.shape.messageId,
    messageReactSchema.shape.emoji,
    messageReactSchema.shape.on,
  ]),
  'users.search': z.tuple([userSearchQuerySchema.shape.q.unwrap()]),
  // The query's length rule is the server's; `limit` a number here (the URL's string form is not).
  'search.messages': z.tuple([
    searchQuerySchema.shape.q,
    z
      .object({
        conversationId: searchQuerySchema.shape.conversationId,
        limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).optional(),
      })
      .strict()
      .optional(),
  ]),
  'connection.retryNow': none,
  'calls.iceServers': none,
  'calls.initiate': z.tuple([conversationId, callMediaSchema]),
  'calls.accept': z.tuple([callId]),
  'calls.reject': z.tuple([callId]),
  'calls.cancel': z.tuple([callId]),
  'calls.end': z.tuple([callId]),
  'calls.dismiss': none,
  'calls.sendSignal': z.tuple([callId, signalSchema]),
  'notifications.get': none,
  'notifications.setMuted': z.tuple([conversationId, z.boolean()]),
  'notifications.setDoNotDisturb': z.tuple([z.boolean()]),
  'desktop.getSettings': none,
  'desktop.updateSettings': z.tuple([desktopSettingsPatch]),
  'desktop.availableSpellCheckLanguages': none,
  'desktop.chooseDownloadFolder': none,
  'desktop.takeInvite': none,
  'desktop.setContextMessage': z.tuple([messageMenuTarget]),
  'desktop.chooseScreenShare': z.tuple([
    z.string().regex(/^pick-\d{1,12}$/, 'must be a picker request id'),
    z.string().min(1).max(256).nullable(),
  ]),
  'accounts.list': none,
  'accounts.add': none,
  'accounts.remove': z.tuple([accountId]),
  'accounts.switch': z.tuple([accountId]),
  'attachments.upload': z.tuple([uploadId, attachmentFileSchema]),
  'attachments.cancelUpload': z.tuple([uploadId]),
  'attachments.read': z.tuple([attachmentId, z.enum(['full', 'thumbnail'])]),
  'account.get': none,
  'account.updateProfile': z.tuple([z.object({ displayName: displayNameSchema })]),
  'account.setAvatar': z.tuple([imageFile]),
  'account.removeAvatar': none,
  'account.changePassword': z.tuple([changePasswordRequestSchema]),
  'account.listSessions': none,
  'account.revokeSession': z.tuple([z.string().min(1).max(64)]),
  'account.deleteAccount': z.tuple([z.string().min(1).max(256)]),
  'account.avatar': z.tuple([z.object({ kind: z.enum(['user', 'conversation']), id: userId })]),
  'groups.rename': z.tuple([conversationId, updateConversationRequestSchema.shape.title.unwrap()]),
  'groups.setAvatar': z.tuple([conversationId, imageFile.nullable()]),
  'groups.addMembers': z.tuple([conversationId, addMembersRequestSchema.shape.userIds]),
  'groups.removeMember': z.tuple([conversationId, userId]),
  'groups.leave': z.tuple([conversationId]),
  'groups.setRole': z.tuple([conversationId, userId, memberRoleSchema]),
  'invites.create': z.tuple([
    z.object({
      maxUses: createInviteRequestSchema.shape.maxUses.unwrap().unwrap().optional(),
      expiresInHours: createInviteRequestSchema.shape.expiresInHours.unwrap().unwrap().optional(),
    }),
  ]),
  'invites.list': none,
  'invites.revoke': z.tuple([inviteCodeSchema]),
  'admin.listUsers': z.tuple([z.string().max(64)]),
  'admin.deactivate': z.tuple([userId]),
  'admin.resetPassword': z.tuple([userId, adminPasswordRequestSchema.shape.newPassword]),
  'admin.setRole': z.tuple([userId, serverRoleSchema]),
} satisfies { [P in HostMethodPath]: z.ZodType<HostArgs<P>> };

export type HostArgSchemas = typeof hostArgSchemas;
