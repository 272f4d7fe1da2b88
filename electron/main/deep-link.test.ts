import { describe, expect, it } from 'vitest';
import { initialClientState } from '@parley/shared';
import { conversation, signedInState } from '../test/fixtures.js';
import { decideDeepLink, deepLinkArg, parseDeepLink, sameServer, type DeepLink } from './deep-link.js';

describe('parseDeepLink', () => {
  it('reads a conversation link; the server gets https, a local host http', () => {
    expect(parseDeepLink('parley://chat.example.org/c/abc_123')).toEqual({
      ok: true,
      link: { kind: 'conversation', serverUrl: 'https://chat.example.org', conversationId: 'abc_123' },
    });
    expect(parseDeepLink('parley://127.0.0.1:8080/c/x')).toMatchObject({
      ok: true,
      link: { serverUrl: 'http://127.0.0.1:8080' },
    });
  });

  it('reads an invite link', () => {
    expect(parseDeepLink('parley://chat.example.org:8443/invite/JOIN-us_1')).toEqual({
      ok: true,
      link: { kind: 'invite', serverUrl: 'https://chat.example.org:8443', code: 'JOIN-us_1' },
    });
  });

  it.each([
    ['https://chat.example.org/c/abc', 'It is not a parley:// link.'],
    ['parley:chat', 'The link does not name a server.'],
    ['parley://', 'The link does not name a server.'],
    ['parley://bad_host/c/a', 'The link does not name a server.'],
    ['parley://u:p@chat.example.org/c/a', 'The link must not contain a user name or password.'],
    ['parley://chat.example.org/c/a#x', 'The link has parts Parley does not understand.'],
    ['parley://chat.example.org/c/a?x=1', 'The link has parts Parley does not understand.'],
    ['parley://chat.example.org/c/a/b', 'Parley does not know this kind of link.'],
    ['parley://chat.example.org/c', 'Parley does not know this kind of link.'],
    ['parley://chat.example.org/admin/a', 'Parley does not know this kind of link.'],
    ['parley://chat.example.org/c/%3Cscript%3E', 'The conversation in the link is not valid.'],
    ['parley://chat.example.org/invite/ab', 'The invite code in the link is not valid.'],
    [`parley://chat.example.org/c/${'a'.repeat(600)}`, 'The link is too long.'],
    ['not a url', 'The link is not a valid address.'],
  ])('refuses %s', (raw, reason) => {
    expect(parseDeepLink(raw)).toEqual({ ok: false, reason });
  });
});

describe('deepLinkArg', () => {
  it('finds the link among the arguments, whatever the case of the scheme', () => {
    expect(deepLinkArg(['--flag', 'PARLEY://h/c/x'])).toBe('PARLEY://h/c/x');
    expect(deepLinkArg(['/usr/bin/parley', '--hidden'])).toBeNull();
  });
});

describe('sameServer', () => {
  it('compares scheme, host and port only', () => {
    expect(sameServer('http://127.0.0.1:8080', 'http://127.0.0.1:8080/')).toBe(true);
    expect(sameServer('https://a.example', 'http://a.example')).toBe(false);
    expect(sameServer('nonsense', 'http://a.example')).toBe(false);
  });
});

describe('decideDeepLink', () => {
  const chat: DeepLink = {
    kind: 'conversation',
    serverUrl: 'http://127.0.0.1:8080',
    conversationId: 'c-direct',
  };
  const invite: DeepLink = { kind: 'invite', serverUrl: 'https://chat.example.org', code: 'JOIN-1' };
  const signedIn = signedInState([conversation()]);

  it('opens a conversation of the signed-in user on the same server', () => {
    expect(decideDeepLink(chat, signedIn)).toEqual({ do: 'open-conversation', conversationId: 'c-direct' });
  });

  it('explains another server, an unknown conversation and a signed-out app', () => {
    expect(decideDeepLink({ ...chat, serverUrl: 'https://other.example' }, signedIn)).toMatchObject({
      do: 'explain',
      message: 'This link is for another server',
    });
    expect(decideDeepLink({ ...chat, conversationId: 'nope' }, signedIn)).toMatchObject({
      message: 'Conversation not found',
    });
    expect(decideDeepLink(chat, initialClientState)).toMatchObject({
      message: 'Sign in to open this conversation',
    });
  });

  it('waits while signing in, and while the conversation list is not loaded yet', () => {
    const signingIn = { ...initialClientState, session: { status: 'signing-in' as const, serverUrl: 'x' } };
    expect(decideDeepLink(chat, signingIn)).toEqual({ do: 'wait' });
    const offline = {
      ...signedIn,
      conversations: [],
      connection: { ...signedIn.connection, status: 'connecting' as const },
    };
    expect(decideDeepLink(chat, offline)).toEqual({ do: 'wait' });
    const catchingUp = { ...signedIn, conversations: [], catchUp: { active: true, done: 0, total: 0 } };
    expect(decideDeepLink(chat, catchingUp)).toEqual({ do: 'wait' });
  });

  it('offers an invite when signed out, explains it when signed in', () => {
    expect(decideDeepLink(invite, initialClientState)).toEqual({
      do: 'offer-invite',
      invite: { serverUrl: 'https://chat.example.org', code: 'JOIN-1' },
    });
    expect(decideDeepLink(invite, signedIn)).toMatchObject({
      do: 'explain',
      message: 'You are already signed in',
    });
  });
});
