/**
 * Filters that select queued, failed and delayed jobs. Every field given must match; a field left
 * out matches everything. Destructive bulk calls refuse a filter without any field, so "all" only
 * ever happens through an explicit call (`clear()`, `retryAll()`).
 */
import { ConfigurationError, EmptyFilterError } from "../errors.js";
import { rawMember } from "../job/json-span.js";

/** Selects jobs by what they are. */
export interface JobFilter {
  /** Exactly this job class name. */
  class?: string;
  /** This text (any case) anywhere in the job: its class or its arguments; for failed jobs also the exception and error message. */
  text?: string;
  /** This text (exact case) inside the JSON of the arguments, as stored. */
  argsContains?: string;
  /** Exactly these arguments (compared as JSON values: `1.0` equals `1`, key order does not matter). */
  args?: readonly unknown[];
}

/** Selects failed jobs. */
export interface FailedFilter extends JobFilter {
  /** Only this failed list: "failed", or "<queue>_failed" (RedisMultiQueue). */
  list?: string;
  /** The queue the job failed on. */
  queue?: string;
  /** Exactly this exception class name (`exception`). */
  exception?: string;
  /** Failed at or after this time. */
  since?: Date;
  /** Failed before this time. */
  until?: Date;
}

/** Selects delayed jobs. */
export interface DelayedFilter extends JobFilter {
  /** The queue it will go to. */
  queue?: string;
  /** Due at or after this time. */
  from?: Date;
  /** Due at or before this time. */
  to?: Date;
}

const TEXT_FIELDS = ["class", "text", "argsContains", "queue", "exception", "list"] as const;
const DATE_FIELDS = ["since", "until", "from", "to"] as const;

/**
 * Checks a filter's fields (unknown names and empty values are mistakes, not "match all"), and
 * with `destructive`, that it selects by at least one field. Returns the filter.
 */
export function checkFilter<F extends object>(filter: F | undefined, allowed: readonly string[], what: string, destructive: boolean): F {
  if (filter !== undefined && (typeof filter !== "object" || filter === null || Array.isArray(filter))) {
    throw new ConfigurationError(`A ${what} filter is an object such as { class: "SendInvoice" }, got ${JSON.stringify(filter)}.`);
  }
  const given = Object.entries(filter ?? {}).filter(([, value]) => value !== undefined);
  for (const [key, value] of given) {
    if (!allowed.includes(key)) {
      throw new ConfigurationError(`"${key}" is not a ${what} filter field; use ${allowed.join(", ")}.`);
    }
    if ((TEXT_FIELDS as readonly string[]).includes(key) && (typeof value !== "string" || value === "")) {
      throw new ConfigurationError(`The ${what} filter field "${key}" must be a non-empty string, got ${JSON.stringify(value)}.`);
    }
    if ((DATE_FIELDS as readonly string[]).includes(key) && !(value instanceof Date && Number.isFinite(value.getTime()))) {
      throw new ConfigurationError(`The ${what} filter field "${key}" must be a valid Date, got ${JSON.stringify(value)}.`);
    }
    if (key === "args" && !Array.isArray(value)) {
      throw new ConfigurationError(`The ${what} filter field "args" must be an array of arguments, got ${JSON.stringify(value)}.`);
    }
  }
  if (destructive && given.length === 0) {
    throw new EmptyFilterError(
      `This changes every ${what} it selects, and the filter selects by nothing; give at least one of ${allowed.join(", ")}, or call the explicit "all" form (clear(), retryAll(), ...).`,
    );
  }
  return (filter ?? {}) as F;
}

export const JOB_FILTER_FIELDS = ["class", "text", "argsContains", "args"] as const;
export const FAILED_FILTER_FIELDS = [...JOB_FILTER_FIELDS, "list", "queue", "exception", "since", "until"] as const;
export const DELAYED_FILTER_FIELDS = [...JOB_FILTER_FIELDS, "queue", "from", "to"] as const;

/** What a filter looks at in one job. */
export interface Candidate {
  class: string;
  args: readonly unknown[];
  /** The payload's JSON (the args are looked up in it without re-encoding). */
  payloadRaw: string;
  /** Extra text the `text` field searches (exception, error message). */
  extraText?: readonly string[];
}

export function matchesJob(filter: JobFilter, job: Candidate): boolean {
  if (filter.class !== undefined && job.class !== filter.class) return false;
  if (filter.argsContains !== undefined && !argsText(job).includes(filter.argsContains)) return false;
  if (filter.args !== undefined && !sameJson(job.args, filter.args)) return false;
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    const haystack = [job.class, argsText(job), ...(job.extraText ?? [])];
    if (!haystack.some((text) => text.toLowerCase().includes(needle))) return false;
  }
  return true;
}

function argsText(job: Candidate): string {
  return rawMember(job.payloadRaw, "args") ?? JSON.stringify(job.args);
}

/** Deep equality of JSON values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((value, i) => sameJson(value, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}
