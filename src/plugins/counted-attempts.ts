/**
 * The retry attempt a work cycle counted for a run, carried from the worker's processor to the
 * run's retry plugin (see retry/attempt-counting.ts). A count the plugin does not take stays
 * marked untaken, and the worker undoes it.
 */
import type { CountedAttempt } from "../redis/stores/worker-store.js";
import type { PerformContext } from "./plugin.js";

const counted = new WeakMap<PerformContext, CountedAttempt>();

/** Hands a run the attempt its work cycle counted (the worker's processor does this). */
export function carryCountedAttempt(context: PerformContext, attempt: CountedAttempt): void {
  counted.set(context, attempt);
}

/** The attempt counted for the run, marked as taken; undefined when none was (or it was taken). */
export function takeCountedAttempt(context: PerformContext): CountedAttempt | undefined {
  const attempt = counted.get(context);
  if (!attempt) return undefined;
  counted.delete(context);
  attempt.taken = true;
  return attempt;
}
