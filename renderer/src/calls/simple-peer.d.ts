// simple-peer's browser bundle: untyped on purpose; peer-connection.ts gives it the narrow type it uses.
declare module 'simple-peer/simplepeer.min.js';
