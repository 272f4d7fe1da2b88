/**
 * Screen sharing: `getDisplayMedia()` in the renderer lands in the session's display-media
 * handler. Only the app's own page may ask, and the user always picks what is shared (a
 * screen or a window) in a native dialog: no extra window, no extra preload, nothing the page
 * can script. On macOS 15+ the system picker is used instead.
 */
import { desktopCapturer, dialog, type BrowserWindow, type Session } from 'electron';
import { isAppUrl, type RendererSource } from './security.js';

export interface SourceLike {
  id: string;
  name: string;
}

/** A native message box holds only so many buttons; the first screens and windows win. */
export const PICKER_MAX_SOURCES = 8;

/** Button labels of the picker: the sources (screens first), then Cancel last. */
export function pickerChoices<S extends SourceLike>(
  sources: readonly S[],
): { sources: S[]; buttons: string[] } {
  const screens = sources.filter((source) => source.id.startsWith('screen:'));
  const windows = sources.filter(
    (source) => !source.id.startsWith('screen:') && source.name.trim().length > 0,
  );
  const chosen = [...screens, ...windows].slice(0, PICKER_MAX_SOURCES);
  const buttons = chosen.map((source, index) =>
    source.id.startsWith('screen:')
      ? screens.length > 1
        ? `Screen ${index + 1}`
        : 'Entire screen'
      : `Window: ${truncate(source.name, 40)}`,
  );
  return { sources: chosen, buttons: [...buttons, 'Cancel'] };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function installScreenSharePicker(
  session: Session,
  source: RendererSource,
  getWindow: () => BrowserWindow | null,
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
            thumbnailSize: { width: 0, height: 0 },
          });
          const { sources, buttons } = pickerChoices(all);
          if (sources.length === 0) {
            deny();
            return;
          }
          const window = getWindow();
          const options = {
            type: 'question' as const,
            title: 'Share your screen',
            message: 'What do you want to share?',
            buttons,
            cancelId: buttons.length - 1,
            noLink: true,
          };
          const { response } = window
            ? await dialog.showMessageBox(window, options)
            : await dialog.showMessageBox(options);
          const picked = sources[response];
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
