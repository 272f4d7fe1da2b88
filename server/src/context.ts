import type {
  ClientToServerEvents,
  InterServerEvents,
  Message,
  ServerToClientEvents,
  SocketData,
} from '@parley/shared';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { RemoteSocket, Server, Socket } from 'socket.io';
import type { AuthInfo, TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import type { PostMessageInput } from './messages/service.js';
import type { Presence } from './presence.js';
import type { RateLimits } from './rate-limits.js';
import type { Repository } from './storage/repository.js';
import type { AttachmentStore } from './attachments/store.js';
import type { ServerMetrics } from './observability/metrics.js';

/** The typed Socket.IO server: the contract's event maps, checked by the compiler. */
export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleyRemoteSocket = RemoteSocket<ServerToClientEvents, SocketData>;

/** Room names. One place, so every emit and join agrees. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
};

/** What the HTTP routes and socket handlers of one server instance share. */
export interface ServerContext {
  config: Config;
  repo: Repository;
  tokens: TokenService;
  io: ParleyIo;
  logger: FastifyBaseLogger;
  presence: Presence;
  limits: RateLimits;
  /** Verifies an access token and that its login session is still active. */
  authenticateToken(token: unknown): Promise<AuthInfo>;
  /** `authenticateToken` on the request's `Authorization: Bearer` header. */
  authenticate(request: FastifyRequest): Promise<AuthInfo>;
  /** Socket handlers still running; shutdown waits for them so no acknowledged write is cut off. */
  inflight: Set<Promise<unknown>>;
  /** Set when shutdown starts: new socket events are answered `unavailable` while in-flight ones finish. */
  closing: boolean;
  /** Cleanups run on close (timers and the like), in order. */
  onClose(fn: () => void | Promise<void>): void;
  /** Prometheus metrics of this server (`/metrics`). */
  metrics: ServerMetrics;
  /** Where attachment bytes live (local disk by default). */
  files: AttachmentStore;
}

/**
 * What the call signaling code (src/calls/) gets from the rest of the server. One object
 * per server instance: keep per-server call state in a `WeakMap<CallsContext, ...>` or in a
 * closure created by `registerCallRoutes` (which runs once per server, before any socket
 * connects), never in module globals (tests run several servers in one process).
 */
export interface CallsContext {
  io: ParleyIo;
  repo: Repository;
  config: Config;
  logger: FastifyBaseLogger;
  /** True if any device of the user is connected (on any node, via the adapter). */
  isUserConnected(userId: string): Promise<boolean>;
  /** The user's connected sockets on every node; `.emit()`, `.data.sessionId`, `.id` work on each. */
  socketsOfUser(userId: string): Promise<ParleyRemoteSocket[]>;
  /**
   * Stores a message through the normal path (seq in the insert's transaction, idempotent on
   * senderId + clientId) and broadcasts `message:new` to every device of every member. For
   * call records: `{ kind: 'call', senderId: callerId, clientId: 'call:' + callId, body, call }`.
   */
  postMessage(input: PostMessageInput): Promise<Message>;
  /** Authenticates an HTTP request (`Authorization: Bearer`); rejects with a 401 AppError. */
  authenticate(request: FastifyRequest): Promise<AuthInfo>;
  /** The server's rate limits (`limits.calls` for call:initiate). */
  limits: RateLimits;
  /** Runs on server close, before the database closes: clear timers, end calls. */
  onClose(fn: () => void | Promise<void>): void;
  /**
   * Set when this server is one node of several (REDIS_URL): calls then keep their busy state
   * in Redis under `<prefix>:calls:*` and forward call events to the node that owns the call
   * (see src/calls/cluster.ts). Unset: one node, calls live in memory.
   */
  cluster?: CallsCluster;
}

/** What multi-node call signaling needs: a Redis connection for commands, and the key prefix. */
export interface CallsCluster {
  /** A connection in normal (not subscriber) mode; the calls code duplicates it to subscribe. */
  redis: Redis;
  /** REDIS_PREFIX: every call key and channel starts with it. */
  prefix: string;
}
