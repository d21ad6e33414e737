/**
 * Times of delayed jobs. Callers give a Date or epoch milliseconds (what Date.now() returns);
 * Redis keeps whole unix seconds. We round up, where Ruby's resque-scheduler floors, so a delayed
 * job never runs before the time it was given (docs/decisions.md).
 */
import { InvalidTimeError } from "../errors.js";

/** A point in time: a Date, or milliseconds since the Unix epoch. */
export type DelayedTime = Date | number;

/**
 * Numbers below this (1973-03-03 as epoch milliseconds) are taken for epoch seconds given by
 * mistake: as seconds they are 1973 to 5138, as milliseconds a time nobody schedules a job at.
 */
const SECONDS_MISTAKE_BELOW_MS = 1e11;

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
