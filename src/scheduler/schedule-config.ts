/**
 * Validates schedule entries (from a file, code or Redis) into Schedules, with errors that name
 * the entry and the field. Field names and meanings follow resque-scheduler.
 */
import { encodePayload } from "../job/payload.js";
import type { JobRegistry } from "../job/registry.js";
import { CronTiming } from "./cron.js";
import { ScheduleConfigError } from "../errors.js";
import { EveryTiming, parseDuration } from "./every.js";
import { MISSED_POLICIES, type MissedPolicy } from "./missed-runs.js";
import type { IntervalOptions, Schedule, ScheduleConfig } from "./schedule.js";
import { zoneNamed } from "./zoned-time.js";

export interface ScheduleContext {
  /** The queue of a registered job class, or undefined when the class is not registered. */
  queueOf(className: string): string | undefined;
  /** Zone for cron schedules that name none; default the process's zone. */
  timezone?: string;
  /** Current RAILS_ENV for `rails_env`/`env` filters (resque-scheduler's env). */
  env?: string;
}

/** The context of a job registry: unqueued schedules take their registered class's queue. */
export function scheduleContext(registry: JobRegistry, options: { timezone?: string | undefined; env?: string | undefined } = {}): ScheduleContext {
  return {
    queueOf: (className) => registry.get(className)?.queue ?? undefined,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
    ...(options.env === undefined ? {} : { env: options.env }),
  };
}

