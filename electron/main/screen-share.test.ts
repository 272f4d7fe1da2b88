import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  getSources: vi.fn(),
  showMessageBox: vi.fn(),
}));
vi.mock('electron', () => ({
  desktopCapturer: { getSources: electron.getSources },
  dialog: { showMessageBox: electron.showMessageBox },
}));
const { PICKER_MAX_SOURCES, installScreenSharePicker, pickerChoices } = await import('./screen-share.js');
const { rendererSource } = await import('./security.js');

describe('screen share picker choices', () => {
  it('offers screens first, then named windows, then Cancel', () => {
    const { sources, buttons } = pickerChoices([
      { id: 'window:1:0', name: 'Editor' },
      { id: 'screen:0:0', name: 'Screen 1' },
      { id: 'window:2:0', name: '   ' },
      { id: 'window:3:0', name: 'A very long window title that goes on and on and on' },
    ]);
    expect(sources.map((source) => source.id)).toEqual(['screen:0:0', 'window:1:0', 'window:3:0']);
    expect(buttons).toEqual([
      'Entire screen',
      'Window: Editor',
      'Window: A very long window title that goes on a…',
      'Cancel',
    ]);
  });

  it('numbers several screens and caps the list', () => {
    const many = [
      { id: 'screen:0:0', name: 'A' },
      { id: 'screen:1:0', name: 'B' },
      ...Array.from({ length: 20 }, (_, i) => ({ id: `window:${i}:0`, name: `W${i}` })),
    ];
    const { sources, buttons } = pickerChoices(many);
    expect(sources).toHaveLength(PICKER_MAX_SOURCES);
    expect(buttons.slice(0, 2)).toEqual(['Screen 1', 'Screen 2']);
    expect(buttons.at(-1)).toBe('Cancel');
  });

  it('offers only Cancel when nothing can be shared', () => {
    expect(pickerChoices([])).toEqual({ sources: [], buttons: ['Cancel'] });
  });
});

describe('display media request handler', () => {
  const screen = { id: 'screen:0:0', name: 'Screen 1' };
  const editor = { id: 'window:7:0', name: 'Editor' };
  type Handler = (request: unknown, callback: (streams: unknown) => void) => void;
  let handler: Handler;
  let options: unknown;

  beforeEach(() => {
    electron.getSources.mockReset().mockResolvedValue([editor, screen]);
    electron.showMessageBox.mockReset();
    const session = {
      setDisplayMediaRequestHandler: (h: Handler, o: unknown) => {
        handler = h;
        options = o;
      },
    };
    installScreenSharePicker(session as never, rendererSource(undefined), () => null);
  });

  function request(url: string | null, videoRequested = true): Promise<unknown> {
    return new Promise((resolve) =>
      handler({ frame: url === null ? null : { url }, videoRequested }, resolve),
    );
  }

  it('asks the user and shares what they picked, using the system picker where there is one', async () => {
    expect(options).toEqual({ useSystemPicker: true });
    electron.showMessageBox.mockResolvedValue({ response: 1 });
    await expect(request('app://parley/index.html')).resolves.toEqual({ video: editor });
    expect(electron.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({ buttons: ['Entire screen', 'Window: Editor', 'Cancel'], cancelId: 2 }),
    );
  });

  it('shares nothing when the user cancels', async () => {
    electron.showMessageBox.mockResolvedValue({ response: 2 });
    await expect(request('app://parley/index.html')).resolves.toEqual({});
  });

  it('refuses pages that are not the app, and frames that are gone, without asking', async () => {
    await expect(request('https://evil.example/')).resolves.toEqual({});
    await expect(request(null)).resolves.toEqual({});
    expect(electron.getSources).not.toHaveBeenCalled();
    expect(electron.showMessageBox).not.toHaveBeenCalled();
  });

  it('refuses audio-only requests and a failing capturer', async () => {
    await expect(request('app://parley/index.html', false)).resolves.toEqual({});
    electron.getSources.mockRejectedValue(new Error('no portal'));
    await expect(request('app://parley/index.html')).resolves.toEqual({});
  });
});
