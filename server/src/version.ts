import pkg from '../package.json' with { type: 'json' };

/** The server package's version, reported by /health and the startup line. */
export const SERVER_VERSION: string = pkg.version;
