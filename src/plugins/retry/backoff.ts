/**
 * How long to wait before retrying a job whose attempt `n` failed (0 = the first run): the error's
 * own delay from `retryOn`, else the fixed delay, the backoff list or the exponential curve; then
 * jitter. Pure functions of the options, so they are easy to reason about and test.
 */
import { matchDistance } from "./error-match.js";
import type { DelayRule, ResolvedRetryOptions, RetryDelays } from "./options.js";

/** The delay of a list for attempt n: the n-th value, the last one once the list runs out. */
function pick(delays: RetryDelays, attempt: number): number {
  if (typeof delays === "number") return delays;
  return delays[Math.min(attempt, delays.length - 1)]!;
}

/** Seconds before the retry after attempt n failed, from the delay rule alone (no jitter). */
export function baseDelay(rule: DelayRule, attempt: number): number {
  switch (rule.kind) {
    case "fixed":
      return rule.seconds;
    case "backoff":
      return pick(rule.seconds, attempt);
    case "exponential":
      return Math.min(rule.max, rule.min * rule.base ** attempt);
  }
}

/**
 * The delays `retryOn` gives this error, when it gives any: the entry naming the error's own
 * class (or name) wins over one naming an ancestor, as in resque-retry; ties go to the first.
 */
export function errorDelays(options: ResolvedRetryOptions, error: unknown): RetryDelays | undefined {
  if (options.retryOn?.kind !== "delays") return undefined;
  let best: { distance: number; delays: RetryDelays } | undefined;
  for (const entry of options.retryOn.entries) {
    const distance = matchDistance(entry.matcher, error);
    if (distance !== undefined && (!best || distance < best.distance)) best = { distance, delays: entry.delays };
  }
  return best?.delays;
}

/** Seconds before retrying after attempt n failed with `error`, jitter applied. */
export function retryDelay(options: ResolvedRetryOptions, attempt: number, error: unknown): number {
  const own = errorDelays(options, error);
  const delay = own === undefined ? baseDelay(options.delay, attempt) : pick(own, attempt);
  if (!options.jitter || delay === 0) return delay;
  const { min, max } = options.jitter;
  return delay * (min + options.random() * (max - min));
}
