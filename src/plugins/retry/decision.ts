/**
 * What the retry plugin does with a failed attempt: give up (and why) or retry after a delay.
 * resque-retry's retry_criteria_valid?: fatalOn gives up, retryOn must name the error, and
 * attempt n retries only while n < limit (limit 0 never retries).
 */
import { retryDelay } from "./backoff.js";
import { matchesAny } from "./error-match.js";
import type { GiveUpInfo, ResolvedRetryOptions } from "./options.js";

export type RetryDecision = { kind: "retry"; delay: number } | { kind: "give-up"; reason: GiveUpInfo["reason"] };

export function decideRetry(options: ResolvedRetryOptions, attempt: number, error: unknown): RetryDecision {
  if (options.fatalOn && matchesAny(options.fatalOn, error)) return { kind: "give-up", reason: "fatal" };
  if (options.retryOn) {
    const matchers = options.retryOn.kind === "matchers" ? options.retryOn.matchers : options.retryOn.entries.map((e) => e.matcher);
    if (!matchesAny(matchers, error)) return { kind: "give-up", reason: "not-retryable" };
  }
  if (attempt >= options.limit) return { kind: "give-up", reason: "limit" };
  return { kind: "retry", delay: retryDelay(options, attempt, error) };
}

/** The longest delay the options can give (jitter included): how long a counter may wait. */
export function longestDelay(options: ResolvedRetryOptions): number {
  const rule = options.delay;
  let longest = rule.kind === "fixed" ? rule.seconds : rule.kind === "backoff" ? Math.max(...rule.seconds) : rule.max;
  if (options.retryOn?.kind === "delays") {
    for (const { delays } of options.retryOn.entries) longest = Math.max(longest, ...(typeof delays === "number" ? [delays] : delays));
  }
  return longest * (options.jitter?.max ?? 1);
}
