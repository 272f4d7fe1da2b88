/**
 * `@parley/shared`: what every side imports. The wire contract (types and zod schemas), the
 * client state shape and the host API. No Node, DOM or Electron imports here; the client
 * core lives in `@parley/shared/client`.
 */
export * from './protocol/index.js';
export * from './client/state.js';
export * from './host-api.js';
export * from './rules/index.js';
export * from './state-patch.js';
