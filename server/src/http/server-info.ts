import { MESSAGE_BODY_MAX, PROTOCOL_VERSION, type ServerInfo } from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import { SERVER_VERSION } from '../version.js';

/**
 * The v1.1 features this server implements, as `GET /api/server` lists them. A client
 * checks for a name before it uses the feature, so a name goes here only once the feature
 * works end to end (docs/protocol.md lists what each means).
 */
export const FEATURES = [
  'changes',
  'around_seq',
  'member_read_positions',
  'edit',
  'delete',
  'reactions',
  'group_members',
  'group_rename',
  'group_roles',
] as const;

/** `GET /api/server`: what this server is and supports, for clients before they sign in. */
export function registerServerInfoRoute(app: FastifyInstance): void {
  const info: ServerInfo = {
    name: 'Parley',
    version: SERVER_VERSION,
    protocol: PROTOCOL_VERSION,
    // Registration modes and invites are not built yet: anyone may register, as in v1.
    registration: 'open',
    invitesBy: 'admins',
    // Attachments are not built yet: no message may carry any.
    limits: { maxBodyLength: MESSAGE_BODY_MAX, maxAttachmentBytes: 0, maxAttachments: 0 },
    features: [...FEATURES],
  };
  app.get('/api/server', async () => info);
}
