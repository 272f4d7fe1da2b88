import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { ConversationWrite, Outcome } from './conversation-writes.js';
import type { ItemOutcome } from './group-commit.js';
import {
  fromWireError,
  fromWireOutcome,
  type CrashPoint,
  type FromWriter,
  type ToWriter,
  type WriterData,
} from './sqlite-writer-protocol.js';

/** This many writer crashes within `CRASH_WINDOW_MS` and the writer stays down (fail closed). */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

interface Waiting {
  resolve: (outcomes: ItemOutcome<Outcome>[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The SQLite writer thread, seen from the main thread: every write that changes a
 * conversation (new messages, edits, deletes, reactions, membership changes; the
 * group-commit queue's batches) runs there, on a connection of its own
 * (sqlite-writer-worker.ts). Issue 14's profile had SQLite's COMMIT, nearly all of it the
 * fsync of synchronous=FULL, at half of the busy event loop under fan-out; here the loop
 * only sends the batch and receives the answers.
 *
 * What does not change:
 * - An answer (and so an ack) comes only after the writer's COMMIT returned: durable.
 * - Reads stay on the main connection; in WAL mode each read sees everything committed
 *   before it started, so a message is readable once it is acknowledged.
 * - Seqs and versions are handed out inside the writer's transactions, one batch at a time,
 *   as before. The few other writes (accounts, sessions, read positions, new conversations)
 *   stay on the main connection and take turns with the writer at SQLite's write lock
 *   (BEGIN IMMEDIATE, busy_timeout); none of them touches seq or version.
 *
 * If the thread dies (a crash, a native fault), the batch it was running is answered
 * `unavailable`: it may or may not have committed, and the client's retry with the same
 * clientId is answered with the stored message either way, so no acknowledged message is
 * lost and none is stored twice. The next batch starts a new thread. After MAX_CRASHES
 * within CRASH_WINDOW_MS it stops trying: every write is answered `unavailable` (reads go
 * on) until the server restarts, and `onError` says why.
 */
export class SqliteWriter {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  /** Rejects `ready` if the thread ends before its connection opened. */
  private failReady: (err: unknown) => void = () => undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private crashes: number[] = [];
  private broken: Error | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly onError: (err: unknown, fatal: boolean) => void = () => undefined,
  ) {}

  /** Starts the thread and waits until its connection is open (so a bad file fails the boot). */
  async start(): Promise<void> {
    this.spawn();
    await this.ready;
  }

  /** Runs one batch in the writer; resolves after its COMMIT, with each item's outcome. */
  async run(items: readonly ConversationWrite[]): Promise<ItemOutcome<Outcome>[]> {
    if (this.closed) throw new AppError('unavailable', 'The server is shutting down');
    if (this.broken) throw this.broken;
    if (!this.worker) this.spawn();
    const worker = this.worker!;
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Only a thread with work holds the process open.
      if (this.waiting.size === 1) worker.ref();
      this.post(worker, { type: 'batch', id, items });
    });
  }

  /**
   * For tests: the writer kills its own thread at this point of its next batch (before its
   * COMMIT: nothing of it stored; after: stored, never answered).
   */
  crashNextBatch(at: CrashPoint): void {
    if (!this.worker) this.spawn();
    this.post(this.worker!, { type: 'crash', at });
  }

  /**
   * After the last batch (the group-commit queue drains first): the writer finishes what it
   * has, closes its connection (a clean WAL checkpoint) and ends.
   */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    this.post(worker, { type: 'close' });
    await exited;
  }

  private spawn(): void {
    const { url, execArgv } = workerEntry();
    const worker = new Worker(url, {
      workerData: { file: this.file } satisfies WriterData,
      ...(execArgv ? { execArgv } : {}),
    });
    this.worker = worker;
    let markReady!: () => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      this.failReady = reject;
    });
    // A failed start is reported to whoever awaits `ready`, not as an unhandled rejection.
    this.ready.catch(() => undefined);
    worker.on('message', (message: FromWriter) => {
      switch (message.type) {
        case 'ready':
          markReady();
          if (this.waiting.size === 0) worker.unref();
          return;
        case 'open-failed':
          this.failReady(fromWireError(message.error));
          return;
        case 'done':
          this.settle(message.id)?.resolve(message.outcomes.map(fromWireOutcome));
          return;
        case 'failed':
          this.settle(message.id)?.reject(fromWireError(message.error));
          return;
      }
    });
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) =>
      this.lost(worker, new Error(`the SQLite writer thread exited (code ${code})`)),
    );
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    return waiting;
  }

  /** The thread is gone ('error' and then 'exit' both come here; the first one counts). */
  private lost(worker: Worker, cause: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failReady(cause);
    const expected = this.closed && this.waiting.size === 0;
    if (expected) return;
    const answer = new AppError(
      'unavailable',
      'The server could not confirm this write; retry it (a retry with the same clientId is safe)',
    );
    for (const waiting of this.waiting.values()) waiting.reject(answer);
    this.waiting.clear();
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const fatal = this.crashes.length >= MAX_CRASHES;
    if (fatal) {
      this.broken = new AppError(
        'unavailable',
        'Message storage is failing on this server; nothing can be sent until it is restarted',
      );
    }
    this.onError(cause, fatal);
  }

  private post(worker: Worker, message: ToWriter): void {
    worker.postMessage(message);
  }
}

/**
 * Where the writer thread's code is. Built (dist/bin.js): dist/sqlite-writer-worker.js,
 * bundled next to it by server/build.mjs. From source (tsx, vitest): the .ts file, loaded
 * through tsx like the rest of the server.
 */
function workerEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return { url: new URL('./sqlite-writer-worker.js', here) };
  const url = new URL('./sqlite-writer-worker.ts', here);
  if (process.execArgv.some((arg) => /tsx/.test(arg))) return { url };
  const tsx = createRequire(here).resolve('tsx');
  return { url, execArgv: [...process.execArgv, '--import', pathToFileURL(tsx).href] };
}
