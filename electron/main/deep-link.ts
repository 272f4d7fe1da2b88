/**
 * `parley://` links. Pure: parsing and the decision what a link does, so every rule is unit
 * tested; deep-link-router.ts does the Electron side. A link is untrusted input from any web
 * page or chat message, so anything not exactly one of the two forms is refused:
 *
 * - `parley://<host[:port]>/c/<conversationId>` opens a conversation;
 * - `parley://<host[:port]>/invite/<code>` opens sign-up with that server and code.
 *
 * The server is a host name, not a URL: https, except local hosts (http), as the sign-in
 * form does it (normalizeServerUrl), so a link cannot pick a scheme or carry credentials.
 */
import type { ClientState, InviteLink } from '@parley/shared';
import { normalizeServerUrl } from '@parley/shared';
import { t } from './i18n.js';

export const DEEP_LINK_SCHEME = 'parley';

export type DeepLink =
  { kind: 'conversation'; serverUrl: string; conversationId: string } | ({ kind: 'invite' } & InviteLink);

export type ParsedDeepLink = { ok: true; link: DeepLink } | { ok: false; reason: string };

/** Longer than any real link; anything beyond is not parsed at all. */
export const DEEP_LINK_MAX = 512;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const INVITE_CODE = /^[A-Za-z0-9_-]{4,64}$/;

const refuse = (reason: string): ParsedDeepLink => ({ ok: false, reason });

export function parseDeepLink(raw: string): ParsedDeepLink {
  if (raw.length > DEEP_LINK_MAX) return refuse('The link is too long.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('The link is not a valid address.');
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return refuse('It is not a parley:// link.');
  if (url.username || url.password) return refuse('The link must not contain a user name or password.');
  if (url.search || url.hash) return refuse('The link has parts Parley does not understand.');
  const { hostname, port } = url;
  if (!hostname || !(HOST.test(hostname) || IPV6.test(hostname)))
    return refuse('The link does not name a server.');
  const serverUrl = normalizeServerUrl(port ? `${hostname}:${port}` : hostname);
  if (!serverUrl) return refuse('The link does not name a server.');
  const segments = url.pathname.split('/').slice(1);
  const [kind, value, ...rest] = segments;
  if (rest.length > 0 || value === undefined) return refuse('Parley does not know this kind of link.');
  switch (kind) {
    case 'c':
      if (!ID.test(value)) return refuse('The conversation in the link is not valid.');
      return { ok: true, link: { kind: 'conversation', serverUrl, conversationId: value } };
    case 'invite':
      if (!INVITE_CODE.test(value)) return refuse('The invite code in the link is not valid.');
      return { ok: true, link: { kind: 'invite', serverUrl, code: value } };
    default:
      return refuse('Parley does not know this kind of link.');
  }
}

/** The deep link among a process's arguments (Windows and Linux pass it on the command line). */
export function deepLinkArg(argv: readonly string[]): string | null {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}

/** Same server: scheme, host and port (a trailing path or slash does not matter). */
export function sameServer(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export type DeepLinkAction =
  | { do: 'open-conversation'; conversationId: string }
  | { do: 'offer-invite'; invite: InviteLink }
  /** Signing in, or the conversation list is not loaded yet: try again on a later state. */
  | { do: 'wait' }
  | { do: 'explain'; message: string; detail: string };

/** What a valid link does in the current state. */
export function decideDeepLink(link: DeepLink, state: ClientState): DeepLinkAction {
  const { session } = state;
  if (session.status === 'signing-in') return { do: 'wait' };
  const host = new URL(link.serverUrl).host;
  if (link.kind === 'invite') {
    if (session.status === 'signed-out')
      return { do: 'offer-invite', invite: { serverUrl: link.serverUrl, code: link.code } };
    return {
      do: 'explain',
      message: t('link.alreadySignedIn'),
      detail: t('link.alreadySignedInDetail', { host }),
    };
  }
  if (session.status !== 'signed-in')
    return {
      do: 'explain',
      message: t('link.signInFirst'),
      detail: t('link.signInFirstDetail', { host }),
    };
  if (!sameServer(session.serverUrl, link.serverUrl))
    return {
      do: 'explain',
      message: t('link.otherServer'),
      detail: t('link.otherServerDetail', { host, current: new URL(session.serverUrl).host }),
    };
  if (!state.conversations.some((conversation) => conversation.id === link.conversationId)) {
    // Not in the list yet: maybe the list is still loading (connecting, or catching up).
    if (state.connection.status !== 'connected' || state.catchUp.active) return { do: 'wait' };
    return {
      do: 'explain',
      message: t('link.notFound'),
      detail: t('link.notFoundDetail'),
    };
  }
  return { do: 'open-conversation', conversationId: link.conversationId };
}
