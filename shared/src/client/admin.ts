/** Server administration (contract v1.1 `/api/admin/...`): server admins only. */
import type { ParleyHost } from '../host-api.js';
import {
  adminPasswordRequestSchema,
  adminUserSchema,
  serverRoleRequestSchema,
  type AdminUsersResponse,
} from '../protocol/accounts.js';
import type { ClientContext } from './context.js';
import { fail, guard, invalid, ok } from './http.js';

export type AdminModule = ReturnType<typeof createAdmin>;

const userPath = (userId: string) => `/api/admin/users/${encodeURIComponent(userId)}`;
const validId = (id: unknown): id is string => typeof id === 'string' && id !== '' && id.length <= 64;

export function createAdmin(ctx: ClientContext) {
  const { session } = ctx;
  const api: ParleyHost['admin'] = {
    listUsers: (query) =>
      guard(async () => {
        const q = typeof query === 'string' ? query.trim().slice(0, 64) : '';
        const result = await session.api<AdminUsersResponse>(
          'GET',
          `/api/admin/users?q=${encodeURIComponent(q)}`,
        );
        if (!result.ok) return result;
        const users = Array.isArray(result.value?.users) ? result.value.users : [];
        return ok(
          users.flatMap((u) => {
            const parsed = adminUserSchema.safeParse(u);
            return parsed.success ? [parsed.data] : [];
          }),
        );
      }),
    deactivate: (userId) =>
      guard(async () => {
        if (!validId(userId)) return fail('invalid_input', 'No user given');
        const result = await session.api<void>('POST', `${userPath(userId)}/deactivate`, {});
        return result.ok ? ok(undefined) : result;
      }),
    resetPassword: (userId, newPassword) =>
      guard(async () => {
        if (!validId(userId)) return fail('invalid_input', 'No user given');
        const body = adminPasswordRequestSchema.safeParse({ newPassword });
        if (!body.success) return invalid(body.error.issues);
        const result = await session.api<void>('POST', `${userPath(userId)}/password`, body.data);
        return result.ok ? ok(undefined) : result;
      }),
    setRole: (userId, role) =>
      guard(async () => {
        if (!validId(userId)) return fail('invalid_input', 'No user given');
        const body = serverRoleRequestSchema.safeParse({ role });
        if (!body.success) return invalid(body.error.issues);
        const result = await session.api<void>('PUT', `${userPath(userId)}/role`, body.data);
        return result.ok ? ok(undefined) : result;
      }),
  };
  return { api };
}
