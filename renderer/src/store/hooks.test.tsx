// @vitest-environment jsdom
import '../test/dom';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  initialClientState,
  type CallState,
  type ClientState,
  type Conversation,
  type NotificationPrefs,
  type ParleyHost,
  type StateUpdate,
  type User,
} from '@parley/shared';
import { ParleyContext, useClientState, useHost, useReady } from './hooks';
import { createHostStore } from './host-store';
import { useMutedIds, useNotificationControls } from './notification-prefs';
import {
  selectCallBusy,
  selectConversation,
  selectMe,
  selectTotalUnread,
  selectTyping,
  selectWindow,
} from './selectors';
import { useToasts } from '../lib/toast';

/**
 * The renderer's store as components see it: a host that pushes snapshots (as the web and
 * desktop hosts do), the hooks that read it, the selectors, and the notification prefs.
 */

const me: User = { id: 'me', username: 'me', displayName: 'Me' };
const conversation = (id: string, unreadCount = 0) =>
  ({
    id,
    type: 'direct',
    title: null,
    members: [me],
    lastSeq: 5,
    readSeq: 5 - unreadCount,
    unreadCount,
  }) as unknown as Conversation;

function signedIn(patch: Partial<ClientState> = {}): ClientState {
  return {
    ...initialClientState,
    session: { status: 'signed-in', serverUrl: 'http://parley.test', user: me },
    conversations: [conversation('a', 2), conversation('b', 3)],
    ...patch,
  };
}

/**
 * A host whose state feed the test drives: `push` sends a snapshot, `answer` a snapshot and
 * settles the store's first resyncState(), `refuse` rejects it.
 */
function fakeHost(extra: Partial<ParleyHost> = {}) {
  let push: (state: ClientState) => void = () => {};
  let settle!: () => void;
  let refuse!: (err: Error) => void;
  let seq = 0;
  const host = {
    resyncState: () =>
      new Promise<void>((resolve, reject) => {
        settle = resolve;
        refuse = reject;
      }),
    onState: (listener: (update: StateUpdate) => void) => {
      // What arrives over IPC or from the core: a fresh copy each time.
      push = (state) => listener({ kind: 'snapshot', seq: ++seq, state: structuredClone(state) });
      return () => {};
    },
    ...extra,
  } as unknown as ParleyHost;
  const store = createHostStore(host);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ParleyContext.Provider value={{ host, store }}>{children}</ParleyContext.Provider>
  );
  return {
    host,
    store,
    wrapper,
    push: (state: ClientState) => act(() => push(state)),
    answer: (state: ClientState) =>
      act(async () => {
        push(state);
        settle();
      }),
    refuse: (err: Error) => act(async () => refuse(err)),
  };
}

describe('store hooks', () => {
  it('useReady is false until the host delivered a first snapshot', async () => {
    const { wrapper, answer } = fakeHost();
    const { result } = renderHook(() => useReady(), { wrapper });
    expect(result.current).toBe(false);
    await answer(signedIn());
    expect(result.current).toBe(true);
  });

  it('an initial state the host cannot read leaves the app ready and signed out', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { wrapper, refuse } = fakeHost();
    const { result } = renderHook(() => ({ ready: useReady(), me: useClientState(selectMe) }), { wrapper });
    await refuse(new Error('IPC gone'));
    expect(result.current).toEqual({ ready: true, me: null });
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  it('useClientState re-renders only when its slice changes', () => {
    const { wrapper, push } = fakeHost();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders++;
        return useClientState(selectTyping);
      },
      { wrapper: ({ children }) => <StrictMode>{wrapper({ children })}</StrictMode> },
    );
    push(signedIn());
    const typing = result.current;
    const before = renders;
    // Presence changes, typing does not: the same typing object, no re-render.
    push(signedIn({ presence: { me: { online: true, lastSeenAt: null } } as ClientState['presence'] }));
    expect(result.current).toBe(typing);
    expect(renders).toBe(before);
    push(signedIn({ typing: { a: ['x'] } }));
    expect(result.current).toEqual({ a: ['x'] });
    expect(renders).toBeGreaterThan(before);
  });

  it('useHost outside the provider says what is missing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useHost())).toThrow(/ParleyContext is missing/);
    error.mockRestore();
  });
});

