import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';

/**
 * Image handling shared by attachments and avatars: what a file really is (from its first
 * bytes, never its name or declared type), an image's size, and a small preview. sharp
 * (libvips, prebuilt binaries from npm) does the decoding.
 */

/** The image types that get a size and a thumbnail. SVG is deliberately not one (it is a document). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const isImageType = (type: string | undefined): type is ImageType =>
  (IMAGE_TYPES as readonly string[]).includes(type ?? '');

/** How many leading bytes `sniffType` needs. */
export const SNIFF_BYTES = 4100;

/**
 * The media type the content shows (magic numbers, via file-type), or `undefined` when it
 * has none (plain text, unknown formats).
 */
export async function sniffType(head: Uint8Array): Promise<string | undefined> {
  const mime = (await fileTypeFromBuffer(head))?.mime;
  // An animated PNG is a PNG (browsers label it so, and it shows as one): keep it one.
  return mime === 'image/apng' ? 'image/png' : mime;
}

/**
 * Decoding more pixels than this is refused (a small file can claim a huge canvas: a
 * decompression bomb). 50 megapixels is about 200 MB decoded.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * Width and height as shown (EXIF rotation applied), read from the header without decoding;
 * `undefined` if the file is not a readable image.
 */
export async function imageSize(
  input: string | Buffer,
): Promise<{ width: number; height: number } | undefined> {
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    const width = meta.autoOrient.width;
    const height = meta.autoOrient.height;
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

export interface Thumbnail {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

/**
 * A preview no larger than `maxSize` × `maxSize`, rotated upright, never enlarged: PNG when
 * the image has transparency, else JPEG (both shown by every client). `fit: 'cover'` crops
 * to a square (avatars); `'inside'` keeps the whole picture (attachments). The first frame
 * of an animation. `undefined` when the image cannot be decoded or is too large to decode.
 */
export async function makeThumbnail(
  input: string | Buffer,
  options: { maxSize?: number; fit?: 'inside' | 'cover' } = {},
): Promise<Thumbnail | undefined> {
  const maxSize = options.maxSize ?? 320;
  try {
    const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(maxSize, maxSize, { fit: options.fit ?? 'inside', withoutEnlargement: true });
    const { hasAlpha } = await image.metadata();
    const out = hasAlpha ? image.png() : image.jpeg({ quality: 80, mozjpeg: true });
    const { data, info } = await out.toBuffer({ resolveWithObject: true });
    return {
      data,
      contentType: hasAlpha ? 'image/png' : 'image/jpeg',
      width: info.width,
      height: info.height,
    };
  } catch {
    return undefined;
  }
}
