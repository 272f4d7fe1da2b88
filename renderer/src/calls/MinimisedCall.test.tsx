// @vitest-environment jsdom
import { fakeStream } from '../test/dom';
import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '@parley/shared';
import type { CallSessionSnapshot } from './call-session-types';
import { MinimisedCall, MinimisedCallEnded } from './MinimisedCall';
import { isMinimiseShortcut, nearestCorner, readTileCorner } from './minimise';

const bob: User = { id: 'u-bob', username: 'bob', displayName: 'Bob Builder' };

function snapshot(patch: Partial<CallSessionSnapshot> = {}): CallSessionSnapshot {
  return {
    callId: 'c1',
    localPreview: null,
    remoteStream: fakeStream(),
    remoteHasVideo: true,
    micMuted: false,
    cameraOff: false,
    hasCamera: true,
    screenSharing: false,
    remoteMuted: { audio: false, video: false },
    link: 'connected',
    devices: { audioInputs: [], videoInputs: [] },
    selected: { audioInput: null, videoInput: null },
    error: null,
    ...patch,
  };
}

function setup(props: Partial<Parameters<typeof MinimisedCall>[0]> = {}) {
  const actions = { toggleMic: vi.fn(), toggleCamera: vi.fn(), hangUp: vi.fn() };
  const onRestore = vi.fn();
  const view = render(
    <MinimisedCall
      peer={bob}
      media="video"
      elapsedSeconds={75}
      media$={snapshot()}
      actions={actions}
      onRestore={onRestore}
      {...props}
    />,
  );
  return { ...view, actions, onRestore, tile: screen.getByRole('region', { name: 'Call with Bob Builder' }) };
}

beforeEach(() => localStorage.clear());

describe('MinimisedCall', () => {
  it('shows the remote video from the same MediaStream, the name and the duration', () => {
    const stream = fakeStream('the-call');
    setup({ media$: snapshot({ remoteStream: stream }) });
    const video = screen.getByTestId<HTMLVideoElement>('pip-video');
    expect(video.srcObject).toBe(stream);
    expect(video.muted).toBe(true); // the sound plays through the layer's one <audio> element
    expect(screen.getByText('Bob Builder')).toBeTruthy();
    expect(screen.getByTestId('pip-status').textContent).toBe('1:15');
    expect(screen.queryByTestId('pip-avatar')).toBeNull();
  });

  it("shows the peer's avatar in a voice call, or when their camera is off", () => {
    const { rerender, actions, onRestore } = setup({
      media: 'audio',
      media$: snapshot({ hasCamera: false }),
    });
    expect(screen.getByTestId('pip-avatar')).toBeTruthy();
    expect(screen.queryByTestId('pip-video')).toBeNull();
    // No camera, no camera button.
    expect(screen.queryByRole('button', { name: /camera/ })).toBeNull();
    rerender(
      <MinimisedCall
        peer={bob}
        media="video"
        elapsedSeconds={1}
        media$={snapshot({ remoteMuted: { audio: true, video: true } })}
        actions={actions}
        onRestore={onRestore}
      />,
    );
    expect(screen.getByTestId('pip-avatar')).toBeTruthy();
    expect(screen.getByText('Bob Builder is muted')).toBeTruthy();
  });

  it('says what the link is doing instead of a timer while it is not connected', () => {
    const { rerender, actions, onRestore } = setup({ media$: snapshot({ link: 'reconnecting' }) });
    expect(screen.getByTestId('pip-status').textContent).toBe('Reconnecting…');
    rerender(
      <MinimisedCall
        peer={bob}
        media="video"
        elapsedSeconds={null}
        media$={snapshot({ link: 'connecting' })}
        actions={actions}
        onRestore={onRestore}
      />,
    );
    expect(screen.getByTestId('pip-status').textContent).toBe('Connecting…');
  });

  it('has labelled controls, in a sane tab order, that do what they say', async () => {
    const user = userEvent.setup();
    const { actions, onRestore } = setup({ media$: snapshot({ micMuted: true }) });
    const mic = screen.getByRole('button', { name: 'Unmute microphone' });
    expect(mic.getAttribute('aria-pressed')).toBe('true');
    const camera = screen.getByRole('button', { name: 'Turn camera off' });
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    const restore = screen.getByRole('button', { name: 'Return to full call' });
    expect(restore.getAttribute('aria-keyshortcuts')).toContain('Control+Shift+P');
    expect(restore.getAttribute('title')).toMatch(/Shift\+P\)$/);
    const hangUp = screen.getByRole('button', { name: 'Hang up' });

    await user.tab();
    expect(document.activeElement).toBe(mic);
    await user.keyboard('{Enter}');
    expect(actions.toggleMic).toHaveBeenCalledTimes(1);
    await user.tab();
    expect(document.activeElement).toBe(camera);
    await user.keyboard(' ');
    expect(actions.toggleCamera).toHaveBeenCalledTimes(1);
    await user.tab();
    expect(document.activeElement).toBe(restore);
    await user.keyboard('{Enter}');
    expect(onRestore).toHaveBeenCalledTimes(1);
    await user.tab();
    expect(document.activeElement).toBe(hangUp);
    await user.click(hangUp);
    expect(actions.hangUp).toHaveBeenCalledTimes(1);
  });

  it("hands the keyboard to the open chat's composer, else to its Restore button", () => {
    const composer = document.createElement('textarea');
    const chat = document.createElement('section');
    chat.className = 'chat';
    chat.append(composer);
    document.body.append(chat);
    try {
      const first = setup({ focusOnMount: true });
      expect(document.activeElement).toBe(composer);
      first.unmount();
    } finally {
      chat.remove();
    }
    setup({ focusOnMount: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Return to full call' }));
  });

  it('moves focus nowhere unless asked to', () => {
    const before = document.activeElement;
    setup();
    expect(document.activeElement).toBe(before);
  });

  it('double click on the picture restores, on a button it does not', () => {
    const { onRestore } = setup();
    fireEvent.doubleClick(screen.getByRole('button', { name: 'Hang up' }));
    expect(onRestore).not.toHaveBeenCalled();
    fireEvent.doubleClick(screen.getByTestId('pip-video'));
    expect(onRestore).toHaveBeenCalledTimes(1);
  });

  it('follows a drag and snaps to the nearest corner, remembered for the next call', () => {
    Object.assign(window, { innerWidth: 1280, innerHeight: 800 });
    const { tile, unmount } = setup();
    expect(tile.dataset.corner).toBe('top-right');
    tile.getBoundingClientRect = () => ({ left: 40, top: 560, width: 240, height: 190 }) as DOMRect;
    fireEvent.pointerDown(tile, { button: 0, clientX: 1100, clientY: 150, pointerId: 1 });
    fireEvent.pointerMove(tile, { clientX: 600, clientY: 400, pointerId: 1 });
    expect(tile.dataset.dragging).toBe('true');
    expect(tile.style.transform).toBe('translate(-500px, 250px)');
    fireEvent.pointerUp(tile, { clientX: 160, clientY: 650, pointerId: 1 });
    expect(tile.dataset.corner).toBe('bottom-left');
    expect(tile.style.transform).toBe('');
    expect(tile.dataset.dragging).toBeUndefined();
    unmount();
    expect(setup().tile.dataset.corner).toBe('bottom-left');
  });

  it('a press on a button or a tiny wobble is not a drag', () => {
    const { tile } = setup();
    fireEvent.pointerDown(screen.getByRole('button', { name: 'Hang up' }), {
      button: 0,
      clientX: 10,
      clientY: 10,
    });
    fireEvent.pointerMove(tile, { clientX: 300, clientY: 300 });
    expect(tile.dataset.dragging).toBeUndefined();
    fireEvent.pointerDown(tile, { button: 0, clientX: 10, clientY: 10 });
    fireEvent.pointerMove(tile, { clientX: 12, clientY: 11 });
    fireEvent.pointerUp(tile, { clientX: 12, clientY: 11 });
    expect(tile.dataset.corner).toBe('top-right');
  });
});

describe('MinimisedCallEnded', () => {
  afterEach(() => vi.useRealTimers());

  it('says how the call ended, closes on Close, and goes away by itself', () => {
    vi.useFakeTimers();
    const onDismiss = vi.fn();
    render(<MinimisedCallEnded peer={bob} text="Call ended" durationSeconds={222} onDismiss={onDismiss} />);
    expect(screen.getByRole('status').textContent).toBe('Call ended · 3:42');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(6000));
    expect(onDismiss).toHaveBeenCalledTimes(2);
  });
});

