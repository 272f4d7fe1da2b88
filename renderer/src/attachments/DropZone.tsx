import { useRef, useState, type DragEvent } from 'react';
import { Upload } from 'lucide-react';
import { t } from '../i18n';

const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/** Drag and drop of files onto the chat: `active` while files hover over it. */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [active, setActive] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when it really left.
  const depth = useRef(0);
  return {
    active,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setActive(true);
      },
      onDragOver(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave(e: DragEvent) {
        if (!hasFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setActive(false);
      },
      onDrop(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setActive(false);
        const files = [...e.dataTransfer.files];
        if (files.length > 0) onFiles(files);
      },
    },
  };
}

/** The overlay shown while files are dragged over the chat. */
export function DropZone() {
  return (
    <div className="drop-zone" data-testid="drop-zone" aria-hidden="true">
      <div className="drop-zone-inner">
        <Upload size={28} />
        <span>{t('attachments.drop')}</span>
      </div>
    </div>
  );
}