describe('selectors', () => {
  const call = (phase: CallState['phase']) => ({ phase }) as CallState;

  it('select the signed-in user, a conversation, its window', () => {
    const state = signedIn({ messages: { a: { items: [], hasOlder: false, loadingOlder: false } } as never });
    expect(selectMe(state)).toBe(me);
    expect(selectMe(initialClientState)).toBeNull();
    expect(selectConversation('b')(state)?.id).toBe('b');
    expect(selectConversation('zzz')(state)).toBeNull();
    expect(selectConversation(null)(state)).toBeNull();
    expect(selectWindow('a')(state)).toBe(state.messages.a);
    expect(selectWindow(null)(state)).toBeUndefined();
  });

  it('a call is busy while it rings or runs, not once it ended', () => {
    expect(selectCallBusy(signedIn())).toBe(false);
    expect(selectCallBusy(signedIn({ call: call('incoming') }))).toBe(true);
    expect(selectCallBusy(signedIn({ call: call('active') }))).toBe(true);
    expect(selectCallBusy(signedIn({ call: call('ended') }))).toBe(false);
  });

  it('the total unread leaves muted conversations out', () => {
    expect(selectTotalUnread([])(signedIn())).toBe(5);
    expect(selectTotalUnread(['b'])(signedIn())).toBe(2);
  });
});

describe('notification prefs', () => {
  const prefs = (patch: Partial<NotificationPrefs> = {}): NotificationPrefs => ({
    doNotDisturb: false,
    mutedConversationIds: [],
    ...patch,
  });

  function hostWithPrefs() {
    let changed: (p: NotificationPrefs) => void = () => {};
    const api = {
      get: vi.fn(async () => ({ ok: true as const, value: prefs({ mutedConversationIds: ['a'] }) })),
      setMuted: vi.fn(async (id: string, muted: boolean) =>
        muted
          ? { ok: true as const, value: prefs({ mutedConversationIds: ['a', id] }) }
          : { ok: false as const, error: 'disk full' },
      ),
      setDoNotDisturb: vi.fn(async (on: boolean) => ({
        ok: true as const,
        value: prefs({ doNotDisturb: on }),
      })),
      onChange: (l: (p: NotificationPrefs) => void) => {
        changed = l;
        return () => {};
      },
    };
    return {
      ...fakeHost({ notifications: api } as Partial<ParleyHost>),
      api,
      change: (p: NotificationPrefs) => act(() => changed(p)),
    };
  }

  it('is null when the host keeps no prefs (the mute button is then left out)', () => {
    const { wrapper } = fakeHost();
    const { result } = renderHook(() => ({ controls: useNotificationControls(), muted: useMutedIds() }), {
      wrapper,
    });
    expect(result.current.controls).toBeNull();
    expect(result.current.muted.size).toBe(0);
  });

  it("loads once, applies the host's answer to a change, and keeps the old prefs when it fails", async () => {
    const { wrapper, api, change } = hostWithPrefs();
    const { result } = renderHook(
      () => ({ controls: useNotificationControls(), muted: useMutedIds(), toasts: useToasts() }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.controls?.prefs?.mutedConversationIds).toEqual(['a']));
    expect([...result.current.muted]).toEqual(['a']);

    await act(async () => result.current.controls?.setMuted('b', true));
    await waitFor(() => expect([...result.current.muted]).toEqual(['a', 'b']));
    expect(api.setMuted).toHaveBeenCalledWith('b', true);

    await act(async () => result.current.controls?.setMuted('b', false));
    await waitFor(() => expect(result.current.toasts.at(-1)?.text).toMatch(/disk full/));
    expect([...result.current.muted]).toEqual(['a', 'b']);

    // The desktop tray turned Do-not-disturb on: pushed by the host.
    change(prefs({ doNotDisturb: true }));
    expect(result.current.controls?.prefs?.doNotDisturb).toBe(true);
    expect(result.current.muted.size).toBe(0);
    expect(api.get).toHaveBeenCalledTimes(1);
  });

  it('a component reading the prefs shows them', async () => {
    const { wrapper } = hostWithPrefs();
    function Bell() {
      const controls = useNotificationControls();
      return <p>{controls?.prefs ? `${controls.prefs.mutedConversationIds.length} muted` : 'loading'}</p>;
    }
    render(<Bell />, { wrapper });
    expect(await screen.findByText('1 muted')).toBeTruthy();
  });
});
