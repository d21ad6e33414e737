/**
 * The job slots of a worker that serves several shards: one worker per shard, each with as many
 * slots as the whole worker, drawing on one budget so no more than `concurrency` jobs run at once
 * in total.
 *
 * A work cycle costs Redis about a dozen commands beyond one per job, so a shard's cycle should
 * carry as many jobs as it can: the slots free at the moment a shard asks go to it whole (first
 * come), rather than a share fixed in advance. Shards take turns: a shard that asks and gets
 * fewer slots than it wanted joins a line, and slots that come back are kept for the shards in
 * that line, in order, before anyone else gets them. A shard keeps its place in the line until it
 * is served, and goes to the back when it is served only in part. Slots that come back are handed
 * over once the jobs that ended in the same turn of the event loop have all returned theirs, so a
 * shard is offered them as one batch rather than one at a time.
 *
 * A shard whose queues run dry leaves the line (it waits for jobs as usual), so idle shards do
 * not hold slots back. A shard that was offered slots and did not come for them within
 * STALE_OFFER_MS (it was paused or is stopping) loses its place, so its slots are not kept from
 * the others.
 */

/** How long slots are kept for a shard that was told they are there and has not come for them. */
const STALE_OFFER_MS = 1000;

interface Waiting {
  /** Slots it still wants. */
  wanted: number;
  /** When it was first told slots were there for it (undefined: not yet). */
  offeredAt: number | undefined;
}

export class SlotBudget {
  #free: number;
  /** Workers (identified by their `wake` function) that wanted more than they got, in turn order. */
  readonly #line = new Map<() => void, Waiting>();
  #handOverPending = false;
  #staleCheck: NodeJS.Timeout | undefined;

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Slots free now. */
  get free(): number {
    return this.#free;
  }

  /** Whether the worker identified by `wake` waits in the line for slots. */
  isWaiting(wake: () => void): boolean {
    return this.#line.has(wake);
  }

  /** How many workers wait for slots. */
  get waiting(): number {
    return this.#line.size;
  }

  /**
   * Takes up to `wanted` slots for the worker identified by its `wake` function: all the free
   * slots not kept for workers ahead of it in the line. `wake` is called when slots are there
   * for it, if it got fewer than it wanted. (`_holding`, the slots it holds already, no longer
   * matters: slots are not shared out in advance.)
   */
  take(wake: () => void, wanted: number, _holding = 0): number {
    const kept = this.#keptAhead(wake);
    const granted = Math.max(0, Math.min(wanted, this.#free - kept));
    this.#free -= granted;
    const place = this.#line.get(wake);
    if (granted >= wanted) {
      this.#line.delete(wake);
    } else if (place && granted === 0) {
      // Not served yet: it keeps its place in the line.
      place.wanted = wanted;
    } else {
      // New in the line, or served in part: to the back, so the others get their turn.
      this.#line.delete(wake);
      this.#line.set(wake, { wanted: wanted - granted, offeredAt: undefined });
    }
    this.#scheduleHandOver();
    return granted;
  }

  /** After a work cycle: returns the slots it did not fill; a worker that filled fewer than it took has run dry. */
  settle(wake: () => void, granted: number, reserved: number): void {
    if (granted > 0 && reserved < granted) this.#line.delete(wake);
    this.giveBack(granted - reserved);
  }

  /** Returns slots (a job ended, or a call failed). */
  giveBack(count: number): void {
    if (count <= 0) return;
    this.#free += count;
    this.#scheduleHandOver();
  }

  /** Slots kept for the workers ahead of this one in the line (all of the line for a worker not in it). */
  #keptAhead(wake: (() => void) | undefined): number {
    const now = Date.now();
    let kept = 0;
    for (const [other, place] of this.#line) {
      if (other === wake) break;
      if (place.offeredAt !== undefined && now - place.offeredAt > STALE_OFFER_MS) {
        this.#line.delete(other);
        continue;
      }
      kept += place.wanted;
    }
    return kept;
  }

  /**
   * Wakes the workers in the line that free slots are there for, after the current turn of the
   * event loop: jobs that end together return their slots one by one, and the batch is offered
   * once they all have.
   */
  #scheduleHandOver(): void {
    if (this.#handOverPending || this.#free === 0 || this.#line.size === 0) return;
    this.#handOverPending = true;
    setImmediate(() => {
      this.#handOverPending = false;
      this.#handOver();
    });
  }

  #handOver(): void {
    this.#keptAhead(undefined); // drops offers nobody came for
    const now = Date.now();
    let left = this.#free;
    let offered = false;
    for (const [wake, place] of this.#line) {
      if (left <= 0) break;
      place.offeredAt ??= now;
      offered = true;
      left -= place.wanted;
      wake();
    }
    // Slots kept for a worker that does not come (paused, stopping) go to the next in line once
    // its offer is stale; nobody else may ask before then, so look again at that time.
    if (offered && this.#staleCheck === undefined) {
      this.#staleCheck = setTimeout(() => {
        this.#staleCheck = undefined;
        this.#scheduleHandOver();
      }, STALE_OFFER_MS + 10);
      this.#staleCheck.unref();
    }
  }
}
