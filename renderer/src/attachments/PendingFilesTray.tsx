import { AlertCircle, FileText, X } from 'lucide-react';
import { formatSize } from './files';
import { t } from '../i18n';
import type { PendingFiles } from './use-pending-files';

/** The files of the message being written, above the text field: preview, progress, remove. */
export function PendingFilesTray({ files }: { files: PendingFiles }) {
  if (files.items.length === 0) return null;
  return (
    <ul className="pending-files" aria-label={t('attachments.tray')} data-testid="pending-files">
      {files.items.map((f) => {
        const percent = f.size > 0 ? Math.round((f.loaded / f.size) * 100) : 0;
        return (
          <li
            key={f.id}
            className={`pending-file ${f.status}`}
            data-testid="pending-file"
            data-status={f.status}
          >
            <span className="pending-file-thumb" aria-hidden="true">
              {/* A refused file may not be the image it claims to be: no preview then. */}
              {f.status === 'error' ? (
                <AlertCircle size={20} />
              ) : f.previewUrl ? (
                <img src={f.previewUrl} alt="" />
              ) : (
                <FileText size={20} />
              )}
            </span>
            <span className="pending-file-text">
              <span className="pending-file-name" title={f.name}>
                {f.name}
              </span>
              {f.status === 'error' ? (
                <span className="pending-file-error" role="alert">
                  {f.error}
                </span>
              ) : (
                <span className="pending-file-size">
                  {f.status === 'uploading'
                    ? t('attachments.progress', { loaded: formatSize(f.loaded), size: formatSize(f.size) })
                    : formatSize(f.size)}
                </span>
              )}
              {f.status === 'uploading' && (
                <progress
                  className="pending-file-progress"
                  max={100}
                  value={percent}
                  aria-label={t('attachments.uploading', { name: f.name })}
                  data-testid="upload-progress"
                />
              )}
            </span>
            <button
              type="button"
              className="icon-button icon-button-ghost pending-file-remove"
              aria-label={
                f.status === 'uploading'
                  ? t('attachments.cancelUpload', { name: f.name })
                  : t('newChat.remove', { name: f.name })
              }
              onClick={() => files.remove(f.id)}
            >
              <X size={16} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
