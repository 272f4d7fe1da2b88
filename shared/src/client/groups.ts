/**
 * Group management (contract v1.1): rename, picture, members, roles, leaving. Each answer
 * (or the removal) is applied to the state at once; the server's `conversation:updated`,
 * `message:new` (the system line) and `conversation:removed` then confirm it.
 */
import type { ParleyHost } from '../host-api.js';
import {
  addMembersRequestSchema,
  memberRoleRequestSchema,
  updateConversationRequestSchema,
  type ConversationResponse,
} from '../protocol/http.js';
import { conversationSchema, type Conversation } from '../protocol/models.js';
import type { ClientContext } from './context.js';
import { fail, guard, invalid, ok, type Result } from './http.js';

export type GroupsModule = ReturnType<typeof createGroups>;

const path = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}`;
const validId = (id: unknown): id is string => typeof id === 'string' && id !== '' && id.length <= 64;

export function createGroups(ctx: ClientContext) {
  const { session } = ctx;

  /** The conversation in an answer, applied to the state like `conversation:updated`. */
  function applied(result: Result<ConversationResponse>): Result<Conversation> {
    if (!result.ok) return result;
    const parsed = conversationSchema.safeParse(result.value?.conversation);
    if (!parsed.success) return fail('bad_response', 'The server answered with something unexpected');
    ctx.conversations.replaceMetadata(parsed.data);
    return ok(ctx.state().conversations.find((c) => c.id === parsed.data.id) ?? parsed.data);
  }

  async function patch(conversationId: string, body: Record<string, unknown>): Promise<Result<Conversation>> {
    if (!validId(conversationId)) return fail('invalid_input', 'No conversation given');
    const parsed = updateConversationRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error.issues);
    return applied(await session.api<ConversationResponse>('PATCH', path(conversationId), parsed.data));
  }

  async function remove(conversationId: string, userId: string): Promise<Result<void>> {
    if (!validId(conversationId) || !validId(userId)) return fail('invalid_input', 'No member given');
    const result = await session.api<void>(
      'DELETE',
      `${path(conversationId)}/members/${encodeURIComponent(userId)}`,
    );
    return result.ok ? ok(undefined) : result;
  }

  const api: ParleyHost['groups'] = {
    rename: (conversationId, title) => guard(() => patch(conversationId, { title })),
    setAvatar: (conversationId, file) =>
      guard(async () => {
        if (file === null) return patch(conversationId, { avatarId: null });
        const uploaded = await ctx.account.uploadImage(file);
        return uploaded.ok ? patch(conversationId, { avatarId: uploaded.value }) : uploaded;
      }),
    addMembers: (conversationId, userIds) =>
      guard(async () => {
        if (!validId(conversationId)) return fail('invalid_input', 'No conversation given');
        const body = addMembersRequestSchema.safeParse({ userIds });
        if (!body.success) return invalid(body.error.issues);
        return applied(
          await session.api<ConversationResponse>('POST', `${path(conversationId)}/members`, body.data),
        );
      }),
    removeMember: (conversationId, userId) => guard(() => remove(conversationId, userId)),
    leave: (conversationId) =>
      guard(async () => {
        const me = session.me();
        if (!me) return fail('signed_out', 'Not signed in');
        ctx.conversations.leaving(conversationId, true);
        const result = await remove(conversationId, me.id).finally(() =>
          ctx.conversations.leaving(conversationId, false),
        );
        if (result.ok) {
          if (ctx.state().openConversationId === conversationId) {
            ctx.update((s) => ({ ...s, openConversationId: null }));
          }
          ctx.conversations.left(conversationId);
        }
        return result;
      }),
    setRole: (conversationId, userId, role) =>
      guard(async () => {
        if (!validId(conversationId) || !validId(userId)) return fail('invalid_input', 'No member given');
        const body = memberRoleRequestSchema.safeParse({ role });
        if (!body.success) return invalid(body.error.issues);
        return applied(
          await session.api<ConversationResponse>(
            'PUT',
            `${path(conversationId)}/members/${encodeURIComponent(userId)}/role`,
            body.data,
          ),
        );
      }),
  };
  return { api };
}
