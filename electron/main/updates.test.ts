import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { restartButtons, UpdateController, type MessageLike, type UpdaterLike } from './updates.js';

/** A fake AppUpdater: each check answers with the next scripted outcome. */
class FakeUpdater extends EventEmitter implements UpdaterLike {
  checks = 0;
  installs = 0;
  constructor(private readonly outcome: 'none' | 'update' | 'error') {
    super();
  }
  async checkForUpdates() {
    this.checks++;
    await Promise.resolve();
    if (this.outcome === 'none') this.emit('update-not-available', { version: '1.0.0' });
    if (this.outcome === 'error') {
      this.emit('error', new Error('feed unreachable'));
      throw new Error('feed unreachable');
    }
    if (this.outcome === 'update') {
      this.emit('update-available', { version: '1.1.0' });
      const downloadPromise = Promise.resolve().then(() =>
        this.emit('update-downloaded', { version: '1.1.0' }),
      );
      return { downloadPromise };
    }
    return null;
  }
  quitAndInstall() {
    this.installs++;
  }
}

function setup(
  outcome: 'none' | 'update' | 'error',
  options: { enabled?: boolean; available?: boolean; answer?: number } = {},
) {
  const updater = new FakeUpdater(outcome);
  const shown: MessageLike[] = [];
  let enabled = options.enabled ?? true;
  const createUpdater = vi.fn(() => updater);
  const controller = new UpdateController({
    enabled: () => enabled,
    available: options.available ?? true,
    createUpdater,
    currentVersion: '1.0.0',
    show: async (message) => {
      shown.push(message);
      return message.buttons ? (options.answer ?? 1) : 0;
    },
    log: () => {},
  });
  return { controller, updater, shown, createUpdater, setEnabled: (on: boolean) => (enabled = on) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('UpdateController', () => {
  it('a quiet check that finds nothing shows nothing', async () => {
    const { controller, updater, shown } = setup('none');
    controller.checkQuietly();
    await settle();
    expect(updater.checks).toBe(1);
    expect(shown).toEqual([]);
  });

  it('the menu check says "up to date"', async () => {
    const { controller, shown } = setup('none');
    await controller.checkFromMenu();
    expect(shown.map((m) => m.message)).toEqual(["You're up to date"]);
  });

  it('a downloaded update offers a restart; Restart calls quitAndInstall', async () => {
    const { controller, updater, shown } = setup('update', { answer: 0 });
    controller.checkQuietly();
    await settle();
    expect(shown.map((m) => m.message)).toEqual(['Parley 1.1.0 is ready']);
    expect(shown[0]?.buttons).toEqual(restartButtons());
    expect(updater.installs).toBe(1);
  });

  it('Later leaves it for quit; the menu then offers the restart again without checking', async () => {
    const { controller, updater, shown } = setup('update', { answer: 1 });
    await controller.checkFromMenu();
    await settle();
    expect(shown.map((m) => m.message)).toEqual(['Downloading Parley 1.1.0', 'Parley 1.1.0 is ready']);
    expect(updater.installs).toBe(0);
    await controller.checkFromMenu();
    expect(updater.checks).toBe(1);
    expect(shown.at(-1)?.message).toBe('Parley 1.1.0 is ready');
    controller.checkQuietly();
    expect(updater.checks).toBe(1);
  });

  it('errors are shown for a menu check only', async () => {
    const quiet = setup('error');
    quiet.controller.checkQuietly();
    await settle();
    expect(quiet.shown).toEqual([]);
    const manual = setup('error');
    await manual.controller.checkFromMenu();
    expect(manual.shown.map((m) => [m.type, m.message])).toEqual([['error', 'Could not check for updates']]);
  });

  it('updates off: no updater is created, the menu says they are managed', async () => {
    const { controller, createUpdater, shown, setEnabled } = setup('update', { enabled: false });
    controller.checkQuietly();
    await controller.checkFromMenu();
    expect(createUpdater).not.toHaveBeenCalled();
    expect(shown.map((m) => m.message)).toEqual(['Updates are managed']);
    setEnabled(true);
    await controller.checkFromMenu();
    expect(createUpdater).toHaveBeenCalledOnce();
  });

  it('a build without a feed never checks', async () => {
    const { controller, createUpdater, shown } = setup('none', { available: false });
    controller.checkQuietly();
    await controller.checkFromMenu();
    expect(createUpdater).not.toHaveBeenCalled();
    expect(shown.map((m) => m.message)).toEqual(['No updates in this build']);
  });
});
