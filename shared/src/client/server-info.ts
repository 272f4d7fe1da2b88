/**
 * The server's contract (`GET /api/server`, v1.1): which protocol it speaks, so the UI can
 * say clearly when the server is too old or too new for this client (`ClientState.server`).
 */
import { serverInfoSchema } from '../protocol/http.js';
import { PROTOCOL_VERSION } from '../protocol/limits.js';
import type { ClientContext } from './context.js';
import { requestJson } from './http.js';
import { initialClientState, type ServerStatus } from './state.js';

/** The module that owns the server's contract (`ClientState.server`), as other modules reach it through `ctx`. */
export type ServerInfoModule = ReturnType<typeof createServerInfo>;

const UNKNOWN: ServerStatus = initialClientState.server ?? {
  compatibility: 'unknown',
  protocol: null,
  name: null,
  version: null,
  features: [],
  message: null,
};

/** What the client makes of the answer to `GET /api/server` (`status`: the HTTP status). */
export function serverStatusFrom(
  answer: { ok: true; value: unknown } | { ok: false; status?: number },
): ServerStatus {
  if (!answer.ok) {
    // A v1 server has no /api/server: it works, without the change feed, edits and reactions.
    if (answer.status === 404)
      return {
        ...UNKNOWN,
        compatibility: 'legacy',
        protocol: PROTOCOL_VERSION,
        message:
          'This server runs an older Parley (protocol 1.0): editing, deleting and reactions are not available.',
      };
    return UNKNOWN;
  }
  const parsed = serverInfoSchema.safeParse(answer.value);
  const protocol = parsed.success
    ? parsed.data.protocol
    : typeof (answer.value as { protocol?: unknown } | null)?.protocol === 'number'
      ? (answer.value as { protocol: number }).protocol
      : null;
  const about = parsed.success
    ? {
        name: parsed.data.name,
        version: parsed.data.version,
        features: parsed.data.features,
        limits: parsed.data.limits,
      }
    : { name: null, version: null, features: [] };
  if (protocol !== null && protocol > PROTOCOL_VERSION)
    return {
      ...about,
      compatibility: 'too-new',
      protocol,
      message: `This server speaks Parley protocol ${protocol}, newer than this app (protocol ${PROTOCOL_VERSION}). Update Parley; until then some things may not work.`,
    };
  if (protocol !== null && protocol < PROTOCOL_VERSION)
    return {
      ...about,
      compatibility: 'too-old',
      protocol,
      message: `This server speaks Parley protocol ${protocol}, older than this app needs (protocol ${PROTOCOL_VERSION}). Ask its administrator to update it.`,
    };
  if (!parsed.success)
    return { ...UNKNOWN, protocol, message: 'The server describes itself in a way this app cannot read.' };
  return { ...about, compatibility: 'compatible', protocol, message: null };
}

/** Creates the module that owns the server's contract (`ClientState.server`). */
export function createServerInfo(ctx: ClientContext) {
  let checking: Promise<void> | null = null;
  /** The server's data epoch, as last told (undefined: not told, or a server without one). */
  let epoch: string | undefined;

  async function check(): Promise<void> {
    const url = ctx.session.serverUrl();
    if (!url) return;
    const answer = await requestJson<unknown>(ctx.fetch, url, '/api/server', { method: 'GET' });
    if (ctx.session.serverUrl() !== url) return;
    // A network failure says nothing about the server: keep what we knew.
    if (!answer.ok && answer.status === undefined) return;
    const about = answer.ok ? serverInfoSchema.safeParse(answer.value) : null;
    if (about?.success) epoch = about.data.epoch;
    const status = serverStatusFrom(answer);
    ctx.update((s) => (JSON.stringify(s.server) === JSON.stringify(status) ? s : { ...s, server: status }));
  }

  return {
    /** Asks the server what it speaks (on every connect: it may have been upgraded). */
    check(): Promise<void> {
      checking ??= check()
        .catch(() => undefined)
        .finally(() => {
          checking = null;
        });
      return checking;
    },
    /** Resolves once the check under way, if any, is done (catch-up waits for the epoch). */
    settled(): Promise<void> {
      return checking ?? Promise.resolve();
    },
    /** The epoch the server last said its data has (`GET /api/server`). */
    epoch: (): string | undefined => epoch,
    reset(): void {
      epoch = undefined;
      ctx.update((s) => (s.server === UNKNOWN ? s : { ...s, server: UNKNOWN }));
    },
  };
}
