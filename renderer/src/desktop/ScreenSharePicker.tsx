/**
 * The desktop app's screen-share picker: main sends the screens and windows it may share, with
 * thumbnails and titles (`onScreenSharePick`), and the user picks one or cancels
 * (`chooseScreenShare`). Keyboard: Tab or the arrow keys move between sources, Enter or Space
 * shares, Escape cancels. Renders nothing in the web client (the browser has its own picker).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { AppWindow, Monitor } from 'lucide-react';
import type { ScreenShareRequest } from '@parley/shared';
import { useHost } from '../store/hooks';
import './screen-share-picker.css';

export function ScreenSharePicker() {
  const desktop = useHost().desktop;
  const [request, setRequest] = useState<ScreenShareRequest | null>(null);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => desktop?.onScreenSharePick(setRequest), [desktop]);
  if (!desktop || !request) return null;

  const answer = (sourceId: string | null) => {
    setRequest(null);
    void desktop.chooseScreenShare(request.requestId, sourceId);
  };
  // Arrow keys move focus through the sources, in reading order, as in a grid.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step || !grid.current) return;
    const buttons = [...grid.current.querySelectorAll<HTMLButtonElement>('button')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(index + step + buttons.length) % buttons.length];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
  const screens = request.sources.filter((source) => source.kind === 'screen');
  const windows = request.sources.filter((source) => source.kind === 'window');

  return (
    <Dialog.Root open onOpenChange={(open) => !open && answer(null)}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog screen-share-picker" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">Share your screen</Dialog.Title>
          </div>
          <div className="dialog-body">
            <div className="share-sources" ref={grid} onKeyDown={onKeyDown}>
              {[
                { label: 'Screens', sources: screens },
                { label: 'Windows', sources: windows },
              ].map(
                (group) =>
                  group.sources.length > 0 && (
                    <section key={group.label} aria-label={group.label}>
                      <h3 className="share-group-title">{group.label}</h3>
                      <ul className="share-grid">
                        {group.sources.map((source) => (
                          <li key={source.id}>
                            <button
                              type="button"
                              className="share-source"
                              data-source-id={source.id}
                              onClick={() => answer(source.id)}
                            >
                              {source.thumbnail ? (
                                <img className="share-thumbnail" src={source.thumbnail} alt="" />
                              ) : (
                                <span className="share-thumbnail share-thumbnail-none" aria-hidden="true">
                                  {source.kind === 'screen' ? <Monitor size={32} /> : <AppWindow size={32} />}
                                </span>
                              )}
                              <span className="share-title">{source.title}</span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    </section>
                  ),
              )}
            </div>
            <div className="dialog-footer dialog-footer-end">
              <Dialog.Close className="button">Cancel</Dialog.Close>
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
