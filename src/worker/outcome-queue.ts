/**
 * The outcomes of finished jobs waiting to be reported in the worker's next work cycle.
 * Requeues go back to the front of their queues one by one, so they are held while interrupted
 * jobs are still settling and then sent together, the job reserved first pushed last — which
 * keeps the queue's original order.
 */
import type { FinishedSlot } from "../redis/stores/worker-store.js";

export class OutcomeQueue {
  readonly #items: FinishedSlot[] = [];
  /** Reservation order of the job behind each requeue outcome. */
  readonly #requeueOrder = new WeakMap<FinishedSlot, number>();

  get length(): number {
    return this.#items.length;
  }

  /** Adds an outcome; `sequence` (the job's reservation order) matters for requeues. */
  push(outcome: FinishedSlot, sequence = 0): void {
    if (outcome.outcome === "requeue") this.#requeueOrder.set(outcome, sequence);
    this.#items.push(outcome);
  }

  /** Moves every outcome (requeues with their order) to `other`, leaving this queue empty. */
  moveTo(other: OutcomeQueue): void {
    for (const outcome of this.#items.splice(0)) other.push(outcome, this.#requeueOrder.get(outcome) ?? 0);
  }

  /** Puts back outcomes a failed call could not report, ahead of newer ones. */
  putBack(outcomes: readonly FinishedSlot[]): void {
    this.#items.unshift(...outcomes);
  }

  /** Takes what can be reported now; requeues stay while `holdRequeues`. */
  take(holdRequeues: boolean): FinishedSlot[] {
    if (!this.#items.some((f) => f.outcome === "requeue")) return this.#items.splice(0);
    const now = this.#items.filter((f) => f.outcome !== "requeue");
    const requeues = this.#items.filter((f) => f.outcome === "requeue");
    this.#items.length = 0;
    if (holdRequeues) {
      this.#items.push(...requeues);
      return now;
    }
    const order = (f: FinishedSlot) => this.#requeueOrder.get(f) ?? 0;
    return [...now, ...requeues.sort((a, b) => order(b) - order(a))];
  }
}
