import { forwardRef, memo, useContext, useRef, useState } from 'react';
import { ConversationImagesContext } from './conversation-images';
import { Download, FileText, ImageOff } from 'lucide-react';
import type { Attachment } from '@parley/shared';
import { useHost } from '../store/hooks';
import { showToast } from '../lib/toast';
import { t } from '../i18n';
import { downloadAttachment, useAttachmentUrl } from './attachment-urls';
import { formatSize, isImage, thumbnailBox } from './files';
import { LazyBoundary, lazyNamed, useOpenedOnce } from '../components/Lazy';

const ImageViewer = lazyNamed(() => import('./ImageViewer'), 'ImageViewer');

const Thumbnail = forwardRef<HTMLButtonElement, { attachment: Attachment; onOpen: () => void }>(
  function Thumbnail({ attachment, onOpen }, ref) {
    const host = useHost();
    // Images the server could not preview show full size (small ones have no thumbnail).
    const { url, error } = useAttachmentUrl(
      host,
      attachment.id,
      attachment.hasThumbnail ? 'thumbnail' : 'full',
    );
    const box = thumbnailBox(attachment.width, attachment.height);
    return (
      <button
        ref={ref}
        type="button"
        className="attachment-image"
        style={{ width: box.width, height: box.height }}
        onClick={onOpen}
        aria-label={t('attachments.openImage', { name: attachment.name })}
        data-testid="attachment-image"
      >
        {url ? (
          <img src={url} alt={attachment.name} width={box.width} height={box.height} draggable={false} />
        ) : error ? (
          <ImageOff size={24} aria-label={t('attachments.imageFailed')} />
        ) : (
          <span className="attachment-image-loading" aria-hidden="true" />
        )}
      </button>
    );
  },
);

function FileCard({ attachment }: { attachment: Attachment }) {
  const host = useHost();
  const [busy, setBusy] = useState(false);
  return (
    <div className="attachment-file" data-testid="attachment-file">
      <span className="attachment-file-icon" aria-hidden="true">
        <FileText size={22} />
      </span>
      <span className="attachment-file-text">
        <span className="attachment-file-name" title={attachment.name}>
          {attachment.name}
        </span>
        <span className="attachment-file-size">{formatSize(attachment.size)}</span>
      </span>
      <button
        type="button"
        className="icon-button icon-button-ghost attachment-file-download"
        aria-label={t('attachments.download', { name: attachment.name })}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void downloadAttachment(host, attachment.id, attachment.name).then((error) => {
            setBusy(false);
            if (error) showToast(t('attachments.couldNotDownload', { name: attachment.name, error }));
          });
        }}
      >
        <Download size={18} />
      </button>
    </div>
  );
}

/** A message's files: images as thumbnails (opening the viewer), other files as cards. */
export const MessageAttachments = memo(function MessageAttachments({
  attachments,
}: {
  attachments: readonly Attachment[];
}) {
  const images = attachments.filter((a) => isImage(a.contentType));
  const others = attachments.filter((a) => !isImage(a.contentType));
  // ←/→ go through the conversation's images when the list provides them, else this message's.
  const all = useContext(ConversationImagesContext);
  const viewerImages = all && images.every((a) => all.some((b) => b.id === a.id)) ? all : images;
  const [open, setOpen] = useState<number | null>(null);
  const viewerMounted = useOpenedOnce(open !== null);
  const [shown, setShown] = useState(0);
  const indexOf = (id: string) =>
    Math.max(
      0,
      viewerImages.findIndex((a) => a.id === id),
    );
  const thumbs = useRef<(HTMLButtonElement | null)[]>([]);
  /** The image opened from this message (focus falls back to it on close). */
  const shownFrom = useRef(0);
  return (
    <div className="attachments">
      {images.length > 0 && (
        <div className={`attachment-images${images.length > 1 ? ' several' : ''}`}>
          {images.map((a, i) => (
            <Thumbnail
              key={a.id}
              ref={(el) => {
                thumbs.current[i] = el;
              }}
              attachment={a}
              onOpen={() => {
                shownFrom.current = indexOf(a.id);
                setOpen(shownFrom.current);
                setShown(shownFrom.current);
              }}
            />
          ))}
        </div>
      )}
      {others.map((a) => (
        <FileCard key={a.id} attachment={a} />
      ))}
      {images.length > 0 && viewerMounted && (
        <LazyBoundary label={t('attachments.loadingViewer')}>
          <ImageViewer
            open={open !== null}
            images={viewerImages}
            index={open ?? shown}
            onIndexChange={(i) => {
              setOpen(i);
              setShown(i);
            }}
            onClose={() => setOpen(null)}
            returnFocus={(i) => {
              // Back to the image last shown if it is one of this message's, else the one opened.
              const local = images.findIndex((a) => a.id === viewerImages[i]?.id);
              const opened = images.findIndex((a) => a.id === viewerImages[shownFrom.current]?.id);
              thumbs.current[local >= 0 ? local : Math.max(0, opened)]?.focus();
            }}
          />
        </LazyBoundary>
      )}
    </div>
  );
});
