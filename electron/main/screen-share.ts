/**
 * Screen sharing: `getDisplayMedia()` in the renderer lands in the session's display-media
 * handler. Only the app's own page may ask, and the user always picks what is shared (a
 * screen or a window) in the app's picker: main sends the sources with their thumbnails and
 * titles to the renderer (`onScreenSharePick`), which shows them in a dialog and answers with
 * the pick or a cancel (`desktop.chooseScreenShare`). Only a source main offered can be
 * picked. On macOS 15+ the system picker is used instead.
 */
import { desktopCapturer, type Session } from 'electron';
import type { ScreenShareRequest, ScreenShareSource } from '@parley/shared';
import { isAppUrl, type RendererSource } from './security.js';

export interface SourceLike {
  id: string;
  name: string;
}

/** The picker lists at most this many sources: screens first, then windows. */
export const PICKER_MAX_SOURCES = 24;

/** Thumbnails as desktopCapturer renders them (aspect kept inside this box). */
export const THUMBNAIL_SIZE = { width: 320, height: 180 };

/** An unanswered picker is given up after this long (the user walked away; the page is gone). */
export const PICK_TIMEOUT_MS = 5 * 60_000;

/** What the picker offers: screens first, then windows with a title, capped. */
export function pickerChoices<S extends SourceLike>(sources: readonly S[]): S[] {
  const screens = sources.filter((source) => source.id.startsWith('screen:'));
  const windows = sources.filter(
    (source) => !source.id.startsWith('screen:') && source.name.trim().length > 0,
  );
  return [...screens, ...windows].slice(0, PICKER_MAX_SOURCES);
}

/** Screens are named by number when there are several ("Screen 2"), else "Entire screen". */
export function sourceTitle(source: SourceLike, index: number, screens: number): string {
  if (!source.id.startsWith('screen:')) return source.name;
  return screens > 1 ? `Screen ${index + 1}` : 'Entire screen';
}

/**
 * One picker at a time: a new request cancels the open one. `choose` answers it; anything but
 * the open request's id, or a source it did not offer, is refused.
 */
export class ScreenSharePicks<S extends SourceLike> {
  private open: {
    requestId: string;
    sources: S[];
    resolve: (source: S | null) => void;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
  private next = 0;

  constructor(private readonly timeoutMs = PICK_TIMEOUT_MS) {}

  /** Starts a pick; `show` gets the request id. Resolves with the chosen source or null. */
  ask(sources: S[], show: (requestId: string) => boolean): Promise<S | null> {
    this.finish(null);
    const requestId = `pick-${++this.next}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(null), this.timeoutMs);
      timer.unref?.();
      this.open = { requestId, sources, resolve, timer };
      if (!show(requestId)) this.finish(null);
    });
  }

  /** The renderer's answer; false when it answers nothing open (stale or unknown). */
  choose(requestId: string, sourceId: string | null): boolean {
    if (!this.open || this.open.requestId !== requestId) return false;
    if (sourceId === null) {
      this.finish(null);
      return true;
    }
    const source = this.open.sources.find((candidate) => candidate.id === sourceId);
    if (!source) return false;
    this.finish(source);
    return true;
  }

  private finish(source: S | null): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    clearTimeout(open.timer);
    open.resolve(source);
  }
}

export interface ScreenSharePickerDeps {
  /** Sends the request to the renderer; false when there is no window to show it in. */
  show(request: ScreenShareRequest): boolean;
  picks: ScreenSharePicks<Electron.DesktopCapturerSource>;
}

export function installScreenSharePicker(
  session: Session,
  source: RendererSource,
  deps: ScreenSharePickerDeps,
): void {
  session.setDisplayMediaRequestHandler(
    (request, callback) => {
      const deny = () => callback({});
      if (!isAppUrl(request.frame?.url, source) || !request.videoRequested) {
        deny();
        return;
      }
      void (async () => {
        try {
          const all = await desktopCapturer.getSources({
            types: ['screen', 'window'],
            thumbnailSize: THUMBNAIL_SIZE,
          });
          const sources = pickerChoices(all);
          if (sources.length === 0) {
            deny();
            return;
          }
          const screens = sources.filter((candidate) => candidate.id.startsWith('screen:')).length;
          const offered: ScreenShareSource[] = sources.map((candidate, index) => ({
            id: candidate.id,
            kind: candidate.id.startsWith('screen:') ? 'screen' : 'window',
            title: sourceTitle(candidate, index, screens),
            thumbnail: candidate.thumbnail.isEmpty() ? null : candidate.thumbnail.toDataURL(),
          }));
          const picked = await deps.picks.ask(sources, (requestId) =>
            deps.show({ requestId, sources: offered }),
          );
          if (picked) callback({ video: picked });
          else deny();
        } catch {
          deny();
        }
      })();
    },
    { useSystemPicker: true },
  );
}
