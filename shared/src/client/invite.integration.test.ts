/**
 * Signing up with an invite through the client core, as the sign-up form does with the code
 * of an invite link: on a server in `invite` mode the code is what lets the account in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, newClient, runCleanups, server } from './integration-support.js';

afterEach(runCleanups);

describe('sign-up with an invite code', () => {
  it('is refused without the code and accepted with it', async () => {
    // An admin makes the invite on an open server; the same data then runs in invite mode.
    const open = await server();
    const admin = await harness.registerUser(open.url);
    const made = await harness.api<{ invite: { code: string } }>(open.url, '/api/invites', {
      method: 'POST',
      token: admin.accessToken,
      body: { maxUses: 1 },
    });
    expect(made.status).toBe(201);
    await open.close({ keepData: true });
    const invited = await server({ dataDir: open.dataDir, registration: 'invite' });

    const client = newClient();
    const input = { serverUrl: invited.url, username: harness.uniqueName('guest'), password: 'long enough' };
    const refused = await client.auth.signUp(input);
    expect(refused).toMatchObject({ ok: false });
    expect(await client.auth.signUp({ ...input, inviteCode: made.body.invite.code })).toEqual({
      ok: true,
      value: undefined,
    });
  });
});
