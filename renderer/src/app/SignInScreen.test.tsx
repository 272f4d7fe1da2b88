// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { initialClientState, type ParleyHost, type StateUpdate } from '@parley/shared';
import { ParleyContext } from '../store/hooks';
import { createHostStore } from '../store/host-store';
import { SignInScreen } from './SignInScreen';

function renderSignIn(defaultServerUrl: string) {
  const host = {
    kind: 'desktop',
    getState: async () => initialClientState,
    onState: (listener: (update: StateUpdate) => void) => {
      listener({ kind: 'snapshot', seq: 1, state: initialClientState });
      return () => {};
    },
    resyncState: async () => {},
    auth: { defaultServerUrl: async () => defaultServerUrl },
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
