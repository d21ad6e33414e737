/** A recurring schedule: its config as written (file or Redis) and the validated form the scheduler runs. */
import type { MissedPolicy } from "./missed-runs.js";
import type { Timing } from "./timing.js";

/** Options of the `[interval, {…}]` form of `every` (and accepted for `cron`, as Ruby does). */
export interface IntervalOptions {
  /** Delay before the first run of a schedule that has never run: a duration ("10m", 600). */
  first_in?: string | number;
  /** The first slot (an ISO-8601 time); `every` slots count from it, and none come before it. */
  first_at?: string | Date;
}

/**
 * A schedule entry as written in a schedule file or in resque-scheduler's `persistent_schedules`
 * (its field names). One of `cron` and `every` is required.
 */
export interface ScheduleConfig {
  /** Job class name written in the payload; default: the schedule's name. */
  class?: string;
  /** 5 or 6 fields, optionally followed by an IANA zone: "0 6 * * 1 Europe/Stockholm". */
  cron?: string | [string, IntervalOptions];
  /** An interval: a number of seconds (30), "30s", "5m", "1h30m", "1d", "PT30S"; or [interval, { first_in, first_at }]. */
  every?: string | number | [string | number, IntervalOptions];
  /** Default: the registered job class's queue. */
  queue?: string;
  /** An array is the argument list; any other value is the one argument; default none. */
  args?: unknown;
  description?: string;
  /** false keeps the schedule listed but never fires it. Default true. */
  enabled?: boolean;
  /** IANA time zone of a cron schedule; default the process's zone (TZ). */
  tz?: string;
  /** What to do with slots missed while no scheduler ran: "skip" (default), "last" or "all". */
  missed?: MissedPolicy;
  /** resque-scheduler's environment filter: the schedule loads only when RAILS_ENV is listed. */
  rails_env?: string;
  env?: string;
  /** resque-scheduler's set_schedule flag; only meaningful for dynamic schedules, ignored here. */
  persist?: boolean;
}

/** A validated schedule. */
export interface Schedule {
  name: string;
  className: string;
  queue: string;
  args: unknown[];
  /** The queue payload it enqueues, `{"class","args"}`. */
  payload: string;
  description: string | undefined;
  enabled: boolean;
  missed: MissedPolicy;
  timing: Timing;
  /** "cron" or "every", and the expression as written. */
  kind: "cron" | "every";
  expression: string;
  /** Epoch ms before which no slot exists (first_at). */
  firstAt: number | undefined;
  /** Delay (ms) before the first run of a schedule that never ran (first_in). */
  firstIn: number | undefined;
  /** The config it came from. */
  config: ScheduleConfig;
}