const FIELDS = ["class", "cron", "every", "queue", "args", "description", "enabled", "tz", "missed", "rails_env", "env", "persist"];
const INTERVAL_OPTIONS = ["first_in", "first_at"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Validates one entry. Throws ScheduleConfigError naming the entry and the field. */
export function parseSchedule(name: string, value: unknown, context: ScheduleContext): Schedule {
  const fail = (field: string | undefined, problem: string) => new ScheduleConfigError(name, field, problem);
  if (name.trim() === "") throw fail(undefined, "a schedule needs a non-empty name");
  if (!isObject(value)) {
    throw fail(undefined, `must be a mapping of fields (cron or every, class, queue, args, ...), got ${JSON.stringify(value) ?? String(value)}`);
  }
  for (const field of Object.keys(value)) {
    if (field === "custom_job_class") throw fail(field, "is not supported; enqueue a job class that does what the custom class would");
    if (!FIELDS.includes(field)) throw fail(field, `is not a schedule field; known fields: ${FIELDS.join(", ")}`);
  }
  const config = value as ScheduleConfig & Record<string, unknown>;
  const text = (field: string): string | undefined => {
    const v = config[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v.trim() === "") throw fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };

  // Environment filters are applied by loadsInEnv; here they only have to be text.
  for (const field of ["rails_env", "env"]) text(field);
  const className = text("class") ?? name;
  const tz = text("tz");
  if (tz !== undefined && !zoneNamed(tz)) throw fail("tz", `"${tz}" is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);

  if (config.cron === undefined && config.every === undefined) throw fail(undefined, 'needs "cron" or "every" to say when it runs');
  if (config.cron !== undefined && config.every !== undefined) throw fail("every", 'cannot be combined with "cron"; keep one');
  const kind = config.cron !== undefined ? "cron" : "every";
  const [expression, options] = intervalValue(config[kind], kind, fail);
  const firstIn = options.first_in === undefined ? undefined : duration(options.first_in, kind, "first_in", fail);
  const firstAt = options.first_at === undefined ? undefined : time(options.first_at, kind, fail);

  let timing;
  if (kind === "cron") {
    try {
      timing = new CronTiming(expression, tz ?? context.timezone);
    } catch (error) {
      throw fail("cron", `"${expression}" ${(error as Error).message}`);
    }
  } else {
    if (tz !== undefined) throw fail("tz", 'applies to "cron" schedules only; an "every" interval is absolute time');
    timing = new EveryTiming(duration(expression, "every", undefined, fail), firstAt);
  }

  const queue = text("queue") ?? context.queueOf(className);
  if (queue === undefined) {
    throw fail("queue", `is missing and "${className}" is not a registered job with a static queue; set "queue", or register the job (--require its module)`);
  }

  const rawArgs = config.args;
  const args = Array.isArray(rawArgs) ? rawArgs : rawArgs === undefined || rawArgs === null ? [] : [rawArgs];
  let payload: string;
  try {
    payload = encodePayload(className, args);
  } catch (error) {
    throw fail("args", (error as Error).message);
  }

  const description = config.description;
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw fail("description", `must be text, got ${JSON.stringify(description)}`);
  }
  const enabled = config.enabled ?? true;
  if (typeof enabled !== "boolean") throw fail("enabled", `must be true or false, got ${JSON.stringify(enabled)}`);
  const missed = config.missed ?? "skip";
  if (!MISSED_POLICIES.includes(missed as MissedPolicy)) {
    throw fail("missed", `must be one of ${MISSED_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(missed)}`);
  }
  if (config.persist !== undefined && typeof config.persist !== "boolean") throw fail("persist", "must be true or false");

  return {
    name,
    className,
    queue,
    args,
    payload,
    description: description ?? undefined,
    enabled,
    missed: missed as MissedPolicy,
    timing,
    kind,
    expression,
    firstAt,
    firstIn,
    config,
  };
}

/**
 * resque-scheduler's environment filter: a schedule with `rails_env` (or `env`) loads only when
 * the current env is in that comma/space separated list; one without loads everywhere.
 */
export function loadsInEnv(config: ScheduleConfig, env: string | undefined): boolean {
  const filter = config.rails_env ?? config.env;
  if (filter === undefined || filter === null) return true;
  return env !== undefined && env !== "" && filter.split(/[\s,]+/).includes(env);
}

/**
 * Validates every entry of a name → config mapping, leaving out those another env's filter
 * excludes; collects all problems instead of stopping at the first.
 */
export function parseSchedules(entries: unknown, context: ScheduleContext): { schedules: Schedule[]; problems: ScheduleConfigError[] } {
  const schedules: Schedule[] = [];
  const problems: ScheduleConfigError[] = [];
  if (!isObject(entries)) {
    problems.push(new ScheduleConfigError("(top level)", undefined, "a schedule is a mapping of schedule names to their settings"));
    return { schedules, problems };
  }
  for (const [name, value] of Object.entries(entries)) {
    try {
      const schedule = parseSchedule(name, value, context);
      if (loadsInEnv(schedule.config, context.env)) schedules.push(schedule);
    } catch (error) {
      if (error instanceof ScheduleConfigError) problems.push(error);
      else throw error;
    }
  }
  return { schedules, problems };
}

type Fail = (field: string | undefined, problem: string) => ScheduleConfigError;

/** The expression text of a cron or every value; `every` also takes a number of seconds. */
function expressionOf(value: unknown, field: string): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (field === "every" && typeof value === "number") return String(value);
  return undefined;
}

function intervalValue(value: unknown, field: string, fail: Fail): [string, IntervalOptions] {
  const expression = expressionOf(value, field);
  if (expression !== undefined) return [expression, {}];
  const head = Array.isArray(value) ? expressionOf(value[0], field) : undefined;
  if (Array.isArray(value) && head !== undefined && value.length <= 2 && (value[1] === undefined || isObject(value[1]))) {
    const options = (value[1] ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(options)) {
      if (!INTERVAL_OPTIONS.includes(key)) throw fail(field, `option "${key}" is unknown; options are ${INTERVAL_OPTIONS.join(", ")}`);
    }
    return [head, options as IntervalOptions];
  }
  const shape = field === "every" ? "a number of seconds, a string" : "a string";
  throw fail(field, `must be ${shape}, or [${field === "every" ? "interval" : "string"}, { first_in, first_at }], got ${JSON.stringify(value)}`);
}

function duration(value: unknown, field: string, option: string | undefined, fail: Fail): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw fail(field, `${option ? `option "${option}": ` : ""}${(error as Error).message}`);
  }
}

function time(value: unknown, field: string, fail: Fail): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw fail(field, `option "first_at" must be an ISO-8601 time like "2026-01-01T06:00:00Z", got ${JSON.stringify(value)}`);
  return Math.ceil(ms / 1000) * 1000;
}
