/**
 * Times of delayed jobs. Callers give a Date or epoch milliseconds (what Date.now() returns);
 * Redis keeps whole unix seconds. We round up, where Ruby's resque-scheduler floors, so a delayed
 * job never runs before the time it was given (docs/decisions.md).
 *
 * With `delayPrecision: "milliseconds"` (for deployments without Ruby) a due time is stored as
 * whole epoch milliseconds instead: the `delayed:<ts>` member is then a number of 13 digits, told
 * apart from seconds by its size (below, MILLISECOND_TIMESTAMPS_FROM), and its zset score is still
 * seconds (with a fraction), so both kinds sort and fall due together.
 */
import { InvalidTimeError } from "../errors.js";
import { shownValue } from "../option-checks.js";

/** A point in time: a Date, or milliseconds since the Unix epoch. */
export type DelayedTime = Date | number;

/**
 * Numbers below this (1973-03-03 as epoch milliseconds) are taken for epoch seconds given by
 * mistake: as seconds they are 1973 to 5138, as milliseconds a time nobody schedules a job at.
 */
const SECONDS_MISTAKE_BELOW_MS = 1e11;

/** A stored delayed time at or above this is epoch milliseconds; below it, epoch seconds. */
export const MILLISECOND_TIMESTAMPS_FROM = SECONDS_MISTAKE_BELOW_MS;

/**
 * How due times of delayed jobs are stored: "seconds" (Resque's whole unix seconds, rounded up;
 * the default) or "milliseconds" (exact to the millisecond; Ruby's resque-scheduler expects seconds).
 */
export type DelayPrecision = "seconds" | "milliseconds";

/**
 * Epoch milliseconds of a DelayedTime. Throws InvalidTimeError for invalid dates, non-numbers,
 * and numbers that can only be epoch seconds (such as `Date.now() / 1000`).
 */
export function toMillis(time: DelayedTime, what = "time"): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    const shown = time instanceof Date ? "an invalid Date" : JSON.stringify(time) ?? String(time);
    throw new InvalidTimeError(`The ${what} must be a valid Date or epoch milliseconds (like Date.now()), got ${shown}.`);
  }
  if (typeof time === "number" && time > 0 && time < SECONDS_MISTAKE_BELOW_MS) {
    const asSeconds = new Date(time * 1000);
    const shown = Number.isNaN(asSeconds.getTime()) ? "" : ` (as seconds: ${asSeconds.toISOString()})`;
    throw new InvalidTimeError(
      `The ${what} ${time} looks like epoch seconds${shown}; pass epoch milliseconds (Date.now(), date.getTime()) or a Date. ` +
        "For a delay in seconds, use enqueueIn.",
    );
  }
  return ms;
}

/**
 * The time a delayed job is stored under: the unix second rounded up; in millisecond precision
 * the millisecond rounded up, kept as seconds when it is a whole second (so every stored time has
 * one spelling, and whole seconds stay readable by Ruby).
 */
export function dueTimestamp(ms: number, precision: DelayPrecision = "seconds"): number {
  return precision === "milliseconds" ? storedTimestamp(Math.ceil(ms)) : Math.ceil(ms / 1000);
}

/** The stored time of an exact due time (whole epoch ms) as read back from the admin API: seconds when whole, else milliseconds. */
export function storedTimestamp(ms: number): number {
  return ms % 1000 === 0 ? ms / 1000 : ms;
}

/** Milliseconds for enqueueIn's delay; only non-negative finite seconds are accepted. */
export function delayMillis(seconds: unknown): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidTimeError(`enqueueIn takes a delay in seconds, a finite number of 0 or more; got ${shownValue(seconds)}.`);
  }
  return seconds * 1000;
}

/** Epoch milliseconds of a stored delayed time (seconds, or milliseconds in millisecond precision). */
export function timestampMillis(timestamp: number): number {
  return timestamp >= MILLISECOND_TIMESTAMPS_FROM ? timestamp : timestamp * 1000;
}

export function dateOfTimestamp(timestamp: number): Date {
  return new Date(timestampMillis(timestamp));
}
