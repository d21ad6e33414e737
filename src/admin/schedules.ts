/**
 * Recurring schedules for operators: every schedule the leading scheduler runs (from its schedule
 * file or code, which it publishes to Redis) and every dynamic schedule stored in Redis
 * (resque-scheduler's `persistent_schedules`), with cron text, last and next run, and whether it
 * is enabled; enable, disable, run now, and create, edit or remove dynamic schedules.
 */
import { ConfigurationError, NotFoundError } from "../errors.js";
import { encodePayload } from "../job/payload.js";
import { parseResqueTime } from "../redis/time-formats.js";
import { dateOfTimestamp } from "../scheduler/delayed-time.js";
import type { ScheduleConfig } from "../scheduler/schedule.js";
import { parseSchedule, scheduleContext, type ScheduleContext } from "../scheduler/schedule-config.js";
import { checkName, type AdminContext } from "./context.js";

export interface ScheduleInfo {
  name: string;
  /** "static": from the leading scheduler's schedule file or code; "dynamic": stored in Redis. */
  source: "static" | "dynamic";
  /** The config as written. */
  config: ScheduleConfig;
  class: string;
  /** The queue it enqueues to; undefined when neither the config nor a loaded job class says. */
  queue: string | undefined;
  args: unknown[];
  kind: "cron" | "every" | undefined;
  /** The cron text or interval as written. */
  expression: string | undefined;
  description: string | undefined;
  /** It fires: enabled in its config and not disabled by an operator. */
  enabled: boolean;
  /** An operator disabled it (`disable()`); the scheduler skips its slots until `enable()`. */
  disabledByOperator: boolean;
  /** The leading scheduler runs it (as last published); false e.g. for a dynamic schedule while no scheduler runs with dynamic schedules on. */
  loaded: boolean;
  /** Why the leading scheduler cannot run it (an invalid dynamic schedule). */
  error: string | undefined;
  /** The slot it last fired for (resque-ts schedulers). */
  lastRun: Date | undefined;
  /** The slot the leading scheduler expects to fire next. */
  nextRun: Date | undefined;
  /** When it last fired, as any resque-scheduler records it (delayed:last_enqueued_at). */
  lastEnqueuedAt: Date | undefined;
}

/** The scheduler holding the leader lock. */
export interface SchedulerLeader {
  /** The lock's value: `host:pid` (resque-scheduler's and ours alike). */
  holder: string;
  /** Milliseconds the lock has left unless the leader extends it. */
  ttlMs: number;
}

/** What the leading scheduler publishes for each schedule (docs/redis-layout.md, `resque-ts:schedules`). */
interface Published {
  source?: "static" | "dynamic";
  config?: unknown;
  class?: string;
  queue?: string;
  args?: unknown[];
  kind?: "cron" | "every";
  expression?: string;
  description?: string;
  enabled?: boolean;
  error?: string;
}

let create: (context: AdminContext) => AdminSchedules;

/** A schedule's timing as parsed from its config (or why it cannot be). */
interface ParsedTiming {
  expression: string | undefined;
  enabled: boolean | undefined;
  error: string | undefined;
}

/** Parsed timings remembered per admin (more distinct configs than this start the memory afresh). */
const PARSED_TIMINGS_KEPT = 10_000;

/** `admin.schedules`: see docs/admin.md#schedules. */
export class AdminSchedules {
  readonly #context: AdminContext;
  readonly #parsedTimings = new Map<string, ParsedTiming>();

