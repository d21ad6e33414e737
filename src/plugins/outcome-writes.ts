/**
 * Writes a plugin hands to the worker instead of making them itself: the worker sends them with
 * the job's outcome in its next work cycle, so they cost no call of their own and are fenced like
 * the outcome (a job taken away from a worker judged dead writes nothing). Only runs started by a
 * worker's work loop carry them; elsewhere (a pool master settling a child's job, the testing
 * helpers) `outcomeWritesOf` returns undefined and the plugin writes directly.
 */
import type { OutcomeWrites } from "../redis/stores/worker-store.js";
import type { PerformContext } from "./plugin.js";

const carried = new WeakMap<PerformContext, OutcomeWrites>();

/** Makes a run's context carry outcome writes (the worker's processor does this). */
export function carryOutcomeWrites(context: PerformContext): void {
  carried.set(context, {});
}

/** The writes a run carries, when its outcome is recorded by a work cycle. */
export function outcomeWritesOf(context: PerformContext): OutcomeWrites | undefined {
  return carried.get(context);
}

/** The writes to send with the run's outcome, or undefined when there are none. */
export function takeOutcomeWrites(context: PerformContext): OutcomeWrites | undefined {
  const writes = carried.get(context);
  if (!writes || (writes.forgetRetry === undefined && !writes.retry)) return undefined;
  return writes;
}
