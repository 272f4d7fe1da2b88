import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The server's configuration. Every field can come from an environment variable (the
 * upper-case name in the README's table) or a CLI flag (`--port`, `--data-dir`, ...); flags
 * win over the environment.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Absent: SQLite in `dataDir/parley.db`. `postgres://...`: PostgreSQL. */
  databaseUrl: string | undefined;
  /** PostgreSQL only: the schema to use (created if missing). Lets deployments or test runs share a database. */
  databaseSchema: string | undefined;
  /** When set, the Socket.IO Redis adapter fans events out across nodes. */
  redisUrl: string | undefined;
  /** Prefix for every Redis key and channel, so deployments (and test runs) sharing one Redis stay apart. */
  redisPrefix: string;
  /** HS256 key for access tokens. Absent: generated once and kept in `dataDir/jwt-secret`. */
  jwtSecret: string | undefined;
  /** Which proxies' X-Forwarded-For to believe (Fastify's trustProxy): false, true, a hop count or addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** Origins allowed to call the API from a browser; empty: same origin only. `*` allows any. */
  corsOrigins: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Largest Socket.IO packet and HTTP body, in bytes. */
  maxPayloadBytes: number;
  /** Largest attachment upload, in bytes. */
  maxAttachmentBytes: number;
  /** Messages one user may send per 10 seconds. */
  messageRate: number;
  /** Calls one user may start per minute. */
  callRate: number;
  /** Login attempts per username and IP address per 15 minutes. */
  loginRate: number;
  webDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** When set, `/metrics` wants `Authorization: Bearer <metricsToken>`; else it is open (block it at the proxy). */
  metricsToken: string | undefined;
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  callRingTimeoutMs: number;
  callReconnectGraceMs: number;
  /** log2 of scrypt's N. 15 (32 MiB per hash) in production; tests use less to stay fast. */
  scryptLogN: number;
  /** Who may create an account: anyone, people with an invite, or nobody (the admin CLI still can). */
  registration: 'open' | 'invite' | 'closed';
  /** Who may make invites: server admins, or any member. */
  invitesBy: 'admins' | 'members';
  /** Sign-up attempts per address per hour. */
  registrationRate: number;
  /** `contacts`: user search finds only people sharing a conversation, or an exact username. */
  userDirectory: 'open' | 'contacts';
  /** The origin clients reach the server at, for invite links; unset: the request's own. */
  publicUrl: string | undefined;
}

/** Where `npm run build:web` puts the web client: `<repo>/out/renderer`. `src/` and `dist/` are both one level below the package. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .transform((s) => (s.trim() === '' ? undefined : s.trim()))
  .optional();

/**
 * Durations accept plain seconds (`900`) or a number with a unit: `ms`, `s`, `m`, `h`, `d`
 * (`15m`, `30d`). Parsed to seconds.
 */
const duration = z.string().transform((s, ctx) => {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like 900, 15m, 12h or 30d' });
    return z.NEVER;
  }
  const n = Number(m[1]);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's'] ?? 1;
  const seconds = Math.floor(n * factor);
  if (seconds < 1) {
    ctx.addIssue({ code: 'custom', message: 'must be at least one second' });
    return z.NEVER;
  }
  return seconds;
});

const rawSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^(postgres|postgresql):\/\//.test(v) || /^(sqlite|file):/.test(v),
    'expected postgres://... (or leave it unset for SQLite in DATA_DIR)',
  ),
  DATABASE_SCHEMA: optionalText.refine(
    (v) => v === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(v),
    'lower-case letters, digits and _ only',
  ),
  REDIS_URL: optionalText.refine(
    (v) => v === undefined || /^rediss?:\/\//.test(v),
    'expected redis://... or rediss://...',
  ),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only')
    .default('parley'),
  JWT_SECRET: optionalText.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters (or leave it unset to have one generated)',
  ),
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((v): boolean | number | string[] => {
      if (v === '' || v === 'false') return false;
      if (v === 'true') return true;
      if (/^\d+$/.test(v)) return Number(v);
      return v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    })
    .default(false),
  CORS_ORIGINS: list.default([]),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  REFRESH_TOKEN_TTL: duration.default(30 * 86400),
  MAX_PAYLOAD_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
  MAX_ATTACHMENT_BYTES: int(1, 2 ** 40).default(25 * 1024 * 1024),
  MESSAGE_RATE: int(1, 100_000).default(30),
  CALL_RATE: int(1, 100_000).default(10),
  LOGIN_RATE: int(1, 100_000).default(10),
  WEB_DIR: z.string().trim().min(1).default(DEFAULT_WEB_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STUN_URLS: list.default([]),
  TURN_URLS: list.default([]),
  TURN_SECRET: optionalText,
  METRICS_TOKEN: optionalText,
  CALL_RING_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  CALL_RECONNECT_GRACE_MS: int(0, 600_000).default(10_000),
  SCRYPT_LOG_N: int(10, 20).default(15),
  REGISTRATION: z.enum(['open', 'invite', 'closed']).default('open'),
  INVITES_BY: z.enum(['admins', 'members']).default('admins'),
  REGISTRATION_RATE: int(1, 100_000).default(10),
  USER_DIRECTORY: z.enum(['open', 'contacts']).default('open'),
  PUBLIC_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^/?#]+\/?$/.test(v),
    'expected an origin such as https://chat.example.org',
  ),
});

type RawKey = keyof z.input<typeof rawSchema>;

/** CLI flag → environment variable name. Every setting has a flag. */
const FLAGS: Record<string, RawKey> = Object.fromEntries(
  (Object.keys(rawSchema.shape) as RawKey[]).map((k) => [k.toLowerCase().replaceAll('_', '-'), k]),
);

/** A bad setting. `bin.ts` prints `message` and exits with status 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the configuration from the environment and CLI flags. Throws `ConfigError` naming
 * every bad setting. Does not touch the disk: see `resolveSecrets`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError(
      `${(err as Error).message}\nFlags: ${Object.keys(FLAGS)
        .map((f) => `--${f}`)
        .join(' ')}`,
    );
  }
  const raw: Partial<Record<RawKey, string>> = {};
  for (const key of Object.keys(rawSchema.shape) as RawKey[]) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  for (const [flag, value] of Object.entries(flags)) {
    const key = FLAGS[flag];
    if (key && typeof value === 'string') raw[key] = value;
  }
  const parsed = rawSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?');
      return `  ${key} (--${key.toLowerCase().replaceAll('_', '-')}): ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const r = parsed.data;
  return {
    port: r.PORT,
    host: r.HOST,
    dataDir: resolve(r.DATA_DIR),
    databaseUrl: r.DATABASE_URL,
    databaseSchema: r.DATABASE_SCHEMA,
    redisUrl: r.REDIS_URL,
    redisPrefix: r.REDIS_PREFIX,
    jwtSecret: r.JWT_SECRET,
    trustProxy: r.TRUST_PROXY,
    corsOrigins: r.CORS_ORIGINS,
    accessTokenTtlSeconds: r.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: r.REFRESH_TOKEN_TTL,
    maxPayloadBytes: r.MAX_PAYLOAD_BYTES,
    maxAttachmentBytes: r.MAX_ATTACHMENT_BYTES,
    messageRate: r.MESSAGE_RATE,
    callRate: r.CALL_RATE,
    loginRate: r.LOGIN_RATE,
    webDir: resolve(r.WEB_DIR),
    logLevel: r.LOG_LEVEL,
    stunUrls: r.STUN_URLS,
    turnUrls: r.TURN_URLS,
    turnSecret: r.TURN_SECRET,
    metricsToken: r.METRICS_TOKEN,
    callRingTimeoutMs: r.CALL_RING_TIMEOUT_MS,
    callReconnectGraceMs: r.CALL_RECONNECT_GRACE_MS,
    scryptLogN: r.SCRYPT_LOG_N,
    registration: r.REGISTRATION,
    invitesBy: r.INVITES_BY,
    registrationRate: r.REGISTRATION_RATE,
    userDirectory: r.USER_DIRECTORY,
    publicUrl: r.PUBLIC_URL?.replace(/\/$/, ''),
  };
}

/**
 * Returns the JWT secret: the configured one, or the one kept in `dataDir/jwt-secret`,
 * created (32 random bytes, file mode 0600) on first start. Creates `dataDir`.
 */
export async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if another process created it meanwhile; then that one's secret wins.
    await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readFile(file, 'utf8')).trim();
  }
}
