/**
 * `static retry = { ... }` on a job class: the retry plugin made from those options, once per
 * class. The options are validated at first use (enqueue, or the first run), with an error that
 * names the class.
 */
import { jobNameOf, type JobClass } from "../../job/job.js";
import { resolveRetryOptions } from "./options.js";
import { RetryPlugin } from "./plugin.js";

const made = new WeakMap<JobClass, RetryPlugin | null>();

/** The retry plugin of a class's `static retry` options (inherited ones count), if it has them. */
export function staticRetryPlugin(job: JobClass): RetryPlugin | undefined {
  const known = made.get(job);
  if (known !== undefined) return known ?? undefined;
  const options = (job as { retry?: unknown }).retry;
  if (options === undefined || options === null) {
    made.set(job, null);
    return undefined;
  }
  const where = `static retry of ${jobNameOf(job)}`;
  const plugin = new RetryPlugin(resolveRetryOptions(options, where), where);
  made.set(job, plugin);
  return plugin;
}
