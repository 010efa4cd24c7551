export interface BatchQueueOptions {
  /** Items handed to one run at most. */
  maxBatchSize: number;
  /** Runs in flight at once; while they are all busy, new items wait and go together in the next run. */
  maxConcurrentBatches: number;
  /** Told the size of every run as it starts (e.g. a histogram of group sizes). */
  onRun?: (size: number) => void;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for the hot path: callers `push` one item each and get its own result, but the items that arrive
 * while earlier runs are in flight (or in the same turn of the event loop) are handed to `run` together, so a
 * burst of N scans costs a few statements, round trips and commits instead of N. Under light load a run starts at
 * the next turn of the event loop with whatever is there, so a lone item waits for nothing.
 *
 * `run` returns one result per item, in the items' order. When it throws, every item of that run is rejected
 * with the error (the caller decides how to isolate a bad item, e.g. by retrying one by one).
 */
export class BatchQueue<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatchQueueOptions,
  ) {
    if (!(options.maxBatchSize >= 1) || !(options.maxConcurrentBatches >= 1)) throw new Error('BatchQueue needs maxBatchSize and maxConcurrentBatches of at least 1');
  }

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a run (not counting those in flight). */
  get backlog(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxConcurrentBatches || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxConcurrentBatches && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatchSize);
      this.inFlight += 1;
      this.options.onRun?.(batch.length);
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async execute(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`BatchQueue run returned ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
