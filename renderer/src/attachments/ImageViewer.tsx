import { useState, type KeyboardEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { ChevronLeft, ChevronRight, Download, X } from 'lucide-react';
import type { Attachment } from '@parley/shared';
import { useHost } from '../store/hooks';
import { showToast } from '../lib/toast';
import { t } from '../i18n';
import { downloadAttachment, useAttachmentUrl } from './attachment-urls';
import { formatSize } from './files';

interface ImageViewerProps {
  open: boolean;
  images: readonly Attachment[];
  index: number;
  onIndexChange: (index: number) => void;
  onClose: () => void;
  /** Where focus goes back to on close (the thumbnail of the image last shown). */
  returnFocus: (index: number) => void;
}

/**
 * The full-size viewer: a Radix dialog (focus trapped inside, given back on close, Esc
 * closes), ←/→ move between the images of the message, and a download button.
 */
export function ImageViewer({ open, images, index, onIndexChange, onClose, returnFocus }: ImageViewerProps) {
  const host = useHost();
  const image = images[index];
  const { url, error } = useAttachmentUrl(host, open ? (image?.id ?? null) : null, 'full');
  const [downloading, setDownloading] = useState(false);
  if (!image) return null;
  const count = images.length;
  const go = (step: number) => onIndexChange((index + step + count) % count);
  const onKeyDown = (e: KeyboardEvent) => {
    if (count < 2) return;
    if (e.key === 'ArrowRight') {
      e.preventDefault();
      go(1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      go(-1);
    }
  };
  return (
    <Dialog.Root open={open} onOpenChange={(next) => !next && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="viewer-overlay" />
        <Dialog.Content
          className="viewer"
          onKeyDown={onKeyDown}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            returnFocus(index);
          }}
          data-testid="image-viewer"
        >
          <div className="viewer-bar">
            <div className="viewer-title">
              <Dialog.Title className="viewer-name">{image.name}</Dialog.Title>
              <Dialog.Description className="viewer-meta">
                {count > 1 ? `${t('attachments.position', { index: index + 1, count })} · ` : ''}
                {image.width && image.height ? `${image.width}×${image.height} · ` : ''}
                {formatSize(image.size)}
              </Dialog.Description>
            </div>
            <button
              type="button"
              className="icon-button icon-button-ghost"
              aria-label={t('attachments.download', { name: image.name })}
              disabled={downloading}
              onClick={() => {
                setDownloading(true);
                void downloadAttachment(host, image.id, image.name).then((e) => {
                  setDownloading(false);
                  if (e) showToast(t('attachments.couldNotDownload', { name: image.name, error: e }));
                });
              }}
            >
              <Download size={20} />
            </button>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('attachments.closeViewer')}>
              <X size={20} />
            </Dialog.Close>
          </div>
          <div className="viewer-stage">
            {count > 1 && (
              <button
                type="button"
                className="viewer-nav prev"
                aria-label={t('attachments.previous')}
                onClick={() => go(-1)}
              >
                <ChevronLeft size={28} />
              </button>
            )}
            {url ? (
              <img className="viewer-image" src={url} alt={image.name} data-testid="viewer-image" />
            ) : (
              <div className="viewer-status" role="status">
                {error ? t('attachments.imageFailedWith', { error }) : t('common.loading')}
              </div>
            )}
            {count > 1 && (
              <button
                type="button"
                className="viewer-nav next"
                aria-label={t('attachments.next')}
                onClick={() => go(1)}
              >
                <ChevronRight size={28} />
              </button>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
