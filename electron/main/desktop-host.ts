/**
 * The `desktop` group of `window.parley`: desktop settings (applied to the OS and the session
 * as they change), the spell-checker languages, the download-folder picker and the deep-link
 * invite hand-over. Electron calls go through `DesktopHostDeps` so this stays testable.
 */
import type { DesktopSettings, HostResult, InviteLink, MessageMenuTarget } from '@parley/shared';
import type { DesktopSettingsStore } from './desktop-settings.js';
import type { HostImpl } from './ipc.js';

export interface DesktopHostDeps {
  store: DesktopSettingsStore;
  /**
   * `app.setLoginItemSettings` (macOS and Windows; Linux has no API, see electron/README.md).
   * Starting hidden is the start-minimised setting, read at every start.
   */
  setOpenAtLogin(open: boolean): void;
  /** `session.setSpellCheckerLanguages` (macOS uses the OS checker and ignores it). */
  setSpellCheckLanguages(languages: string[]): void;
  availableSpellCheckLanguages(): string[];
  /** The OS folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  takeInvite(): InviteLink | null;
  /** The renderer reported the message under a right-click (message-menu.ts). */
  setContextMessage(target: MessageMenuTarget): void;
  /** The screen-share picker's answer (screen-share.ts); false: nothing open with that id. */
  chooseScreenShare(requestId: string, sourceId: string | null): boolean;
  /** After any change (updates switched on or off, the notification sound, …). */
  onChanged(settings: DesktopSettings): void;
}

type DesktopMethods = Pick<
  HostImpl,
  | 'desktop.getSettings'
  | 'desktop.updateSettings'
  | 'desktop.availableSpellCheckLanguages'
  | 'desktop.chooseDownloadFolder'
  | 'desktop.takeInvite'
  | 'desktop.setContextMessage'
  | 'desktop.chooseScreenShare'
>;

function ok<T>(value: T): HostResult<T> {
  return { ok: true, value };
}

/** Applies what lives outside the store: login item and spell-checker languages. */
export function applyDesktopSettings(deps: DesktopHostDeps, settings: DesktopSettings): void {
  deps.setSpellCheckLanguages(settings.spellCheckLanguages);
}

export function createDesktopHost(deps: DesktopHostDeps): DesktopMethods {
  return {
    'desktop.getSettings': async () => ok(deps.store.get()),
    'desktop.updateSettings': async (patch) => {
      const before = deps.store.get();
      const available = new Set(deps.availableSpellCheckLanguages());
      if (patch.spellCheckLanguages?.some((tag) => !available.has(tag)))
        return {
          ok: false,
          error: 'That spell-check language is not available here.',
          code: 'invalid_input',
        };
      const next = deps.store.update(patch);
      if (next.openAtLogin !== before.openAtLogin) deps.setOpenAtLogin(next.openAtLogin);
      applyDesktopSettings(deps, next);
      deps.onChanged(next);
      return ok(next);
    },
    'desktop.availableSpellCheckLanguages': async () => ok(deps.availableSpellCheckLanguages()),
    'desktop.chooseDownloadFolder': async () => {
      const folder = await deps.pickFolder();
      if (folder === null) return ok(deps.store.get());
      const next = deps.store.update({ downloadFolder: folder });
      deps.onChanged(next);
      return ok(next);
    },
    'desktop.takeInvite': async () => ok(deps.takeInvite()),
    'desktop.setContextMessage': async (target) => {
      deps.setContextMessage(target);
      return ok(undefined);
    },
    'desktop.chooseScreenShare': async (requestId, sourceId) =>
      deps.chooseScreenShare(requestId, sourceId)
        ? ok(undefined)
        : { ok: false, error: 'That screen-share request is no longer open.', code: 'not_found' },
  };
}
