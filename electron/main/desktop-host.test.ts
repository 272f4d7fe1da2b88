import { describe, expect, it, vi } from 'vitest';
import { createDesktopHost, type DesktopHostDeps } from './desktop-host.js';
import { DEFAULT_DESKTOP_SETTINGS, DesktopSettingsStore, ZOOM_LEVEL_LIMIT } from './desktop-settings.js';

function memoryStore() {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (key: string) => data.get(key),
    set: (key: string, value: unknown) => void data.set(key, value),
    delete: (key: string) => void data.delete(key),
  };
}

function host(overrides: Partial<DesktopHostDeps> = {}) {
  const store = new DesktopSettingsStore(memoryStore());
  const deps: DesktopHostDeps = {
    store,
    setOpenAtLogin: vi.fn(),
    setSpellCheckLanguages: vi.fn(),
    availableSpellCheckLanguages: () => ['de', 'en-US'],
    pickFolder: vi.fn(async () => '/home/a/Downloads/Parley'),
    takeInvite: () => null,
    setContextMessage: vi.fn(),
    chooseScreenShare: vi.fn(() => true),
    onChanged: vi.fn(),
    ...overrides,
  };
  return { deps, store, impl: createDesktopHost(deps) };
}

describe('desktop settings', () => {
  it('start from the defaults and survive nonsense in the store', () => {
    const raw = memoryStore();
    raw.set('desktop', { closeToTray: 'yes', spellCheckLanguages: ['de', 3], downloadFolder: '' });
    expect(new DesktopSettingsStore(raw).get()).toEqual({
      ...DEFAULT_DESKTOP_SETTINGS,
      spellCheckLanguages: ['de'],
    });
  });

  it('keep zoom per window, within limits', () => {
    const { store } = host();
    expect(store.zoomLevel('main')).toBe(0);
    expect(store.setZoomLevel('main', 99)).toBe(ZOOM_LEVEL_LIMIT);
    expect(store.zoomLevel('main')).toBe(ZOOM_LEVEL_LIMIT);
    expect(store.zoomLevel('other')).toBe(0);
  });

  it('apply a change: login item only when it changed, spell-check languages, listeners told', async () => {
    const { deps, impl } = host();
    const result = await impl['desktop.updateSettings']({ openAtLogin: true, spellCheckLanguages: ['de'] });
    expect(result).toMatchObject({ ok: true, value: { openAtLogin: true, spellCheckLanguages: ['de'] } });
    await impl['desktop.updateSettings']({ closeToTray: false });
    expect(deps.setOpenAtLogin).toHaveBeenCalledTimes(1);
    expect(deps.setSpellCheckLanguages).toHaveBeenLastCalledWith(['de']);
    expect(deps.onChanged).toHaveBeenCalledTimes(2);
  });

  it('refuse a spell-check language the system does not have', async () => {
    const { deps, impl } = host();
    expect(await impl['desktop.updateSettings']({ spellCheckLanguages: ['xx'] })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
    expect(deps.onChanged).not.toHaveBeenCalled();
  });

  it('take the download folder from the picker only; cancelling changes nothing', async () => {
    const { impl, deps } = host();
    expect(await impl['desktop.chooseDownloadFolder']()).toMatchObject({
      value: { downloadFolder: '/home/a/Downloads/Parley' },
    });
    (deps.pickFolder as ReturnType<typeof vi.fn>).mockResolvedValueOnce(null);
    expect(await impl['desktop.chooseDownloadFolder']()).toMatchObject({
      value: { downloadFolder: '/home/a/Downloads/Parley' },
    });
  });
});
