import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notice } from './notification-policy.js';

vi.mock('electron', async () => (await import('../test/fake-electron.js')).electronModule);
const { fake } = await import('../test/fake-electron.js');
const { Notifier, PICTURE_WAIT_MS } = await import('./notifier.js');

const picture = { userId: 'u-bob', avatarId: 'pic-1' };
const ring: Notice = {
  kind: 'call',
  conversationId: 'c1',
  callId: 'call-1',
  title: 'Bob',
  body: 'Incoming voice call',
  picture,
};
const message: Notice = { kind: 'message', conversationId: 'c1', title: 'Bob', body: 'hi', picture };

/** The fake nativeImage records the PNG's byte length: the app icon is big, a picture is 3 bytes. */
const iconOf = (index: number) => (fake.notifications[index]!.options.icon as { png: number }).png;
const PICTURE_BYTES = new Uint8Array([1, 2, 3]);

describe('Notifier: pictures', () => {
  let load: ReturnType<typeof vi.fn<(userId: string) => Promise<Uint8Array | null>>>;
  let release: (bytes: Uint8Array | null) => void;

  const notifier = () =>
    new Notifier({
      showWindow: vi.fn(),
      navigate: vi.fn(),
      onShown: vi.fn(),
      reply: vi.fn(),
      answerCall: vi.fn(),
      declineCall: vi.fn(),
      soundOn: () => true,
      picture: load,
    });

  beforeEach(() => {
    fake.notifications.length = 0;
    load = vi.fn(
      () =>
        new Promise<Uint8Array | null>((resolve) => {
          release = resolve;
        }),
    );
  });
  afterEach(() => vi.useRealTimers());

  it('shows a ringing call at once with the app icon when the picture is not loaded, and starts loading it', () => {
    notifier().show(ring);
    expect(fake.notifications).toHaveLength(1);
    expect(iconOf(0)).not.toBe(PICTURE_BYTES.length);
    expect(load).toHaveBeenCalledWith('u-bob');
  });

  it('shows the caller’s picture on a ringing call once it is cached, without waiting or loading again', async () => {
    const n = notifier();
    n.show(ring);
    release(PICTURE_BYTES);
    // The load settles in microtasks; a macrotask runs after all of them.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The second ring (or the next call from Bob) is shown synchronously with the picture.
    n.show({ ...ring, callId: 'call-2' });
    expect(fake.notifications).toHaveLength(2);
    expect(iconOf(1)).toBe(PICTURE_BYTES.length);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('uses a picture a message notification already loaded for a call', async () => {
    const n = notifier();
    n.show(message);
    release(PICTURE_BYTES);
    await vi.waitFor(() => expect(fake.notifications).toHaveLength(1));
    n.show(ring);
    expect(fake.notifications).toHaveLength(2);
    expect(iconOf(1)).toBe(PICTURE_BYTES.length);
  });

  it('never delays a ring while a picture is still loading', () => {
    const n = notifier();
    n.show(message);
    expect(fake.notifications).toHaveLength(0);
    n.show(ring);
    expect(fake.notifications).toHaveLength(1);
    expect(fake.notifications[0]!.options.title).toBe('Bob');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a message waits for its picture at most PICTURE_WAIT_MS, then shows with the app icon', async () => {
    vi.useFakeTimers();
    notifier().show(message);
    expect(fake.notifications).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(PICTURE_WAIT_MS);
    expect(fake.notifications).toHaveLength(1);
    expect(iconOf(0)).not.toBe(PICTURE_BYTES.length);
  });

  it('a picture that failed to load is cached as none: the ring shows the app icon', async () => {
    const n = notifier();
    n.show(message);
    release(null);
    await vi.waitFor(() => expect(fake.notifications).toHaveLength(1));
    n.show(ring);
    expect(iconOf(1)).not.toBe(PICTURE_BYTES.length);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
