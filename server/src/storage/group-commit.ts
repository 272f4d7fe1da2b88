/**
 * Group commit: writes that arrive while a commit is in flight are gathered and committed
 * together in the next single transaction, so a burst costs one durable commit (one fsync)
 * instead of one per write, without weakening what a commit means.
 *
 * Why here and not in the caller: with SQLite (better-sqlite3) every statement, COMMIT and
 * its fsync included, runs synchronously on the event loop. At synchronous=FULL a commit
 * costs 1 to 5 ms of fsync on this class of disk, so one transaction per message caps the
 * whole server (sockets included) at a few hundred messages per second at best, and far
 * fewer once the loop is also busy with fan-out. Batching keeps synchronous=FULL (an
 * acknowledged message survives power loss) and moves the cost per message to the
 * statements themselves.
 *
 * How a batch forms: the first write schedules a flush with `setImmediate`, which runs after
 * the event loop's poll phase, so every socket packet read in the same loop turn (and, with
 * a synchronous driver, everything that arrived while the previous batch blocked the loop)
 * joins it. Each item gets its own outcome: `runBatch` reports per item, and only a failure
 * of the transaction as a whole (BEGIN/COMMIT, the disk) fails every item of that batch.
 */

/** What `runBatch` reports for one item: its value, or the error that item alone gets. */
export type ItemOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface GroupCommitOptions<I, O> {
  /**
   * Runs one batch in one transaction and reports each item's outcome, in order. Resolves
   * only after the transaction committed; rejects if the transaction as a whole failed
   * (then nothing of the batch is stored and every item gets that error).
   */
  runBatch(items: readonly I[]): Promise<ItemOutcome<O>[]>;
  /** Largest batch; a longer queue is split, so one transaction stays short. */
  maxBatch: number;
  /**
   * Batches allowed in flight at once. 1 for SQLite (a single writer anyway); more for a
   * server database whose pool can commit several transactions in parallel.
   */
  concurrency: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitQueue<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Batches run and items submitted so far (tests use these to see batching happen). */
  readonly stats = { batches: 0, items: 0 };

  constructor(private readonly options: GroupCommitOptions<I, O>) {
    if (!(options.maxBatch >= 1) || !(options.concurrency >= 1)) {
      throw new RangeError('maxBatch and concurrency must be at least 1');
    }
  }

  /** Queues one write; resolves with its own result once its batch has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.stats.items++;
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or being committed (for a clean shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.options.concurrency && this.queue.length > 0) {
        void this.runOne(this.queue.splice(0, this.options.maxBatch));
      }
    });
  }

  private async runOne(batch: Pending<I, O>[]): Promise<void> {
    this.running++;
    this.stats.batches++;
    try {
      let outcomes: ItemOutcome<O>[];
      try {
        outcomes = await this.options.runBatch(batch.map((p) => p.item));
      } catch (err) {
        for (const p of batch) p.reject(err);
        return;
      }
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (!outcome) p.reject(new Error('group commit: no outcome reported for an item'));
        else if (outcome.ok) p.resolve(outcome.value);
        else p.reject(outcome.error);
      });
    } finally {
      this.running--;
      // Whatever queued while this batch committed becomes the next batch.
      this.schedule();
      if (this.queue.length === 0 && this.running === 0) {
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    }
  }
}