  static {
    create = (context) => new AdminSchedules(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Every schedule, by name. */
  async list(): Promise<ScheduleInfo[]> {
    await this.#context.store.ready();
    const store = this.#store;
    const [published, persistent, disabled, lastRuns, nextRuns, lastEnqueued] = await Promise.all([
      store.published(),
      store.allPersistent(),
      store.disabled(),
      store.lastRuns(),
      store.nextRuns(),
      store.lastEnqueuedAt(),
    ]);
    const names = new Set([...Object.keys(published), ...Object.keys(persistent)]);
    const infos: ScheduleInfo[] = [];
    for (const name of [...names].sort()) {
      const entry = parse<Published>(published[name]);
      const stored = persistent[name];
      // A dynamic schedule in Redis is the truth for its config; the published copy may lag a reload.
      const config = (stored !== undefined ? (parse<ScheduleConfig>(stored) ?? {}) : (entry?.config ?? {})) as ScheduleConfig;
      const described = this.#describe(name, config);
      const isDisabled = disabled.has(name);
      const configEnabled = entry?.enabled ?? described.enabled ?? config.enabled !== false;
      const lastRun = lastRuns.get(name);
      const nextRun = nextRuns.get(name);
      infos.push({
        name,
        source: stored !== undefined ? "dynamic" : (entry?.source ?? "static"),
        config,
        class: entry?.class ?? described.class,
        queue: entry?.queue ?? described.queue,
        args: entry?.args ?? described.args,
        kind: entry?.kind ?? described.kind,
        expression: entry?.expression ?? described.expression,
        description: entry?.description ?? (typeof config.description === "string" ? config.description : undefined),
        enabled: configEnabled && !isDisabled,
        disabledByOperator: isDisabled,
        loaded: entry !== undefined && entry.error === undefined,
        error: entry?.error ?? described.error,
        lastRun: lastRun === undefined ? undefined : dateOfTimestamp(lastRun),
        nextRun: nextRun === undefined ? undefined : dateOfTimestamp(nextRun),
        lastEnqueuedAt: parseResqueTime(lastEnqueued[name]),
      });
    }
    return infos;
  }

  /** One schedule, or undefined. */
  async get(name: string): Promise<ScheduleInfo | undefined> {
    await this.#context.store.ready();
    checkName(name, "The schedule name");
    return (await this.list()).find((s) => s.name === name);
  }

  /** Stops the schedule from firing (its slots are skipped, not saved up) until enable(). Kept in Redis; every resque-ts scheduler honours it. */
  async disable(name: string): Promise<void> {
    await this.#context.store.ready();
    await this.#known(name);
    await this.#store.setDisabled(name, true);
  }

  /** Undoes disable(). A schedule whose config says `enabled: false` stays off: edit its config. */
  async enable(name: string): Promise<void> {
    await this.#context.store.ready();
    checkName(name, "The schedule name");
    await this.#store.setDisabled(name, false);
  }

  /** Enqueues the schedule's job now, outside its slots (its next slot still fires as planned). Returns the queue. */
  async runNow(name: string): Promise<string> {
    await this.#context.store.ready();
    const info = await this.#known(name);
    if (info.queue === undefined) {
      throw new ConfigurationError(`Schedule "${name}" names no queue and its class "${info.class}" is not known here; set "queue" in its config.`);
    }
    await this.#context.store.queues.push(info.queue, [encodePayload(info.class, info.args)]);
    return info.queue;
  }

  /**
   * Creates or replaces a dynamic schedule (resque-scheduler's set_schedule), validated first
   * (throws ScheduleConfigError). Stored as given, without `persist`, so Ruby's resque-scheduler
   * reads it too; the leading scheduler (with dynamic schedules on) loads it at once.
   */
  async set(name: string, config: ScheduleConfig): Promise<void> {
    await this.#context.store.ready();
    checkName(name, "The schedule name");
    parseSchedule(name, config, this.#validation());
    const { persist: _persist, ...stored } = config;
    await this.#store.setPersistent(name, JSON.stringify(stored));
  }

  /** Deletes a dynamic schedule. Returns whether it existed. A static schedule cannot be removed here: edit its file. */
  async remove(name: string): Promise<boolean> {
    await this.#context.store.ready();
    checkName(name, "The schedule name");
    return this.#store.removePersistent(name);
  }

  /** The scheduler holding the leader lock (Ruby's or ours), or undefined when none leads. */
  async leader(): Promise<SchedulerLeader | undefined> {
    await this.#context.store.ready();
    return this.#context.store.schedulerLock.lease();
  }

  get #store() {
    return this.#context.store.schedules;
  }

  async #known(name: string): Promise<ScheduleInfo> {
    checkName(name, "The schedule name");
    const info = await this.get(name);
    if (!info) throw new NotFoundError(`There is no schedule "${name}" (neither published by the leading scheduler nor stored as a dynamic schedule).`);
    return info;
  }

  /**
   * Validation context: the Resque's job classes when there is one; a standalone Admin loads no
   * job classes, so a schedule without `queue` is accepted and takes its class's queue in the
   * scheduler (which must have that class registered).
   */
  #validation(): ScheduleContext {
    if (this.#context.registry) return scheduleContext(this.#context.registry);
    return { queueOf: () => "(the job class's queue)" };
  }

  /** What can be told of a config without the scheduler: class, queue, args, timing, or why it is invalid. */
  #describe(name: string, config: ScheduleConfig) {
    const rawArgs = config.args;
    const args = Array.isArray(rawArgs) ? rawArgs : rawArgs === undefined || rawArgs === null ? [] : [rawArgs];
    const className = typeof config.class === "string" && config.class !== "" ? config.class : name;
    const base = {
      class: className,
      queue: typeof config.queue === "string" && config.queue !== "" ? config.queue : this.#context.registry?.get(className)?.queue ?? undefined,
      args,
      kind: config.cron !== undefined ? ("cron" as const) : config.every !== undefined ? ("every" as const) : undefined,
      expression: undefined as string | undefined,
      enabled: undefined as boolean | undefined,
      error: undefined as string | undefined,
    };
    return { ...base, ...this.#parsed(name, config, base.queue) };
  }

  /**
   * The parsed timing of a schedule, remembered per (name, config): parsing a cron expression and
   * its time zone costs about half a millisecond, and dashboards list every schedule on each refresh.
   */
  #parsed(name: string, config: ScheduleConfig, queue: string | undefined): ParsedTiming {
    // The queue is part of the key: validity can depend on whether the class is registered here.
    const key = `${name}\0${queue ?? ""}\0${JSON.stringify(config)}`;
    let parsed = this.#parsedTimings.get(key);
    if (parsed === undefined) {
      try {
        const schedule = parseSchedule(name, config, this.#validation());
        parsed = { expression: schedule.expression, enabled: schedule.enabled, error: undefined };
      } catch (error) {
        parsed = { expression: undefined, enabled: undefined, error: (error as Error).message };
      }
      if (this.#parsedTimings.size >= PARSED_TIMINGS_KEPT) this.#parsedTimings.clear();
      this.#parsedTimings.set(key, parsed);
    }
    return parsed;
  }
}

export function createAdminSchedules(context: AdminContext): AdminSchedules {
  return create(context);
}

function parse<T>(json: string | undefined): T | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
