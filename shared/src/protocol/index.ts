export * from './accounts.js';
export * from './errors.js';
export * from './http.js';
export * from './limits.js';
export * from './models.js';
export * from './socket.js';
export * from './files.js';
export * from './operations.js';
