import type { HostResult, ImageFile } from '@parley/shared';
import { t } from '../i18n';

const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** The most a picture may weigh before it is sent (the host refuses more too). */
export const PICTURE_MAX_BYTES = 10 * 1024 * 1024;

/** A picked file as the host takes it (bytes), or why it cannot be a picture. */
export async function readImageFile(file: File): Promise<HostResult<ImageFile>> {
  if (!TYPES.includes(file.type)) {
    return { ok: false, error: t('settings.pictureType'), code: 'unsupported_media_type' };
  }
  if (file.size > PICTURE_MAX_BYTES) {
    return { ok: false, error: t('settings.pictureTooLarge'), code: 'too_large' };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { ok: true, value: { name: file.name, type: file.type, bytes } };
}
