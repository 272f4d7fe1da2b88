import {
  ATTACHMENTS_PER_MESSAGE_MAX,
  MESSAGE_BODY_MAX,
  PROTOCOL_VERSION,
  type ServerInfo,
} from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
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
  'attachments',
  'search',
  'account',
  'sessions',
  'invites',
  'admin',
  'avatars',
] as const;

/** `GET /api/server`: what this server is and supports, for clients before they sign in. */
export function registerServerInfoRoute(
  app: FastifyInstance,
  config?: Pick<Config, 'registration' | 'invitesBy'> &
    Partial<Pick<Config, 'maxAttachmentBytes' | 'maxPayloadBytes'>>,
  epoch?: string,
): void {
  const info: ServerInfo = {
    name: 'Parley',
    version: SERVER_VERSION,
    protocol: PROTOCOL_VERSION,
    registration: config?.registration ?? 'open',
    invitesBy: config?.invitesBy ?? 'admins',
    limits: {
      maxBodyLength: MESSAGE_BODY_MAX,
      maxAttachmentBytes: config?.maxAttachmentBytes ?? 0,
      maxAttachments: config?.maxAttachmentBytes ? ATTACHMENTS_PER_MESSAGE_MAX : 0,
      // Socket.IO's maxHttpBufferSize and Fastify's bodyLimit (app.ts).
      ...(config?.maxPayloadBytes ? { maxPacketBytes: config.maxPayloadBytes } : {}),
    },
    features: [...FEATURES],
    ...(epoch ? { epoch } : {}),
  };
  app.get('/api/server', async () => info);
}
