// @vitest-environment jsdom
import { fakeStream } from '../test/dom';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  initialClientState,
  type CallState,
  type ClientState,
  type Conversation,
  type ParleyHost,
  type StateUpdate,
  type User,
} from '@parley/shared';
import { ParleyContext } from '../store/hooks';
import { createHostStore } from '../store/host-store';
import type { CallSession, CallSessionSnapshot } from './call-session-types';
import { CallLayer } from './CallLayer';

/**
 * The call layer over a fake call session: call-session.ts is the media side (getUserMedia,
 * WebRTC), tested on its own; here what matters is which view shows for which phase, and
 * that minimising and restoring change only the view, never the session or its streams.
 */
const sessions = vi.hoisted(() => {
  type Listener = () => void;
  const state = {
    current: null as null | (CallSession & { setSnapshot(patch: Partial<CallSessionSnapshot>): void }),
    created: 0,
    listeners: new Set<Listener>(),
  };
  return state;
});

vi.mock('./tones', () => ({ startTone: () => () => {} }));
vi.mock('./current-session', () => {
  const notify = () => sessions.listeners.forEach((l) => l());
  function create(callId: string) {
    let snapshot: CallSessionSnapshot = {
      callId,
      localPreview: null,
      remoteStream: null,
      remoteHasVideo: false,
      micMuted: false,
      cameraOff: false,
      hasCamera: true,
      screenSharing: false,
      remoteMuted: { audio: false, video: false },
      link: 'connecting',
      devices: { audioInputs: [], videoInputs: [] },
      selected: { audioInput: null, videoInput: null },
      error: null,
    };
    const listeners = new Set<() => void>();
    const session = {
      callId,
      marks: {},
      getSnapshot: () => snapshot,
      subscribe: (l: () => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      setSnapshot(patch: Partial<CallSessionSnapshot>) {
        snapshot = { ...snapshot, ...patch };
        listeners.forEach((l) => l());
      },
      prepare: vi.fn(() => Promise.resolve()),
      ring: vi.fn(() => Promise.resolve()),
      answer: vi.fn(() => Promise.resolve({ ok: true, value: undefined })),
      prewarm: vi.fn(),
      connect: vi.fn(),
      toggleMic: vi.fn(() => session.setSnapshot({ micMuted: !snapshot.micMuted })),
      toggleCamera: vi.fn(),
      toggleScreenShare: vi.fn(() => Promise.resolve()),
      selectDevice: vi.fn(() => Promise.resolve()),
      markFirstRemoteFrame: vi.fn(),
      rtc: null,
      onFailure: vi.fn(),
      close: vi.fn(),
    };
    return session as unknown as CallSession & { setSnapshot(patch: Partial<CallSessionSnapshot>): void };
  }
  return {
    sessionFor: (_host: unknown, callId: string) => {
      if (sessions.current?.callId === callId) return sessions.current;
      sessions.current?.close();
      sessions.current = create(callId);
      sessions.created++;
      notify();
      return sessions.current;
    },
    getCurrentSession: () => sessions.current,
    subscribeCurrentSession: (l: () => void) => {
      sessions.listeners.add(l);
      return () => sessions.listeners.delete(l);
    },
    closeSession: () => {
      sessions.current?.close();
      sessions.current = null;
      notify();
    },
  };
});

const me: User = { id: 'u-me', username: 'me', displayName: 'Me Myself' };
const bob: User = { id: 'u-bob', username: 'bob', displayName: 'Bob Builder' };
const direct = {
  id: 'conv-1',
  type: 'direct',
  title: null,
  members: [me, bob],
} as unknown as Conversation;

function call(patch: Partial<CallState> = {}): CallState {
  return {
    callId: 'call-1',
    conversationId: direct.id,
    media: 'video',
    phase: 'active',
    direction: 'outgoing',
    peer: bob,
    initiator: true,
    startedAt: Date.now() - 5_000,
    endReason: null,
    error: null,
    ...patch,
  };
}

function renderLayer(first: CallState | null) {
  let push: (state: ClientState) => void = () => {};
  const ok = () => Promise.resolve({ ok: true as const, value: undefined });
  const calls = {
    accept: vi.fn(ok),
    reject: vi.fn(ok),
    cancel: vi.fn(ok),
    end: vi.fn(ok),
    dismiss: vi.fn(ok),
  };
  const host = {
    getState: () => new Promise<ClientState>(() => {}),
    onState: (listener: (update: StateUpdate) => void) => {
      let seq = 0;
      push = (state) => listener({ kind: 'snapshot', seq: ++seq, state });
      return () => {};
    },
    resyncState: async () => {},
    calls,
  } as unknown as ParleyHost;
  const store = createHostStore(host);
  const state = (c: CallState | null): ClientState => ({
    ...initialClientState,
    session: { status: 'signed-in', serverUrl: 'http://parley.test', user: me },
    conversations: [direct],
    call: c,
  });
  act(() => push(state(first)));
  const view = render(
    <ParleyContext.Provider value={{ host, store }}>
      <main className="chat">
        <textarea aria-label="Message" />
      </main>
      <CallLayer />
    </ParleyContext.Provider>,
  );
  return { ...view, calls, setCall: (c: CallState | null) => act(() => push(state(c))) };
}

beforeEach(() => {
  sessions.current = null;
  sessions.created = 0;
  localStorage.clear();
});

describe('CallLayer', () => {
  it('shows nothing without a call', () => {
    const { container } = renderLayer(null);
    expect(container.querySelector('[data-testid]')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("an incoming call rings in a dialog; Accept answers through the call's session", async () => {
    renderLayer(call({ phase: 'incoming', direction: 'incoming', initiator: false }));
    const dialog = screen.getByTestId('incoming-call');
    expect(dialog.textContent).toContain('Bob Builder');
    fireEvent.click(screen.getByRole('button', { name: 'Accept with video' }));
    expect(sessions.current?.callId).toBe('call-1');
    expect(sessions.current?.answer).toHaveBeenCalledWith('video');
  });

  it('one dialog from ringing to the end screen: Accept has focus, then the call, then Close', async () => {
    const { setCall } = renderLayer(call({ phase: 'incoming', direction: 'incoming', initiator: false }));
    const frame = screen.getByRole('dialog', { name: 'Bob Builder' });
    const overlay = document.querySelector('.call-overlay');
    expect(frame.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Accept with video' }));
    // The app behind is hidden from assistive technology while the call shows.
    expect(document.querySelector('main.chat')?.closest('[aria-hidden="true"]')).not.toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Accept with video' }));
    setCall(call({ phase: 'active', direction: 'incoming', initiator: false }));
    await screen.findByTestId('in-call');
    // The same dialog and overlay, now holding the call (no teardown and setup at Accept).
    expect(screen.getByRole('dialog', { name: 'Call with Bob Builder' })).toBe(frame);
    expect(frame.getAttribute('aria-describedby')).toBeNull();
    expect(document.querySelector('.call-overlay')).toBe(overlay);
    // The focused Accept button went with the card: focus stays in the call, on its frame.
    await waitFor(() => expect(document.activeElement).toBe(frame));

    setCall(call({ phase: 'ended', direction: 'incoming', initiator: false, endReason: 'hangup' }));
    const close = await screen.findByRole('button', { name: 'Close call screen' });
    expect(screen.getByRole('dialog', { name: 'Call ended' })).toBe(frame);
    expect(document.activeElement).toBe(close);

    // Dismissed: the dialog goes, the app is back for assistive technology and the keyboard.
    setCall(null);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(
      document.querySelector('[aria-hidden="true"] main.chat, main.chat[aria-hidden="true"]'),
    ).toBeNull();
  });

  it('minimise and restore change the view only: same session, same <audio>, same stream', async () => {
    const { calls } = renderLayer(call());
    await screen.findByTestId('in-call');
    const session = sessions.current!;
    const remote = fakeStream('bob');
    act(() => session.setSnapshot({ link: 'connected', remoteStream: remote, remoteHasVideo: true }));
    const audio = screen.getByTestId<HTMLAudioElement>('remote-audio');
    expect(audio.srcObject).toBe(remote);
    expect(screen.getByTestId<HTMLVideoElement>('remote-video').srcObject).toBe(remote);

    fireEvent.click(screen.getByRole('button', { name: 'Minimise call' }));
    const tile = await screen.findByRole('region', { name: 'Call with Bob Builder' });
    expect(screen.queryByTestId('in-call')).toBeNull();
    // No modal any more: the chat is reachable, and has the keyboard.
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' }));
    expect(screen.getByTestId<HTMLVideoElement>('pip-video').srcObject).toBe(remote);
    expect(screen.getByTestId('remote-audio')).toBe(audio);
    expect(audio.srcObject).toBe(remote);

    // The tile's controls drive the same session.
    fireEvent.click(screen.getByRole('button', { name: 'Mute microphone' }));
    expect(session.toggleMic).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Return to full call' }));
    await screen.findByTestId('in-call');
    expect(tile.isConnected).toBe(false);
    expect(screen.getByTestId('remote-audio')).toBe(audio);
    // The mute made in the tile is still there.
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeTruthy();

    expect(sessions.current).toBe(session);
    expect(sessions.created).toBe(1);
    expect(session.close).not.toHaveBeenCalled();
    expect(session.connect).toHaveBeenCalledTimes(1);
    expect(calls.end).not.toHaveBeenCalled();
  });

  it('Ctrl+Shift+P minimises and restores; it does nothing without an active call', async () => {
    const { setCall } = renderLayer(call({ phase: 'outgoing', startedAt: null }));
    await screen.findByTestId('outgoing-call');
    fireEvent.keyDown(window, { key: 'P', code: 'KeyP', ctrlKey: true, shiftKey: true });
    expect(screen.queryByTestId('call-minimised')).toBeNull();
    expect(screen.getByTestId('outgoing-call')).toBeTruthy();

    setCall(call());
    await screen.findByTestId('in-call');
    fireEvent.keyDown(window, { key: 'P', code: 'KeyP', ctrlKey: true, shiftKey: true });
    await screen.findByTestId('call-minimised');
    fireEvent.keyDown(window, { key: 'P', code: 'KeyP', metaKey: true, shiftKey: true });
    await screen.findByTestId('in-call');
    expect(screen.queryByTestId('call-minimised')).toBeNull();
  });

  it('hang-up from the tile ends the call', async () => {
    const { calls } = renderLayer(call());
    fireEvent.click(await screen.findByRole('button', { name: 'Minimise call' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Hang up' }));
    expect(calls.end).toHaveBeenCalledWith('call-1');
  });

  it('a call that ends while minimised ends in the tile, without taking the keyboard', async () => {
    const { setCall, calls } = renderLayer(call());
    fireEvent.click(await screen.findByRole('button', { name: 'Minimise call' }));
    await screen.findByTestId('call-minimised');
    const composer = screen.getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(composer);

    setCall(call({ phase: 'ended', endReason: 'hangup' }));
    const ended = await screen.findByTestId('call-minimised-ended');
    expect(ended.textContent).toMatch(/Call ended · 0:0[4-6]/);
    expect(screen.queryByTestId('call-ended')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(composer);
    expect(sessions.current).toBeNull(); // media released
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(calls.dismiss).toHaveBeenCalled();
  });

  it('a call that ends full-window shows the full ended screen', async () => {
    const { setCall } = renderLayer(call());
    await screen.findByTestId('in-call');
    setCall(call({ phase: 'ended', endReason: 'rejected' }));
    await waitFor(() =>
      expect(screen.getByTestId('call-ended').textContent).toContain('Bob Builder declined'),
    );
    expect(screen.queryByTestId('call-minimised-ended')).toBeNull();
  });

  it('the next call opens full-window again', async () => {
    const { setCall } = renderLayer(call());
    fireEvent.click(await screen.findByRole('button', { name: 'Minimise call' }));
    await screen.findByTestId('call-minimised');
    setCall(null);
    expect(screen.queryByTestId('call-minimised')).toBeNull();
    setCall(call({ callId: 'call-2' }));
    await screen.findByTestId('in-call');
    expect(screen.queryByTestId('call-minimised')).toBeNull();
  });
});
