/**
 * The retry plugin's options, and their validation: every mistake is reported when the plugin is
 * made (at class definition for `@retry`, at first use for `static retry`), with what to do.
 */
import { ConfigurationError } from "../../errors.js";
import type { Clock } from "../../scheduler/clock.js";
import type { PerformContext } from "../plugin.js";
import { toMatcher, type ErrorClass, type ErrorMatcher, type Matcher } from "./error-match.js";
import type { RetryIdentifierFunction } from "./identifier.js";

/** Seconds, or seconds per attempt (the last value repeats). */
export type RetryDelays = number | readonly number[];

/** Exponential backoff: `min` seconds after the first failure, `base` times longer after each next one, at most `max`. */
export interface ExponentialBackoff {
  /** Growth factor per attempt (default 2). */
  base?: number;
  /** The first delay in seconds (default 1). */
  min?: number;
  /** The longest delay in seconds (default 86400, one day). */
  max?: number;
}

/** What the callbacks learn about a failed attempt. */
export interface RetryAttemptInfo {
  /** The attempt that failed: 0 for the first run, 1 for the first retry, ... */
  attempt: number;
  /** Retries allowed after the first run (Infinity: no limit). */
  limit: number;
  context: PerformContext;
}

export interface RetryScheduledInfo extends RetryAttemptInfo {
  /** Seconds until the retry (after jitter); 0 when it was put on its queue at once. */
  delay: number;
  /** When the retry is due (whole seconds, rounded up). */
  at: Date;
  /** The queue the retry goes to. */
  queue: string;
}

export interface GiveUpInfo extends RetryAttemptInfo {
  /** `fatal`: fatalOn named the error; `not-retryable`: retryOn did not; `limit`: no retries left. */
  reason: "fatal" | "not-retryable" | "limit";
}

export interface RetryOptions {
  /** Retries after the first run; default the length of `backoff`, else 3. Infinity retries forever. */
  limit?: number;
  /** A fixed delay in seconds between attempts (default 0: retry at once). */
  delay?: number;
  /** Delays in seconds after the 1st, 2nd, ... failure; the last value repeats. */
  backoff?: readonly number[];
  /** Exponentially growing delays (`true` for the defaults). */
  exponential?: true | ExponentialBackoff;
  /**
   * Randomises each delay: a ratio r multiplies it by a random factor in [1 - r, 1 + r];
   * `{ min, max }` by a factor in [min, max] (resque-retry's retry_delay_multiplicand_min/max).
   */
  jitter?: number | { min: number; max: number };
  /**
   * Retry only these errors (classes, names or predicates); or, as an object or Map, these errors
   * with their own delays: `{ NetworkError: 30, RateLimited: [60, 300] }`.
   */
  retryOn?: readonly ErrorMatcher[] | Readonly<Record<string, RetryDelays>> | ReadonlyMap<ErrorClass | string, RetryDelays>;
  /** Retry every error except these: they give up at once. Not together with retryOn. */
  fatalOn?: readonly ErrorMatcher[];
  /** Retry on this queue instead of the one the job ran on. */
  retryQueue?: string;
  /** Seconds the attempt counter outlives each attempt's delay (resque-retry's expire_retry_key_after). */
  expireKeyAfter?: number;
  /** Called after a retry is scheduled. */
  onRetry?: (error: unknown, info: RetryScheduledInfo) => unknown;
  /** Called when the job will not be retried; its failure is then recorded in the failed list. */
  onGiveUp?: (error: unknown, info: GiveUpInfo) => unknown;
  /** The identifier in the counter key `resque-retry:<class>:<id>`; default the SHA1 of Ruby's args.join('-'). */
  retryIdentifier?: RetryIdentifierFunction;
  /** Where the retry time is read from (tests inject a manual clock). */
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter (tests inject a fixed source). */
  random?: () => number;
}

export type DelayRule =
  | { kind: "fixed"; seconds: number }
  | { kind: "backoff"; seconds: readonly number[] }
  | { kind: "exponential"; base: number; min: number; max: number };

/** retryOn as validated: which errors retry, and for some of them their own delays. */
export type RetryOnRule = { kind: "matchers"; matchers: Matcher[] } | { kind: "delays"; entries: { matcher: Matcher; delays: RetryDelays }[] };

