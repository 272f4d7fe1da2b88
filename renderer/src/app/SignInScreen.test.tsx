// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { initialClientState, type ParleyHost, type StateUpdate } from '@parley/shared';
import { ParleyContext } from '../store/hooks';
import { createHostStore } from '../store/host-store';
import { SignInScreen } from './SignInScreen';

function renderSignIn(defaultServerUrl: string, registration: 'open' | 'invite' | 'closed' | null = null) {
  const host = {
    kind: 'desktop',
    getState: async () => initialClientState,
    onState: (listener: (update: StateUpdate) => void) => {
      listener({ kind: 'snapshot', seq: 1, state: initialClientState });
      return () => {};
    },
    resyncState: async () => {},
    auth: {
      defaultServerUrl: async () => defaultServerUrl,
      serverInfo: async () =>
        registration ? { ok: true, value: { registration } } : { ok: false, error: { code: 'unavailable' } },
    },
  } as unknown as ParleyHost;
  const store = createHostStore(host);
  return render(
    <ParleyContext.Provider value={{ host, store }}>
      <SignInScreen />
    </ParleyContext.Provider>,
  );
}

afterEach(cleanup);

describe('sign-in: where typing starts', () => {
  it('in Username when the server is known', async () => {
    renderSignIn('https://chat.example.org');
    await waitFor(() =>
      expect(screen.getByLabelText('Server')).toHaveProperty('value', 'https://chat.example.org'),
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Username'));
  });

  it('in Server when there is none to suggest (an account being added on the desktop)', async () => {
    renderSignIn('');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Server')));
  });
});

describe("sign-up follows the server's registration mode", () => {
  const openSignUp = async (registration: 'open' | 'invite' | 'closed') => {
    renderSignIn('https://chat.example.org', registration);
    await waitFor(() =>
      expect(screen.getByLabelText('Server')).toHaveProperty('value', 'https://chat.example.org'),
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Create account' }));
  };
  const submit = () => screen.getByRole('button', { name: 'Create account' });

  it('closed: says there is no sign-up and offers no button that works', async () => {
    await openSignUp('closed');
    expect(await screen.findByRole('note')).toHaveProperty(
      'textContent',
      expect.stringMatching(/isn’t taking new sign-ups/),
    );
    expect(submit()).toHaveProperty('disabled', true);
    expect(screen.queryByLabelText(/^Invite code/)).toBeNull();
  });

  it('invite: asks for the invite code', async () => {
    await openSignUp('invite');
    expect(await screen.findByLabelText(/^Invite code/)).toBeTruthy();
    expect(submit()).toHaveProperty('disabled', false);
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('open: the plain form', async () => {
    await openSignUp('open');
    // The mode is asked for after a short pause; give it time to arrive and change nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(screen.queryByLabelText(/^Invite code/)).toBeNull();
    expect(screen.queryByRole('note')).toBeNull();
    expect(submit()).toHaveProperty('disabled', false);
  });
});
