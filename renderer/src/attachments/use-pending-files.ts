import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ATTACHMENTS_PER_MESSAGE_MAX, type Attachment, type ParleyHost } from '@parley/shared';
import { formatSize, isImage } from './files';
import { errorText, t } from '../i18n';

/** A file chosen for the next message: uploading, uploaded, or refused (with why). */
export interface PendingFile {
  /** Also the upload id the host knows it by. */
  id: string;
  name: string;
  size: number;
  type: string;
  /** A local preview of an image (revoked when the file leaves the tray). */
  previewUrl: string | null;
  status: 'uploading' | 'done' | 'error';
  loaded: number;
  error: string | null;
  attachment: Attachment | null;
}

export interface PendingFiles {
  items: PendingFile[];
  add(files: readonly File[]): void;
  /** Cancels the upload if it still runs, and drops the file. */
  remove(id: string): void;
  /** Empties the tray (after sending). */
  clear(): void;
  /** Attachment ids of the uploaded files, in the order they were added. */
  readyIds: string[];
  uploading: boolean;
}

interface Limits {
  maxAttachmentBytes?: number;
  maxAttachments?: number;
}

let counter = 0;

/** Why the server refused a file, in words for the tray. */
function refusal(code: string | undefined, error: string, limits: Limits): string {
  if (code === 'too_large')
    return limits.maxAttachmentBytes
      ? t('attachments.tooLarge', { max: formatSize(limits.maxAttachmentBytes) })
      : t('attachments.tooLargeForServer');
  if (code === 'unsupported_media_type')
    return t('attachments.refused', { error: errorText({ code, error }) });
  return errorText({ code, error });
}

/**
 * The files of the message being written, per conversation view: each upload starts as soon
 * as the file is added (so sending is quick), with its progress from the host's events.
 */
export function usePendingFiles(host: ParleyHost, limits: Limits): PendingFiles {
  const [items, setItems] = useState<PendingFile[]>([]);
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  }, [items]);
  const patch = useCallback((id: string, change: Partial<PendingFile>) => {
    setItems((list) => list.map((f) => (f.id === id ? { ...f, ...change } : f)));
  }, []);

  useEffect(
    () =>
      host.attachments.onUploadProgress(({ uploadId, loaded }) => {
        if (itemsRef.current.some((f) => f.id === uploadId && f.status === 'uploading'))
          patch(uploadId, { loaded });
      }),
    [host, patch],
  );

  // Leaving the conversation cancels what still uploads and frees the previews.
  useEffect(
    () => () => {
      for (const f of itemsRef.current) {
        if (f.status === 'uploading') void host.attachments.cancelUpload(f.id);
        if (f.previewUrl) URL.revokeObjectURL(f.previewUrl);
      }
    },
    [host],
  );

  const add = useCallback(
    (files: readonly File[]) => {
      const max = limits.maxAttachments ?? ATTACHMENTS_PER_MESSAGE_MAX;
      const room = Math.max(0, max - itemsRef.current.length);
      const added: PendingFile[] = files.map((file, i) => {
        const id = `up-${Date.now().toString(36)}-${++counter}`;
        const base = {
          id,
          name: file.name || 'file',
          size: file.size,
          type: file.type,
          previewUrl: null,
          loaded: 0,
          attachment: null,
        };
        const error =
          i >= room
            ? t('attachments.tooMany', { count: max })
            : file.size === 0
              ? t('attachments.empty')
              : limits.maxAttachmentBytes !== undefined && file.size > limits.maxAttachmentBytes
                ? t('attachments.tooLarge', { max: formatSize(limits.maxAttachmentBytes) })
                : null;
        if (error) return { ...base, status: 'error', error };
        return {
          ...base,
          previewUrl: isImage(file.type) ? URL.createObjectURL(file) : null,
          status: 'uploading',
          error: null,
        };
      });
      setItems((list) => [...list, ...added]);
      added.forEach((item, i) => {
        if (item.status !== 'uploading') return;
        const file = files[i]!;
        void file
          .arrayBuffer()
          .then((bytes) => host.attachments.upload(item.id, { name: item.name, type: file.type, bytes }))
          .then((r) => {
            if (r.ok) patch(item.id, { status: 'done', loaded: item.size, attachment: r.value });
            else if (r.code !== 'cancelled')
              patch(item.id, { status: 'error', error: refusal(r.code, r.error, limits) });
          })
          .catch((error: unknown) => patch(item.id, { status: 'error', error: String(error) }));
      });
    },
    [host, limits, patch],
  );

  const remove = useCallback(
    (id: string) => {
      const item = itemsRef.current.find((f) => f.id === id);
      if (!item) return;
      if (item.status === 'uploading') void host.attachments.cancelUpload(id);
      if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
      setItems((list) => list.filter((f) => f.id !== id));
    },
    [host],
  );

  const clear = useCallback(() => {
    for (const f of itemsRef.current) if (f.previewUrl) URL.revokeObjectURL(f.previewUrl);
    setItems([]);
  }, []);

  return useMemo(
    () => ({
      items,
      add,
      remove,
      clear,
      readyIds: items.flatMap((f) => (f.status === 'done' && f.attachment ? [f.attachment.id] : [])),
      uploading: items.some((f) => f.status === 'uploading'),
    }),
    [items, add, remove, clear],
  );
}
