/**
 * Contract v1.1 accounts: PATCH /api/me (user:updated), password change, the sessions list
 * and signing one out, deactivation (DELETE /api/me), and session:ended on logout, each with
 * the socket told why before it is disconnected.
 */
import type {
  AuthResponse,
  ConversationListResponse,
  ErrorResponse,
  MeResponse,
  MessagesResponse,
  SessionsResponse,
  UserSearchResponse,
} from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedCode, sessionEnd } from './accounts-support.js';
import {
  api,
  collect,
  connectSocket,
  createConversation,
  loginUser,
  nextEvent,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

let server: TestServer;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
  // The first account is the server admin; the suites below use ordinary users.
  await registerUser(server.url);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

async function device(token: string): Promise<ClientSocket> {
  const socket = await connectSocket(server.url, token);
  sockets.push(socket);
  return socket;
}

const login = (user: TestUser, password = user.password) =>
  api<AuthResponse | ErrorResponse>(server.url, '/api/auth/login', {
    body: { username: user.user.username, password },
  });

describe('PATCH /api/me', () => {
  it('changes the display name and tells everyone sharing a conversation', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const carol = await registerUser(server.url);
    await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const bobSocket = await device(bob.accessToken);
    const carolSocket = await device(carol.accessToken);
    const aliceOther = await device(alice.accessToken);
    const carolHears = collect(carolSocket, 'user:updated');

    const heard = nextEvent(bobSocket, 'user:updated');
    const ownDevice = nextEvent(aliceOther, 'user:updated');
    const res = await api<MeResponse>(server.url, '/api/me', {
      method: 'PATCH',
      token: alice.accessToken,
      body: { displayName: '  Alice Liddell ' },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: alice.user.id, displayName: 'Alice Liddell' });
    expect((await heard).user).toMatchObject({ id: alice.user.id, displayName: 'Alice Liddell' });
    expect((await ownDevice).user.displayName).toBe('Alice Liddell');
    const me = await api<MeResponse>(server.url, '/api/me', { token: alice.accessToken });
    expect(me.body.user.displayName).toBe('Alice Liddell');
    // Carol shares nothing with Alice: a round trip later she still has heard nothing.
    await api(server.url, '/api/me', { token: carol.accessToken });
    expect(carolHears.events).toEqual([]);
  });

  it('refuses bad input and changes nothing', async () => {
    const alice = await registerUser(server.url, undefined, 'Kept Name');
    const bad = [
      { displayName: '' },
      { displayName: 'x'.repeat(65) },
      { displayName: 5 },
      { displayName: 'a\u0000b' },
      '[]',
    ];
    for (const body of bad) {
      const res = await api<ErrorResponse>(server.url, '/api/me', {
        method: 'PATCH',
        token: alice.accessToken,
        body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    // No image store yet: an avatarId names nothing.
    const avatar = await api<ErrorResponse>(server.url, '/api/me', {
      method: 'PATCH',
      token: alice.accessToken,
      body: { avatarId: 'no-such-image' },
    });
    expect(avatar.status).toBe(400);
    expect(avatar.body.error.fields).toHaveProperty('avatarId');
    const cleared = await api<MeResponse>(server.url, '/api/me', {
      method: 'PATCH',
      token: alice.accessToken,
      body: { avatarId: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.user.displayName).toBe('Kept Name');
    const anonymous = await api(server.url, '/api/me', { method: 'PATCH', body: { displayName: 'x' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('POST /api/me/password', () => {
  it('refuses a wrong current password and changes nothing', async () => {
    const alice = await registerUser(server.url);
    const res = await api<ErrorResponse>(server.url, '/api/me/password', {
      token: alice.accessToken,
      body: { currentPassword: 'not my password', newPassword: 'a new password' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect((await login(alice)).status).toBe(200);
    expect((await login(alice, 'a new password')).status).toBe(401);

    const short = await api<ErrorResponse>(server.url, '/api/me/password', {
      token: alice.accessToken,
      body: { currentPassword: alice.password, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.fields).toHaveProperty('newPassword');
  });

  it('signs out every other session (session:ended, then disconnect) and keeps this one', async () => {
    const alice = await registerUser(server.url);
    const laptop = await loginUser(server.url, alice);
    const laptopSocket = await device(laptop.accessToken);
    const thisSocket = await device(alice.accessToken);
    const laptopEnded = sessionEnd(laptopSocket);
    const thisHears = collect(thisSocket, 'session:ended');

    const res = await api(server.url, '/api/me/password', {
      token: alice.accessToken,
      body: { currentPassword: alice.password, newPassword: 'a brand new password' },
    });
    expect(res.status).toBe(204);
    const ended = await laptopEnded;
    expect(ended.reason).toBe('password_changed');
    expect(ended.order).toEqual(['session:ended', 'disconnect:io server disconnect']);

    // The laptop's tokens are dead; this session's still work.
    expect((await api(server.url, '/api/me', { token: laptop.accessToken })).status).toBe(401);
    const refresh = await api(server.url, '/api/auth/refresh', {
      body: { refreshToken: laptop.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect(await refusedCode(connectSocket(server.url, laptop.accessToken))).toBe('invalid_token');
    expect((await api(server.url, '/api/me', { token: alice.accessToken })).status).toBe(200);
    expect(thisSocket.connected).toBe(true);
    expect(thisHears.events).toEqual([]);

    expect((await login(alice)).status).toBe(401);
    expect((await login(alice, 'a brand new password')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('lists the caller’s sessions with the current one marked', async () => {
    const alice = await registerUser(server.url);
    const second = await api<AuthResponse>(server.url, '/api/auth/login', {
      body: { username: alice.user.username, password: alice.password },
      headers: { 'user-agent': 'Parley-Desktop/1.0 (Linux)' },
    });
    const res = await api<SessionsResponse>(server.url, '/api/me/sessions', { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.sessions).toHaveLength(2);
    expect(res.body.sessions.filter((s) => s.current)).toHaveLength(1);
    const other = res.body.sessions.find((s) => !s.current)!;
    expect(other.userAgent).toBe('Parley-Desktop/1.0 (Linux)');
    for (const s of res.body.sessions) {
      expect(Date.parse(s.createdAt)).not.toBeNaN();
      expect(Date.parse(s.lastUsedAt)).not.toBeNaN();
    }
    // A refresh counts as use.
    const before = other.lastUsedAt;
    await api(server.url, '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    const after = await api<SessionsResponse>(server.url, '/api/me/sessions', { token: alice.accessToken });
    expect(after.body.sessions.find((s) => s.id === other.id)!.lastUsedAt >= before).toBe(true);
  });

  it('signs one out: its tokens stop working and its sockets hear `revoked`', async () => {
    const alice = await registerUser(server.url);
    const mallory = await registerUser(server.url);
    const lost = await loginUser(server.url, alice);
    const lostSocket = await device(lost.accessToken);
    const ended = sessionEnd(lostSocket);
    const list = await api<SessionsResponse>(server.url, '/api/me/sessions', { token: alice.accessToken });
    const lostId = list.body.sessions.find((s) => !s.current)!.id;

    // Someone else's session id is not found, and nothing happens to it.
    const foreign = await api<ErrorResponse>(server.url, `/api/me/sessions/${lostId}`, {
      method: 'DELETE',
      token: mallory.accessToken,
    });
    expect(foreign.status).toBe(404);
    expect((await api(server.url, '/api/me', { token: lost.accessToken })).status).toBe(200);

    const res = await api(server.url, `/api/me/sessions/${lostId}`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(res.status).toBe(204);
    expect((await ended).reason).toBe('revoked');
    expect((await api(server.url, '/api/me', { token: lost.accessToken })).status).toBe(401);
    const again = await api(server.url, `/api/me/sessions/${lostId}`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(again.status).toBe(404);
    const after = await api<SessionsResponse>(server.url, '/api/me/sessions', { token: alice.accessToken });
    expect(after.body.sessions.map((s) => s.id)).not.toContain(lostId);
  });

  it('logout tells the session’s sockets `logout`', async () => {
    const alice = await registerUser(server.url);
    const socket = await device(alice.accessToken);
    const ended = sessionEnd(socket);
    const res = await api(server.url, '/api/auth/logout', { body: { refreshToken: alice.refreshToken } });
    expect(res.status).toBe(204);
    const result = await ended;
    expect(result.reason).toBe('logout');
    expect(result.order[0]).toBe('session:ended');
  });
});

describe('DELETE /api/me', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const alice = await registerUser(server.url);
    const res = await api<ErrorResponse>(server.url, '/api/me', {
      method: 'DELETE',
      token: alice.accessToken,
      body: { password: 'wrong password' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    const missing = await api(server.url, '/api/me', {
      method: 'DELETE',
      token: alice.accessToken,
      body: {},
    });
    expect(missing.status).toBe(400);
    expect((await api(server.url, '/api/me', { token: alice.accessToken })).status).toBe(200);
  });

  it('deactivates: sessions end, sign-in and connecting refused, shown as Deleted user, messages stay', async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const conversation = await createConversation(server.url, alice.accessToken, [bob.user.id]);
    const aliceSocket = await device(alice.accessToken);
    const phone = await loginUser(server.url, alice);
    const phoneSocket = await device(phone.accessToken);
    const sent = await sendMessage(aliceSocket, conversation.id, 'remember me');
    expect(sent.ok).toBe(true);
    const bobSocket = await device(bob.accessToken);
    const ends = [sessionEnd(aliceSocket), sessionEnd(phoneSocket)];
    const bobHears = nextEvent(bobSocket, 'user:updated', (e) => e.user.id === alice.user.id);

    const res = await api(server.url, '/api/me', {
      method: 'DELETE',
      token: alice.accessToken,
      body: { password: alice.password },
    });
    expect(res.status).toBe(204);
    for (const end of await Promise.all(ends)) {
      expect(end.reason).toBe('deactivated');
      expect(end.order[0]).toBe('session:ended');
    }
    expect((await bobHears).user).toMatchObject({ deactivated: true, displayName: 'Deleted user' });

    const signIn = await login(alice);
    expect(signIn.status).toBe(401);
    expect((signIn.body as ErrorResponse).error.code).toBe('invalid_credentials');
    expect((await api(server.url, '/api/me', { token: phone.accessToken })).status).toBe(401);
    expect(await refusedCode(connectSocket(server.url, phone.accessToken))).toBe('invalid_token');
    const refresh = await api(server.url, '/api/auth/refresh', {
      body: { refreshToken: alice.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // The username stays taken: nobody can step into a deactivated account's name.
    const reuse = await api<ErrorResponse>(server.url, '/api/auth/register', {
      body: { username: alice.user.username, password: 'another password' },
    });
    expect(reuse.status).toBe(409);

    const history = await api<MessagesResponse>(
      server.url,
      `/api/conversations/${conversation.id}/messages`,
      {
        token: bob.accessToken,
      },
    );
    expect(history.body.messages.map((m) => [m.senderId, m.body])).toEqual([[alice.user.id, 'remember me']]);
    const list = await api<ConversationListResponse>(server.url, '/api/conversations', {
      token: bob.accessToken,
    });
    const member = list.body.conversations
      .find((c) => c.id === conversation.id)!
      .members.find((m) => m.id === alice.user.id);
    expect(member).toMatchObject({ deactivated: true, displayName: 'Deleted user' });
    const search = await api<UserSearchResponse>(
      server.url,
      `/api/users?q=${encodeURIComponent(alice.user.username)}`,
      { token: bob.accessToken },
    );
    expect(search.body.users).toEqual([]);
  });
});
