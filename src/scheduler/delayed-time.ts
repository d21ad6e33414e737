/**
 * Times of delayed jobs. Callers give a Date or epoch milliseconds (what Date.now() returns);
 * Redis keeps whole unix seconds. We round up, where Ruby's resque-scheduler floors, so a delayed
 * job never runs before the time it was given (docs/decisions.md).
 */
import { InvalidTimeError } from "../errors.js";

/** A point in time: a Date, or milliseconds since the Unix epoch. */
export type DelayedTime = Date | number;

/** Epoch milliseconds of a DelayedTime; throws InvalidTimeError for invalid dates and non-numbers. */
export function toMillis(time: DelayedTime, what = "time"): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    const shown = time instanceof Date ? "an invalid Date" : JSON.stringify(time) ?? String(time);
    throw new InvalidTimeError(`The ${what} must be a valid Date or epoch milliseconds (like Date.now()), got ${shown}.`);
  }
  return ms;
}

/** The unix second a delayed job is stored under: the given time rounded up. */
export function dueTimestamp(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** Milliseconds for enqueueIn's delay; only non-negative finite seconds are accepted. */
export function delayMillis(seconds: unknown): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidTimeError(`enqueueIn takes a delay in seconds, a finite number of 0 or more; got ${JSON.stringify(seconds) ?? String(seconds)}.`);
  }
  return seconds * 1000;
}

export function dateOfTimestamp(timestamp: number): Date {
  return new Date(timestamp * 1000);
}
