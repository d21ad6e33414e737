/**
 * The job slots of a worker that serves several shards: one worker per shard, each with as many
 * slots as the whole worker, drawing on one budget so no more than `concurrency` jobs run at once
 * in total.
 *
 * Shards with a backlog share the budget evenly (each may hold size / busy-shards slots), so
 * their work cycles run side by side instead of one shard taking every slot and the others
 * waiting for its call to return; a shard whose queues run dry drops out of the share until it
 * asks again, so a single busy shard gets the whole budget. A worker that got fewer slots than
 * its share allowed (others held them) is woken when slots come back; a worker that found its
 * queues empty is not (it waits for jobs as usual), so idle shards do not take turns polling.
 */
export class SlotBudget {
  #free: number;
  /** Workers whose queues had jobs at their last call (or that are asking now). */
  readonly #busy = new Set<() => void>();
  readonly #starved = new Set<() => void>();

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Slots free now. */
  get free(): number {
    return this.#free;
  }

  /**
   * Takes up to `wanted` slots for the worker identified by its `wake` function, which holds
   * `holding` slots already; `wake` is called when slots come back if the share was not met.
   */
  take(wake: () => void, wanted: number, holding: number): number {
    this.#busy.add(wake);
    const share = Math.ceil(this.size / this.#busy.size);
    const allowed = Math.max(0, Math.min(wanted, share - holding));
    const granted = Math.min(allowed, this.#free);
    this.#free -= granted;
    if (granted < allowed) this.#starved.add(wake);
    else this.#starved.delete(wake);
    return granted;
  }

  /** After a work cycle: returns the slots it did not fill; a worker that filled fewer than it took has run dry. */
  settle(wake: () => void, granted: number, reserved: number): void {
    if (granted > 0 && reserved < granted) this.#busy.delete(wake);
    this.giveBack(granted - reserved);
  }

  /** Returns slots (a job ended, or a call failed). */
  giveBack(count: number): void {
    if (count <= 0) return;
    this.#free += count;
    if (this.#starved.size === 0) return;
    const waiting = [...this.#starved];
    this.#starved.clear();
    for (const wake of waiting) wake();
  }
}
