/**
 * File logs for support: one line per entry in `<logs>/main.log`, rotated by size
 * (main.log → main.1.log → … → main.<keep>.log, the oldest dropped). A tiny writer instead of
 * electron-log: Parley logs little, and this keeps the bundle free of another dependency
 * that patches console and IPC. Writes are synchronous and failures are swallowed: logging
 * must never take the app down (a full disk, a removed folder).
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FileLogOptions {
  dir: string;
  /** Rotate when main.log would pass this many bytes. */
  maxBytes?: number;
  /** Rotated files kept besides main.log. */
  keep?: number;
  now?: () => Date;
}

export type LogLevel = 'info' | 'warn' | 'error';

export class FileLog {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private size = -1;

  constructor(private readonly options: FileLogOptions) {
    this.file = join(options.dir, 'main.log');
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.keep = options.keep ?? 3;
    this.now = options.now ?? (() => new Date());
  }

  write(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    const line = `${this.now().toISOString()} ${level.toUpperCase()} ${message}${
      context && Object.keys(context).length > 0 ? ` ${safeJson(context)}` : ''
    }\n`;
    try {
      if (this.size < 0) {
        mkdirSync(this.options.dir, { recursive: true });
        this.size = existsSync(this.file) ? statSync(this.file).size : 0;
      }
      const bytes = Buffer.byteLength(line);
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.file, line);
      this.size += bytes;
    } catch {
      // See the file comment: never fail because of logging.
    }
  }

  private rotate(): void {
    const rotated = (n: number) => join(this.options.dir, `main.${n}.log`);
    rmSync(rotated(this.keep), { force: true });
    for (let n = this.keep - 1; n >= 1; n--)
      if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    renameSync(this.file, rotated(1));
    this.size = 0;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '"[unserialisable]"';
  }
}
