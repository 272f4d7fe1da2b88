/**
 * The client core's account, group, invite and admin methods against the real server (see
 * integration-support.ts): what each does on the server, and what the other clients see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitForState } from './test-support.js';
import { newClient, runCleanups, server, signedUpClient, waitForConnected } from './integration-support.js';

afterEach(runCleanups);

/** A 1×1 PNG with transparency. */
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

const value = <T>(result: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe('client core: the account', () => {
  it('knows the first account is the server admin; profile and picture reach the other side', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    expect(value(await alice.client.account.get())).toMatchObject({
      serverRole: 'admin',
      registration: 'open',
    });
    expect(value(await bob.client.account.get()).serverRole).toBe('user');
    value(await alice.client.conversations.createDirect(bob.user.id));
    await waitForState(bob.client, (st) => st.conversations.length === 1, 'the chat at bob');

    const renamed = value(await alice.client.account.updateProfile({ displayName: 'Alice Liddell' }));
    expect(renamed.displayName).toBe('Alice Liddell');
    const me = alice.client.getSnapshot().session;
    expect(me.status === 'signed-in' && me.user.displayName).toBe('Alice Liddell');
    await waitForState(
      bob.client,
      (st) => st.conversations[0]?.members.some((m) => m.displayName === 'Alice Liddell') === true,
      'the new name at bob',
    );

    const withPicture = value(
      await alice.client.account.setAvatar({ name: 'me.png', type: 'image/png', bytes: PNG }),
    );
    expect(withPicture.avatarId).toEqual(expect.any(String));
    await waitForState(
      bob.client,
      (st) => st.conversations[0]?.members.some((m) => m.avatarId === withPicture.avatarId) === true,
      'the picture id at bob',
    );
    const image = value(await bob.client.account.avatar({ kind: 'user', id: alice.user.id }));
    expect(image?.type).toBe('image/png');
    expect([...(image?.bytes.subarray(1, 4) ?? [])]).toEqual([0x50, 0x4e, 0x47]); // "PNG"

    const refused = await alice.client.account.setAvatar({
      name: 'x.png',
      type: 'image/png',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(refused.ok).toBe(false);
    value(await alice.client.account.removeAvatar());
    expect(value(await bob.client.account.avatar({ kind: 'user', id: alice.user.id }))).toBeNull();
  });

  it('a password change and a revoked session sign the other device out with a reason', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const signInAgain = async () => {
      const other = newClient();
      value(
        await other.auth.signIn({
          serverUrl: s.url,
          username: alice.user.username,
          password: alice.password,
        }),
      );
      await waitForConnected(other);
      return other;
    };
    const laptop = await signInAgain();
    const sessions = value(await alice.client.account.listSessions());
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((x) => x.current)).toHaveLength(1);
    const other = sessions.find((x) => !x.current)!;
    value(await alice.client.account.revokeSession(other.id));
    const ended = await waitForState(laptop, (st) => st.session.status === 'signed-out', 'laptop signed out');
    expect(ended.session.status === 'signed-out' && ended.session.error).toMatch(/ended from another device/);

    const phone = await signInAgain();
    const wrong = await alice.client.account.changePassword({
      currentPassword: 'nope',
      newPassword: 'a new password',
    });
    expect(wrong).toMatchObject({ ok: false, code: 'invalid_credentials' });
    value(
      await alice.client.account.changePassword({
        currentPassword: alice.password,
        newPassword: 'a new password',
      }),
    );
    const out = await waitForState(phone, (st) => st.session.status === 'signed-out', 'phone signed out');
    expect(out.session.status === 'signed-out' && out.session.error).toMatch(/password was changed/);
    expect(alice.client.getSnapshot().session.status).toBe('signed-in');
  });

  it('deleting the account needs the password, then signs out', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    expect(await alice.client.account.deleteAccount('wrong')).toMatchObject({
      ok: false,
      code: 'invalid_credentials',
    });
    value(await alice.client.account.deleteAccount(alice.password));
    const st = alice.client.getSnapshot();
    expect(st.session.status === 'signed-out' && st.session.error).toMatch(/deleted/);
    const again = await newClient().auth.signIn({
      serverUrl: s.url,
      username: alice.user.username,
      password: alice.password,
    });
    expect(again.ok).toBe(false);
  });
});

