/**
 * The signed-in account (contract v1.1): profile and picture, password, sessions, deletion,
 * pictures as bytes for the renderer, and invite links. Requests go through `session.api`;
 * bytes (a picture's upload, a picture) go through the attachments module, the one way the
 * client core uploads and downloads.
 */
import type { AccountInfo, ImageFile, ParleyHost } from '../host-api.js';
import {
  changePasswordRequestSchema,
  createInviteRequestSchema,
  inviteSchema,
  sessionInfoSchema,
  updateMeRequestSchema,
  type InviteResponse,
  type InvitesResponse,
  type SessionsResponse,
} from '../protocol/accounts.js';
import type { MeResponse } from '../protocol/http.js';
import { userSchema, type User } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { fail, guard, invalid, ok, type Result } from './http.js';

/** Pictures larger than this are refused before upload (the server's attachment limit applies too). */
export const AVATAR_MAX_BYTES = 10 * 1024 * 1024;

export type AccountModule = ReturnType<typeof createAccount>;

export function createAccount(ctx: ClientContext) {
  const { session } = ctx;

  /** Uploads an image (`POST /api/attachments`); resolves to the upload's id. */
  async function uploadImage(file: ImageFile): Promise<Result<string>> {
    if (!(file?.bytes instanceof Uint8Array) || file.bytes.length === 0)
      return fail('invalid_input', 'No picture given');
    if (file.bytes.length > AVATAR_MAX_BYTES)
      return fail('too_large', 'That picture is too large (at most 10 MB)');
    if (!/^image\//.test(String(file.type)))
      return fail('unsupported_media_type', 'Choose a PNG, JPEG, GIF or WebP image');
    const uploaded = await ctx.attachments.upload({
      name: String(file.name || 'picture'),
      type: file.type,
      bytes: file.bytes.slice().buffer,
    });
    return uploaded.ok ? ok(uploaded.value.id) : uploaded;
  }

  /** `PATCH /api/me`; the answer updates the signed-in user at once (user:updated follows). */
  async function patchMe(body: Record<string, unknown>): Promise<Result<User>> {
    const parsed = updateMeRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error.issues);
    const result = await session.api<MeResponse>('PATCH', '/api/me', parsed.data);
    if (!result.ok) return result;
    const user = userSchema.safeParse(result.value?.user);
    if (!user.success) return fail('bad_response', 'The server answered with something unexpected');
    ctx.conversations.updateUser(user.data);
    return ok(user.data);
  }

  const api: ParleyHost['account'] = {
    get: () =>
      guard(async () => {
        const me = await session.api<MeResponse>('GET', '/api/me');
        if (!me.ok) return me;
        const user = userSchema.safeParse(me.value?.user);
        if (!user.success) return fail('bad_response', 'The server answered with something unexpected');
        const info = await session.api<{ registration?: unknown; invitesBy?: unknown }>('GET', '/api/server');
        const server = info.ok ? info.value : {};
        const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | null =>
          allowed.includes(value as T) ? (value as T) : null;
        const account: AccountInfo = {
          user: user.data,
          serverRole: me.value.serverRole === 'admin' ? 'admin' : 'user',
          registration: pick(server?.registration, ['open', 'invite', 'closed'] as const),
          invitesBy: pick(server?.invitesBy, ['admins', 'members'] as const),
        };
        return ok(account);
      }),
    updateProfile: (input) => guard(() => patchMe({ displayName: input?.displayName })),
    setAvatar: (file) =>
      guard(async () => {
        const uploaded = await uploadImage(file);
        return uploaded.ok ? patchMe({ avatarId: uploaded.value }) : uploaded;
      }),
    removeAvatar: () => guard(() => patchMe({ avatarId: null })),
    changePassword: (input) =>
      guard(async () => {
        const body = changePasswordRequestSchema.safeParse(input);
        if (!body.success) return invalid(body.error.issues);
        const result = await session.api<void>('POST', '/api/me/password', body.data);
        return result.ok ? ok(undefined) : result;
      }),
    listSessions: () =>
      guard(async () => {
        const result = await session.api<SessionsResponse>('GET', '/api/me/sessions');
        if (!result.ok) return result;
        const list = Array.isArray(result.value?.sessions) ? result.value.sessions : [];
        return ok(
          list.flatMap((s) => {
            const parsed = sessionInfoSchema.safeParse(s);
            return parsed.success ? [parsed.data] : [];
          }),
        );
      }),
    revokeSession: (sessionId) =>
      guard(async () => {
        if (typeof sessionId !== 'string' || sessionId === '')
          return fail('invalid_input', 'No session given');
        const result = await session.api<void>('DELETE', `/api/me/sessions/${encodeURIComponent(sessionId)}`);
        return result.ok ? ok(undefined) : result;
      }),
    deleteAccount: (password) =>
      guard(async () => {
        if (typeof password !== 'string' || password === '')
          return fail('invalid_input', 'Enter your password');
        const result = await session.api<void>('DELETE', '/api/me', { password });
        // The server ends this session too: its session:ended can arrive before the answer, and
        // then the request reports the session changed (it was ended by this very deletion).
        const endedMeanwhile =
          !result.ok && result.code === 'signed_out' && ctx.state().session.status === 'signed-out';
        if (!result.ok && !endedMeanwhile) return result;
        await session.endSession('Your account was deleted.');
        return ok(undefined);
      }),
    avatar: (target) =>
      guard(async () => {
        const kind =
          target?.kind === 'conversation' ? 'conversations' : target?.kind === 'user' ? 'users' : null;
        if (!kind || typeof target.id !== 'string' || target.id === '')
          return fail('invalid_input', 'No picture named');
        const got = await ctx.attachments.readBytes(`/api/${kind}/${encodeURIComponent(target.id)}/avatar`);
        if (!got.ok) return got.status === 404 ? ok(null) : got;
        const type = got.value.contentType;
        const bytes = new Uint8Array(got.value.bytes);
        return ok({ name: 'avatar', type, bytes });
      }),
  };

  const invites: ParleyHost['invites'] = {
    create: (input) =>
      guard(async () => {
        const body = createInviteRequestSchema.safeParse(input ?? {});
        if (!body.success) return invalid(body.error.issues);
        const result = await session.api<InviteResponse>('POST', '/api/invites', body.data);
        if (!result.ok) return result;
        const invite = inviteSchema.safeParse(result.value?.invite);
        return invite.success
          ? ok(invite.data)
          : fail('bad_response', 'The server answered with something unexpected');
      }),
    list: () =>
      guard(async () => {
        const result = await session.api<InvitesResponse>('GET', '/api/invites');
        if (!result.ok) return result;
        const list = Array.isArray(result.value?.invites) ? result.value.invites : [];
        return ok(
          list.flatMap((i) => {
            const parsed = inviteSchema.safeParse(i);
            return parsed.success ? [parsed.data] : [];
          }),
        );
      }),
    revoke: (code) =>
      guard(async () => {
        if (typeof code !== 'string' || code === '') return fail('invalid_input', 'No invite given');
        const result = await session.api<void>('DELETE', `/api/invites/${encodeURIComponent(code)}`);
        return result.ok ? ok(undefined) : result;
      }),
  };

  return { api, invites, uploadImage };
}
