import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({ getSources: vi.fn() }));
vi.mock('electron', () => ({ desktopCapturer: { getSources: electron.getSources } }));
const { PICKER_MAX_SOURCES, ScreenSharePicks, THUMBNAIL_SIZE, installScreenSharePicker, pickerChoices } =
  await import('./screen-share.js');
const { rendererSource } = await import('./security.js');

describe('screen share picker choices', () => {
  it('offers screens first, then windows with a title', () => {
    const sources = pickerChoices([
      { id: 'window:1:0', name: 'Editor' },
      { id: 'screen:0:0', name: 'Screen 1' },
      { id: 'window:2:0', name: '   ' },
      { id: 'window:3:0', name: 'Browser' },
    ]);
    expect(sources.map((source) => source.id)).toEqual(['screen:0:0', 'window:1:0', 'window:3:0']);
  });

  it('caps the list', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `window:${i}:0`, name: `W${i}` }));
    expect(pickerChoices(many)).toHaveLength(PICKER_MAX_SOURCES);
  });
});

describe('ScreenSharePicks', () => {
  const a = { id: 'screen:0:0', name: 'A' };
  const b = { id: 'window:7:0', name: 'B' };

  it('resolves with the source the renderer picked, once', async () => {
    const picks = new ScreenSharePicks<typeof a>();
    let id = '';
    const picked = picks.ask([a, b], (requestId) => ((id = requestId), true));
    expect(picks.choose(id, 'window:7:0')).toBe(true);
    await expect(picked).resolves.toBe(b);
    expect(picks.choose(id, 'window:7:0')).toBe(false);
  });

  it('refuses a source it did not offer and a stale request id; cancel resolves null', async () => {
    const picks = new ScreenSharePicks<typeof a>();
    let id = '';
    const picked = picks.ask([a], (requestId) => ((id = requestId), true));
    expect(picks.choose(id, 'window:666:0')).toBe(false);
    expect(picks.choose('pick-999', 'screen:0:0')).toBe(false);
    expect(picks.choose(id, null)).toBe(true);
    await expect(picked).resolves.toBeNull();
  });

  it('a new request cancels the open one; no window to show it in, or no answer in time, is a cancel', async () => {
    vi.useFakeTimers();
    try {
      const picks = new ScreenSharePicks<typeof a>(1000);
      const first = picks.ask([a], () => true);
      const second = picks.ask([a], () => true);
      await expect(first).resolves.toBeNull();
      await vi.advanceTimersByTimeAsync(1000);
      await expect(second).resolves.toBeNull();
      await expect(picks.ask([a], () => false)).resolves.toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('display media request handler', () => {
  const thumbnail = (empty: boolean) => ({
    isEmpty: () => empty,
    toDataURL: () => 'data:image/png;base64,AAAA',
  });
  const screen = { id: 'screen:0:0', name: 'Screen 1', thumbnail: thumbnail(false) };
  const editor = { id: 'window:7:0', name: 'Editor', thumbnail: thumbnail(true) };
  type Handler = (request: unknown, callback: (streams: unknown) => void) => void;
  let handler: Handler;
  let options: unknown;
  let show: ReturnType<typeof vi.fn<(request: { requestId: string; sources: unknown[] }) => boolean>>;
  let picks: InstanceType<typeof ScreenSharePicks>;

  beforeEach(() => {
    electron.getSources.mockReset().mockResolvedValue([editor, screen]);
    picks = new ScreenSharePicks();
    show = vi.fn(() => true);
    const session = {
      setDisplayMediaRequestHandler: (h: Handler, o: unknown) => {
        handler = h;
        options = o;
      },
    };
    installScreenSharePicker(session as never, rendererSource(undefined), { show, picks: picks as never });
  });

  function request(url: string | null, videoRequested = true): Promise<unknown> {
    return new Promise((resolve) =>
      handler({ frame: url === null ? null : { url }, videoRequested }, resolve),
    );
  }

  it('shows the renderer the sources with thumbnails and titles, and shares the pick', async () => {
    expect(options).toEqual({ useSystemPicker: true });
    const shared = request('app://parley/index.html');
    await vi.waitFor(() => expect(show).toHaveBeenCalled());
    expect(electron.getSources).toHaveBeenCalledWith({
      types: ['screen', 'window'],
      thumbnailSize: THUMBNAIL_SIZE,
    });
    const [{ requestId, sources }] = show.mock.calls[0]!;
    expect(sources).toEqual([
      { id: 'screen:0:0', kind: 'screen', title: 'Entire screen', thumbnail: 'data:image/png;base64,AAAA' },
      { id: 'window:7:0', kind: 'window', title: 'Editor', thumbnail: null },
    ]);
    picks.choose(requestId, 'window:7:0');
    await expect(shared).resolves.toEqual({ video: editor });
  });

  it('shares nothing when the user cancels', async () => {
    const shared = request('app://parley/index.html');
    await vi.waitFor(() => expect(show).toHaveBeenCalled());
    picks.choose(show.mock.calls[0]![0].requestId, null);
    await expect(shared).resolves.toEqual({});
  });

  it('refuses pages that are not the app, and frames that are gone, without asking', async () => {
    await expect(request('https://evil.example/')).resolves.toEqual({});
    await expect(request(null)).resolves.toEqual({});
    expect(electron.getSources).not.toHaveBeenCalled();
    expect(show).not.toHaveBeenCalled();
  });

  it('refuses audio-only requests and a failing capturer', async () => {
    await expect(request('app://parley/index.html', false)).resolves.toEqual({});
    electron.getSources.mockRejectedValue(new Error('no portal'));
    await expect(request('app://parley/index.html')).resolves.toEqual({});
  });
});
