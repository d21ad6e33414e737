/**
 * The job slots of a worker that serves several shards: one worker per shard, each with as many
 * slots as the whole worker (so any shard can use all of them when the others are idle), drawing
 * from one budget so no more than `concurrency` jobs run at once in total.
 *
 * A worker asks before each work-cycle call and gets back what it did not use; a worker that got
 * fewer slots than it wanted is woken when slots come back, so it never sleeps through freed
 * capacity. A worker that found its queues empty is not woken (it waits for jobs as usual), so
 * idle shards do not take turns polling while another shard is busy.
 */
export class SlotBudget {
  #free: number;
  readonly #starved = new Set<() => void>();

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Slots free now. */
  get free(): number {
    return this.#free;
  }

  /** Takes up to `wanted` slots; `wake` is called when slots come back if fewer were granted. */
  take(wanted: number, wake: () => void): number {
    const granted = Math.min(wanted, this.#free);
    this.#free -= granted;
    if (granted < wanted) this.#starved.add(wake);
    else this.#starved.delete(wake);
    return granted;
  }

  /** Returns slots (a job ended, or a call reserved fewer jobs than slots it took). */
  giveBack(count: number): void {
    if (count <= 0) return;
    this.#free += count;
    const waiting = [...this.#starved];
    this.#starved.clear();
    for (const wake of waiting) wake();
  }
}
