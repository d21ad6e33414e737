/**
 * Putting a job that may not run now back into the delayed schedule, exactly as it came off its
 * queue, then telling the worker with JobDeferred (the run is not counted). Shared by the unique
 * plugin ("wait") and the limit plugin. A resque-scheduler (ours or Ruby's) moves it back to its
 * queue when it is due.
 */
import { delayedItemFromPayload } from "../scheduler/delayed-item.js";
import { dueTimestamp } from "../scheduler/delayed-time.js";
import { JobDeferred, type PerformContext } from "./plugin.js";
import { storeOf } from "../redis/store-of.js";

/** Delays the running job by `seconds` (rounded up to a whole second) and throws JobDeferred. */
export async function deferJob(context: PerformContext, seconds: number, reason: string): Promise<never> {
  const delayed = storeOf(context.resque).delayed;
  const at = dueTimestamp(Date.now() + Math.max(1, seconds) * 1000, delayed.precision);
  await delayed.push(at, [delayedItemFromPayload(context.payload, context.queue)]);
  throw new JobDeferred(`${context.jobName}: ${reason}; put back until ${new Date(at * 1000).toISOString()}`);
}
