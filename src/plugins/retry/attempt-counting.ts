/**
 * Which job classes have their retry attempts counted by the work cycle that reserves the job. resque-retry counts every run
 * first thing in before_perform; for a job whose retry plugin would do exactly that (its
 * beforePerform runs before any other plugin's, with the default identifier), the worker asks
 * the work cycle to count the attempt while it reserves the job. The run then starts without a
 * Redis call of its own. The plugin still computes the identity and takes the count only when
 * the names agree (work-cycle.lua joins only strings and integers; see countedIdentity there);
 * a count nobody took is undone (plugins/counted-attempts.ts carries the count to the plugin).
 */
import { jobNameOf, type JobClass } from "../../job/job.js";
import type { JobRegistry } from "../../job/registry.js";
import type { Keys } from "../../redis/keys.js";
import type { AttemptCountingClass } from "../../redis/stores/worker-store.js";
import { jobHooks } from "../hooks.js";
import type { Plugin } from "../plugin.js";
import { longestDelay } from "./decision.js";
import { jobRetryPlugin, retryPluginBehind } from "./job-retry.js";
import { RetryPlugin } from "./plugin.js";

/**
 * How a class's attempts are counted with the reservation, or undefined when its run must count
 * them itself: the class has no retry plugin, its plugins cannot be built, the plugin names its
 * identities itself, or another plugin's beforePerform runs before the retry plugin's (it could
 * skip or defer the job, and resque-retry would then count nothing).
 */
export function attemptCountingOf(className: string, job: JobClass, globalPlugins: readonly Plugin[], keys: Keys): AttemptCountingClass | undefined {
  let hooks;
  try {
    hooks = jobHooks(job, globalPlugins);
  } catch {
    return undefined;
  }
  const own = jobRetryPlugin(job);
  let owner: RetryPlugin | undefined;
  for (const hook of hooks.beforePerform) {
    const behind = hook.plugin === undefined ? undefined : retryPluginBehind(hook.plugin);
    if (!(behind instanceof RetryPlugin)) return undefined;
    // A global retry plugin steps aside for a job with a retry plugin of its own.
    if (own !== undefined && behind !== own) continue;
    owner = behind;
    break;
  }
  if (!owner || owner.options.retryIdentifier !== undefined) return undefined;
  const { expireKeyAfter } = owner.options;
  return {
    className,
    identityClass: keys.retryIdentityName(jobNameOf(job), undefined),
    expireSeconds: expireKeyAfter === undefined ? undefined : longestDelay(owner.options) + expireKeyAfter,
  };
}

/** attemptCountingOf for every registered class. */
export function attemptCountingClasses(registry: JobRegistry, globalPlugins: readonly Plugin[], keys: Keys): AttemptCountingClass[] {
  const classes: AttemptCountingClass[] = [];
  for (const name of registry.names()) {
    const job = registry.get(name);
    const counting = job && attemptCountingOf(name, job, globalPlugins, keys);
    if (counting) classes.push(counting);
  }
  return classes;
}
