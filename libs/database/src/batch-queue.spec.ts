import { BatchQueue } from './batch-queue';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets a few turns of the event loop pass (runs start on setImmediate). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise((r) => setImmediate(r));
}

describe('BatchQueue', () => {
  it('hands the items of one turn to one run and gives each caller its own result', async () => {
    const runs: number[][] = [];
    const sizes: number[] = [];
    const queue = new BatchQueue<number, string>(async (items) => {
      runs.push(items);
      return items.map((n) => `#${n}`);
    }, { maxBatchSize: 100, maxConcurrentBatches: 2, onRun: (size) => sizes.push(size) });
    const results = await Promise.all([1, 2, 3].map((n) => queue.push(n)));
    expect(results).toEqual(['#1', '#2', '#3']);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(sizes).toEqual([3]);
  });

  it('collects the items that arrive while the runs are busy into the next run, within the batch size', async () => {
    const gates: { resolve: (v: void) => void }[] = [];
    const runs: number[][] = [];
    const queue = new BatchQueue<number, number>(async (items) => {
      runs.push(items);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      return items.map((n) => n * 10);
    }, { maxBatchSize: 3, maxConcurrentBatches: 1 });
    const first = queue.push(1);
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((n) => queue.push(n));
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(1); // the only run slot is busy
    expect(queue.backlog).toBe(4);
    gates[0]!.resolve();
    await turns();
    expect(runs[1]).toEqual([2, 3, 4]);
    expect(runs).toHaveLength(2);
    gates[1]!.resolve();
    await turns();
    expect(runs[2]).toEqual([5]);
    gates[2]!.resolve();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
  });

  it('rejects every item of a failed run and keeps serving later ones', async () => {
    let fail = true;
    const queue = new BatchQueue<number, number>(async (items) => {
      if (fail) throw new Error('boom');
      return items;
    }, { maxBatchSize: 10, maxConcurrentBatches: 1 });
    const failed = await Promise.allSettled([queue.push(1), queue.push(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await queue.push(3)).toBe(3);
  });

  it('rejects when a run returns the wrong number of results', async () => {
    const queue = new BatchQueue<number, number>(async () => [1], { maxBatchSize: 10, maxConcurrentBatches: 1 });
    await expect(Promise.all([queue.push(1), queue.push(2)])).rejects.toThrow('returned 1 results for 2 items');
  });
});
