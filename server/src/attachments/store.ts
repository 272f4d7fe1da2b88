import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A byte range, inclusive at both ends (as HTTP's Range header counts). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachment bytes live. Keys are server-made (`[a-z0-9.-]`), never user input.
 * Local disk is the default; an S3-compatible store is the obvious second implementation
 * (put = PutObject of the file, get = GetObject with a Range header, delete = DeleteObject;
 * with several nodes every node then sees every file, which local disk only gives on a
 * shared volume).
 */
export interface AttachmentStore {
  /** Takes ownership of a finished local temporary file and stores it under `key`. */
  put(key: string, tempFile: string): Promise<void>;
  /** The bytes (or a range of them); `undefined` if there is no such key. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Removes the key; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A directory for uploads in progress, on the same file system as `put` needs. */
  readonly tempDir: string;
}

/** `DATA_DIR/attachments/<first two characters>/<key>`: no directory grows without bound. */
export class LocalDiskStore implements AttachmentStore {
  readonly tempDir: string;

  constructor(private readonly root: string) {
    this.tempDir = join(root, 'tmp');
  }

  /** Creates the directories; call once before use. */
  async init(): Promise<this> {
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    return this;
  }

  private path(key: string): string {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(key)) throw new Error(`bad attachment key ${key}`);
    return join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, tempFile: string): Promise<void> {
    const target = this.path(key);
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    try {
      await rename(tempFile, target);
    } catch (err) {
      // A temp dir on another device (a bind mount): copy, then drop the original.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(tempFile, target);
      await rm(tempFile, { force: true });
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const path = this.path(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
