/**
 * Reading what the operator typed: positions, counts, times, JSON arguments and names. Every
 * mistake is a UsageError that says what was expected, so nothing runs on a misread value.
 */
import { UsageError } from "./exit-codes.js";

/** A position: a whole number of 0 or more ("3", not "3.5", "-1" or "x"). */
export function index(value: string | undefined, what = "index"): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    throw new UsageError(`The ${what} must be a whole number of 0 or more (0 = the first), got ${JSON.stringify(value ?? "")}.`);
  }
  return Number(value.trim());
}

/** A count of at least `min`. */
export function wholeNumber(value: string | undefined, what: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`${what} must be a whole number of ${min} or more, got ${JSON.stringify(value)}.`);
  }
  return Number(value.trim());
}

/** A non-empty name (queue, schedule, worker, host): an empty one never means "all". */
export function name(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`${what} must not be empty.`);
  return value;
}

/**
 * A time: ISO 8601 ("2026-12-01T09:00:00Z", "2026-12-01"), or unix seconds as Redis stores
 * delayed times ("1796115600"); a 13-digit number is read as epoch milliseconds.
 */
export function instant(value: string | undefined, what: string): Date {
  const text = (value ?? "").trim();
  let date: Date | undefined;
  if (/^\d{1,11}$/.test(text)) date = new Date(Number(text) * 1000);
  else if (/^\d{12,14}$/.test(text)) date = new Date(Number(text));
  else if (/^\d{4}-\d{2}-\d{2}/.test(text)) date = new Date(text);
  if (date === undefined || !Number.isFinite(date.getTime())) {
    throw new UsageError(`${what} must be a time: ISO 8601 such as 2026-12-01T09:00:00Z, or unix seconds; got ${JSON.stringify(value ?? "")}.`);
  }
  return date;
}

/** A duration before now, such as "30m", "2h", "1d" or "45s": the Date that long ago. */
export function ago(value: string, what: string, now = Date.now()): Date {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (!match) {
    return instant(value, what);
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as "s" | "m" | "h" | "d"];
  return new Date(now - Number(match[1]) * unit * 1000);
}

/** Job arguments given as JSON: an array ('[42, "x"]'). */
export function jsonArgs(text: string, what = "--args"): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message}); give the arguments as a JSON array, e.g. '[42, "fixed"]'. Nothing was changed.`);
  }
  if (!Array.isArray(value)) throw new UsageError(`${what} must be a JSON array of arguments, e.g. '[42, "fixed"]', got ${oneLineJson(value)}. Nothing was changed.`);
  return value;
}

function oneLineJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