export interface ResolvedRetryOptions {
  limit: number;
  delay: DelayRule;
  jitter: { min: number; max: number } | undefined;
  retryOn: RetryOnRule | undefined;
  fatalOn: Matcher[] | undefined;
  retryQueue: string | undefined;
  expireKeyAfter: number | undefined;
  onRetry: RetryOptions["onRetry"];
  onGiveUp: RetryOptions["onGiveUp"];
  retryIdentifier: RetryIdentifierFunction | undefined;
  clock: Clock | undefined;
  random: () => number;
}

const OPTION_NAMES = [
  "limit",
  "delay",
  "backoff",
  "exponential",
  "jitter",
  "retryOn",
  "fatalOn",
  "retryQueue",
  "expireKeyAfter",
  "onRetry",
  "onGiveUp",
  "retryIdentifier",
  "clock",
  "random",
] as const satisfies readonly (keyof RetryOptions)[];

const show = (value: unknown): string => {
  if (typeof value === "function") return `a function`;
  if (typeof value === "number") return String(value);
  return JSON.stringify(value) ?? String(value);
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Validates and completes retry options. `where` starts every error message (e.g. `@retry on SendInvoice`). */
export function resolveRetryOptions(options: unknown, where = "retry options"): ResolvedRetryOptions {
  const fail = (message: string): never => {
    throw new ConfigurationError(`${where}: ${message}`);
  };
  if (options === undefined) options = {};
  if (!isPlainObject(options)) return fail(`options must be an object such as { backoff: [10, 60, 600] }, got ${show(options)}.`);
  for (const name of Object.keys(options)) {
    if ((OPTION_NAMES as readonly string[]).includes(name)) continue;
    const near = OPTION_NAMES.find((known) => known.toLowerCase() === name.toLowerCase() || editDistance(known, name) <= 2);
    fail(`"${name}" is not a retry option${near ? `; did you mean "${near}"?` : "."} Options: ${OPTION_NAMES.join(", ")}.`);
  }
  const o = options as RetryOptions;

  const seconds = (value: unknown, name: string): number => {
    if (typeof value !== "number" || !Number.isFinite(value)) return fail(`${name} must be a number of seconds, got ${show(value)}.`);
    if (value < 0) return fail(`${name} must not be negative, got ${value}.`);
    return value;
  };
  const delays = (value: unknown, name: string): RetryDelays => {
    if (!Array.isArray(value)) return seconds(value, name);
    if (value.length === 0) return fail(`${name} is an empty list; give at least one delay in seconds.`);
    return value.map((v, i) => seconds(v, `${name}[${i}]`));
  };
  const callback = <F>(value: unknown, name: string): F | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "function") return fail(`${name} must be a function, got ${show(value)}.`);
    return value as F;
  };

  const given = (["delay", "backoff", "exponential"] as const).filter((name) => o[name] !== undefined);
  if (given.length > 1) fail(`give only one of delay, backoff and exponential (got ${given.join(" and ")}).`);

  let delay: DelayRule = { kind: "fixed", seconds: 0 };
  if (o.delay !== undefined) delay = { kind: "fixed", seconds: seconds(o.delay, "delay") };
  if (o.backoff !== undefined) {
    if (!Array.isArray(o.backoff)) fail(`backoff must be a list of delays in seconds such as [10, 60, 600], got ${show(o.backoff)}.`);
    const list = delays(o.backoff, "backoff") as number[];
    delay = { kind: "backoff", seconds: list };
  }
  if (o.exponential !== undefined) {
    const e = o.exponential === true ? {} : o.exponential;
    if (!isPlainObject(e)) return fail(`exponential must be true or { base, min, max }, got ${show(o.exponential)}.`);
    for (const name of Object.keys(e)) if (!["base", "min", "max"].includes(name)) fail(`exponential has no option "${name}"; it takes base, min and max.`);
    const base = e.base === undefined ? 2 : seconds(e.base, "exponential.base");
    if (base < 1) fail(`exponential.base must be 1 or more (the factor between delays), got ${base}.`);
    const min = e.min === undefined ? 1 : seconds(e.min, "exponential.min");
    const max = e.max === undefined ? Math.max(86_400, min) : seconds(e.max, "exponential.max");
    if (max < min) fail(`exponential.max (${max}) must not be below exponential.min (${min}).`);
    delay = { kind: "exponential", base, min, max };
  }

  let limit = delay.kind === "backoff" ? delay.seconds.length : 3;
  if (o.limit !== undefined) {
    if (o.limit === Infinity) limit = Infinity;
    else if (typeof o.limit !== "number" || !Number.isInteger(o.limit)) fail(`limit must be a whole number of retries (or Infinity), got ${show(o.limit)}.`);
    else if (o.limit < 0) fail(`limit must not be negative, got ${o.limit}; use Infinity to retry forever, 0 to never retry.`);
    else limit = o.limit;
  }

  let jitter: ResolvedRetryOptions["jitter"];
  if (o.jitter !== undefined) {
    if (typeof o.jitter === "number") {
      if (!Number.isFinite(o.jitter) || o.jitter < 0 || o.jitter >= 1) {
        fail(`jitter as a ratio must be at least 0 and below 1 (0.2 means ±20%), got ${show(o.jitter)}.`);
      }
      jitter = { min: 1 - o.jitter, max: 1 + o.jitter };
    } else if (isPlainObject(o.jitter)) {
      for (const name of Object.keys(o.jitter)) if (name !== "min" && name !== "max") fail(`jitter has no option "${name}"; it takes min and max.`);
      const min = seconds(o.jitter.min, "jitter.min");
      const max = seconds(o.jitter.max, "jitter.max");
      if (max < min) fail(`jitter.max (${max}) must not be below jitter.min (${min}).`);
      jitter = { min, max };
    } else {
      fail(`jitter must be a ratio such as 0.2 or { min, max }, got ${show(o.jitter)}.`);
    }
  }

  if (o.retryOn !== undefined && o.fatalOn !== undefined) {
    fail("give retryOn (retry only these errors) or fatalOn (retry all but these), not both.");
  }
  let retryOn: RetryOnRule | undefined;
  if (o.retryOn !== undefined) {
    if (Array.isArray(o.retryOn)) {
      if (o.retryOn.length === 0) fail("retryOn is an empty list, so nothing would be retried; leave it out to retry every error, or set limit: 0.");
      retryOn = { kind: "matchers", matchers: o.retryOn.map((m, i) => toMatcher(m, `${where}: retryOn[${i}]`)) };
    } else if (o.retryOn instanceof Map || isPlainObject(o.retryOn)) {
      const pairs: [unknown, unknown][] = o.retryOn instanceof Map ? [...o.retryOn] : Object.entries(o.retryOn);
      if (pairs.length === 0) fail("retryOn names no errors; leave it out to retry every error.");
      retryOn = {
        kind: "delays",
        entries: pairs.map(([key, value]) => {
          const matcher = toMatcher(key, `${where}: retryOn key`);
          return { matcher, delays: delays(value, `retryOn.${matcher.label}`) };
        }),
      };
    } else {
      fail(`retryOn must be a list of errors, or an object of error name → delay, got ${show(o.retryOn)}.`);
    }
  }
  let fatalOn: Matcher[] | undefined;
  if (o.fatalOn !== undefined) {
    if (!Array.isArray(o.fatalOn)) fail(`fatalOn must be a list of error classes, names or predicates, got ${show(o.fatalOn)}.`);
    if (o.fatalOn.length === 0) fail("fatalOn is an empty list; leave it out to retry every error.");
    fatalOn = o.fatalOn.map((m, i) => toMatcher(m, `${where}: fatalOn[${i}]`));
  }

  if (o.retryQueue !== undefined && (typeof o.retryQueue !== "string" || o.retryQueue.trim() === "")) {
    fail(`retryQueue must be a queue name, got ${show(o.retryQueue)}.`);
  }
  let expireKeyAfter: number | undefined;
  if (o.expireKeyAfter !== undefined) {
    expireKeyAfter = seconds(o.expireKeyAfter, "expireKeyAfter");
    if (expireKeyAfter === 0) fail("expireKeyAfter must be more than 0 seconds; leave it out to keep the counter until the job succeeds or gives up.");
  }
  if (o.clock !== undefined && (typeof o.clock !== "object" || o.clock === null || typeof o.clock.now !== "function")) {
    fail(`clock must be an object with now() returning epoch milliseconds, got ${show(o.clock)}.`);
  }

  return {
    limit,
    delay,
    jitter,
    retryOn,
    fatalOn,
    retryQueue: o.retryQueue,
    expireKeyAfter,
    onRetry: callback(o.onRetry, "onRetry"),
    onGiveUp: callback(o.onGiveUp, "onGiveUp"),
    retryIdentifier: callback(o.retryIdentifier, "retryIdentifier"),
    clock: o.clock,
    random: callback<() => number>(o.random, "random") ?? Math.random,
  };
}