describe('client core: groups, invites, administration', () => {
  it('rename, add, role, remove (the removed client drops it with a notice) and leave', async () => {
    const s = await server();
    const alice = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const carol = await signedUpClient(s.url);
    const group = value(await alice.client.conversations.createGroup('Team', [bob.user.id]));
    const id = group.id;

    expect(value(await alice.client.groups.rename(id, 'Dream team')).title).toBe('Dream team');
    await waitForState(
      bob.client,
      (st) => st.conversations.find((c) => c.id === id)?.title === 'Dream team',
      'rename',
    );
    expect(await bob.client.groups.rename(id, 'Mine')).toMatchObject({ ok: false, code: 'forbidden' });

    const added = value(await alice.client.groups.addMembers(id, [carol.user.id]));
    expect(added.members.map((m) => m.id)).toContain(carol.user.id);
    await waitForState(
      carol.client,
      (st) => st.conversations.some((c) => c.id === id),
      'carol has the group',
    );

    const promoted = value(await alice.client.groups.setRole(id, bob.user.id, 'admin'));
    expect(promoted.members.find((m) => m.id === bob.user.id)?.role).toBe('admin');

    const pictured = value(
      await bob.client.groups.setAvatar(id, { name: 'g.png', type: 'image/png', bytes: PNG }),
    );
    expect(pictured.avatarId).toEqual(expect.any(String));
    expect(value(await carol.client.account.avatar({ kind: 'conversation', id }))?.type).toBe('image/png');

    value(await alice.client.groups.removeMember(id, carol.user.id));
    const dropped = await waitForState(
      carol.client,
      (st) => !st.conversations.some((c) => c.id === id),
      'carol dropped it',
    );
    expect(dropped.notices?.at(-1)?.text).toMatch(/no longer in “Dream team”/);
    expect(value(await carol.client.account.avatar({ kind: 'conversation', id }))).toBeNull();

    value(await alice.client.groups.leave(id));
    expect(alice.client.getSnapshot().conversations.some((c) => c.id === id)).toBe(false);
    expect(alice.client.getSnapshot().notices ?? []).toEqual([]);
    await waitForState(
      bob.client,
      (st) => st.conversations.find((c) => c.id === id)?.members.length === 1,
      'bob alone in the group',
    );
  });

  it('invites and admin: a server admin makes, lists and revokes invites, finds and deactivates a user', async () => {
    const s = await server();
    // Before anyone signs in, the sign-up form learns the registration mode.
    expect(value(await newClient().auth.serverInfo(s.url))).toMatchObject({ registration: 'open' });
    expect(await newClient().auth.serverInfo('not a url at all')).toMatchObject({ ok: false });
    const admin = await signedUpClient(s.url);
    const bob = await signedUpClient(s.url);
    const invite = value(await admin.client.invites.create({ maxUses: 2, expiresInHours: 24 }));
    expect(invite).toMatchObject({ maxUses: 2, uses: 0 });
    expect(invite.url).toContain(invite.code);
    expect(value(await admin.client.invites.list()).map((i) => i.code)).toContain(invite.code);
    expect(await bob.client.invites.create({})).toMatchObject({ ok: false, code: 'forbidden' });
    value(await admin.client.invites.revoke(invite.code));
    expect(value(await admin.client.invites.list())).toEqual([]);

    const found = value(await admin.client.admin.listUsers(bob.user.username));
    expect(found.map((u) => u.id)).toEqual([bob.user.id]);
    expect(await bob.client.admin.listUsers('')).toMatchObject({ ok: false, code: 'forbidden' });
    value(await admin.client.admin.deactivate(bob.user.id));
    const out = await waitForState(bob.client, (st) => st.session.status === 'signed-out', 'bob signed out');
    expect(out.session.status === 'signed-out' && out.session.error).toMatch(/deactivated/);
    expect(value(await admin.client.admin.listUsers(bob.user.username))[0]?.deactivated).toBe(true);
  });
});
