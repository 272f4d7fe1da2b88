import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as Dialog from '@radix-ui/react-dialog';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { MonitorCog, X } from 'lucide-react';
import type { DesktopSettings as Settings, HostResult, ParleyHost } from '@parley/shared';
import { useHost } from '../store/hooks';
import { errorText, t } from '../i18n';
import './desktop-settings.css';

type DesktopApi = NonNullable<ParleyHost['desktop']>;

const SWITCHES = [
  'openAtLogin',
  'startMinimized',
  'closeToTray',
  'notificationSound',
  // Off for managed installs: no update checks at all (electron/README.md, "Updates").
  'updatesEnabled',
] as const satisfies readonly (keyof Settings)[];

/** The Desktop section of the settings: what only the desktop host has. */
export function DesktopSettings({ api }: { api: DesktopApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [languages, setLanguages] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.getSettings().then((r) => r.ok && setSettings(r.value));
    void api.availableSpellCheckLanguages().then((r) => r.ok && setLanguages(r.value));
  }, [api]);

  const apply = (result: HostResult<Settings>) => {
    if (result.ok) {
      setSettings(result.value);
      setError(null);
    } else setError(errorText(result));
  };
  // Shown at once (a checkbox must not lag the click); the host's answer is the truth, and a
  // refusal puts back what the host has.
  const update = (patch: Partial<Settings>) => {
    setSettings((current) => (current ? { ...current, ...patch } : current));
    void api.updateSettings(patch).then((result) => {
      apply(result);
      if (!result.ok) void api.getSettings().then((r) => r.ok && setSettings(r.value));
    });
  };

  if (!settings) return <p className="muted">{t('common.loading')}</p>;
  return (
    <div className="desktop-settings">
      {SWITCHES.map((key) => (
        <label key={key} className="desktop-setting">
          <input
            type="checkbox"
            checked={settings[key] === true}
            onChange={(e) => update({ [key]: e.target.checked })}
          />
          <span>{t(`desktop.switches.${key}`)}</span>
        </label>
      ))}
      {languages.length > 0 && (
        <fieldset className="desktop-setting-group">
          <legend className="field-label">{t('desktop.spellCheck')}</legend>
          {languages.map((tag) => (
            <label key={tag} className="desktop-setting">
              <input
                type="checkbox"
                checked={settings.spellCheckLanguages.includes(tag)}
                onChange={(e) =>
                  update({
                    spellCheckLanguages: e.target.checked
                      ? [...settings.spellCheckLanguages, tag]
                      : settings.spellCheckLanguages.filter((x) => x !== tag),
                  })
                }
              />
              <span>{tag}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div className="desktop-setting-group">
        <span className="field-label">{t('desktop.downloadFolder')}</span>
        <span className="desktop-setting">
          <span data-testid="download-folder">
            {settings.downloadFolder ?? t('desktop.defaultDownloadFolder')}
          </span>{' '}
          <button
            type="button"
            className="button"
            onClick={() => void api.chooseDownloadFolder().then(apply)}
          >
            {t('desktop.choose')}
          </button>
        </span>
      </div>
      <p className="muted">{t('desktop.zoomHint')}</p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** The dialog around the section; rendered in a root of its own so a closing menu keeps it. */
function DesktopSettingsDialog({ api, onClose }: { api: DesktopApi; onClose: () => void }) {
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('desktop.title')}</Dialog.Title>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('common.close')}>
              <X size={18} />
            </Dialog.Close>
          </div>
          <div className="dialog-body">
            <DesktopSettings api={api} />
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function openDesktopSettings(api: DesktopApi): void {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const close = () => {
    root.unmount();
    container.remove();
  };
  root.render(<DesktopSettingsDialog api={api} onClose={close} />);
}

/** "Desktop settings…" for the account menu; nothing where the host has no desktop part. */
export function DesktopSettingsMenuItem() {
  const api = useHost().desktop;
  if (!api) return null;
  return (
    <DropdownMenu.Item className="menu-item" onSelect={() => openDesktopSettings(api)}>
      <MonitorCog size={16} aria-hidden="true" />
      {t('desktop.menuItem')}
    </DropdownMenu.Item>
  );
}
