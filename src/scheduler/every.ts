/**
 * `every` schedules: a fixed interval ("30s", "5m", "1h30m", "1d", "2w", or ISO-8601 like "PT30S").
 * Slots sit on a fixed grid, multiples of the interval from `first_at` or else from the Unix epoch
 * (so "1h" fires on the hour), rather than counting from whenever a scheduler started: every
 * scheduler then agrees on the slots, which is what makes firing exactly once possible across
 * restarts and leader changes. Intervals are absolute time, untouched by daylight saving.
 */
import { luxon } from "./luxon.js";
import type { Timing } from "./timing.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Milliseconds of a duration: a number of seconds, compact units ("1h30m", "1d2h", "45s"), or an
 * ISO-8601 duration without months or years (their length varies; use cron for calendar dates).
 * Throws Error saying what is accepted.
 */
export function parseDuration(value: unknown): number {
  const usage = 'use seconds as a number, units like "30s", "5m", "1h30m", "1d", "2w", or ISO-8601 like "PT30S"';
  let ms: number | undefined;
  if (typeof value === "number") {
    ms = value * 1000;
  } else if (typeof value === "string") {
    const text = value.trim();
    if (/^(\d+(\.\d+)?[smhdw])+$/i.test(text)) {
      ms = 0;
      for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/gi)) ms += Number(amount) * UNIT_MS[unit!.toLowerCase()]!;
    } else if (/^\d+(\.\d+)?$/.test(text)) {
      ms = Number(text) * 1000;
    } else if (/^P/i.test(text)) {
      const duration = luxon().Duration.fromISO(text.toUpperCase());
      if (!duration.isValid) throw new Error(`"${value}" is not a valid ISO-8601 duration; ${usage}`);
      if (duration.years || duration.quarters || duration.months) {
        throw new Error(`"${value}" has months or years, whose length varies; use a cron expression for calendar dates`);
      }
      ms = duration.as("milliseconds");
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) throw new Error(`${JSON.stringify(value)} is not a duration; ${usage}`);
  if (ms < 1000 || ms % 1000 !== 0) throw new Error(`${JSON.stringify(value)} must be a whole number of seconds, at least 1s`);
  return ms;
}

export class EveryTiming implements Timing {
  /**
   * @param periodMs the interval, whole seconds
   * @param firstAt epoch ms of the first slot; slots before it do not exist. Default: the grid
   *   runs from the Unix epoch with no first slot.
   */
  constructor(
    readonly periodMs: number,
    readonly firstAt?: number,
  ) {}

  next(after: number): number | undefined {
    const anchor = this.firstAt ?? 0;
    if (this.firstAt !== undefined && after < anchor) return anchor;
    return anchor + (Math.floor((after - anchor) / this.periodMs) + 1) * this.periodMs;
  }

  previous(at: number): number | undefined {
    const anchor = this.firstAt ?? 0;
    if (this.firstAt !== undefined && at < anchor) return undefined;
    return anchor + Math.floor((at - anchor) / this.periodMs) * this.periodMs;
  }
}