describe('minimise rules', () => {
  it('the shortcut is Ctrl or Cmd with Shift and P, nothing else', () => {
    const key = (patch: Partial<KeyboardEvent>) =>
      isMinimiseShortcut({
        ctrlKey: false,
        metaKey: false,
        altKey: false,
        shiftKey: false,
        key: '',
        code: '',
        ...patch,
      });
    expect(key({ ctrlKey: true, shiftKey: true, key: 'P', code: 'KeyP' })).toBe(true);
    expect(key({ metaKey: true, shiftKey: true, key: 'p', code: 'KeyP' })).toBe(true);
    // Another layout: the key labelled P sits elsewhere.
    expect(key({ ctrlKey: true, shiftKey: true, key: 'P', code: 'KeyR' })).toBe(true);
    expect(key({ ctrlKey: true, key: 'p', code: 'KeyP' })).toBe(false); // print
    expect(key({ ctrlKey: true, shiftKey: true, altKey: true, key: 'P', code: 'KeyP' })).toBe(false);
    expect(key({ shiftKey: true, key: 'P', code: 'KeyP' })).toBe(false);
  });

  it('the nearest corner is by the half of the window the point is in', () => {
    expect(nearestCorner(10, 10, 1000, 800)).toBe('top-left');
    expect(nearestCorner(900, 10, 1000, 800)).toBe('top-right');
    expect(nearestCorner(10, 700, 1000, 800)).toBe('bottom-left');
    expect(nearestCorner(900, 700, 1000, 800)).toBe('bottom-right');
  });

  it('a stored corner that is not one falls back to top right', () => {
    localStorage.setItem('parley.callTileCorner', 'middle');
    expect(readTileCorner()).toBe('top-right');
  });
});
