/**
 * Stats for operators: Ruby's processed/failed totals, and the history resque-ts worker processes
 * write (processed and failed per minute and per hour, by queue and class) with job durations.
 * Ruby and node-resque workers write no history: on a shared Redis it counts resque-ts workers only.
 */
import { ConfigurationError } from "../errors.js";
import { DURATION_BUCKETS_SECONDS } from "../redis/history-format.js";
import type { HistoryResolution } from "../redis/stores/stats-store.js";
import type { AdminContext } from "./context.js";

/** Processed (done or failed) and failed job counts. */
export interface Counts {
  processed: number;
  failed: number;
}

/** The counts of one minute or hour. */
export interface HistoryPoint extends Counts {
  /** Start of the minute or hour. */
  at: Date;
  /** Counts per queue (only queues with jobs in that period). */
  byQueue: Record<string, Counts>;
  /** Counts per job class (only classes with jobs in that period). */
  byClass: Record<string, Counts>;
}

export interface HistoryOptions {
  /** "minute" (kept 1 day by default) or "hour" (kept 7 days by default). Default "minute". */
  resolution?: HistoryResolution;
  /** First period included (rounded down to its start). Default: 60 periods before `until`. */
  since?: Date;
  /** Last period included (rounded down). Default: now, by Redis' clock. */
  until?: Date;
}

export interface History {
  resolution: HistoryResolution;
  /** Every period from `since` to `until`, oldest first; periods without jobs count 0. */
  points: HistoryPoint[];
}

/** How long jobs of one class took, since the durations were first recorded. */
export interface JobDurations {
  class: string;
  /** Jobs measured. */
  count: number;
  /** Their total duration in milliseconds. */
  sumMs: number;
  /** Jobs per duration bucket (not cumulative): `le` is the bucket's upper bound in seconds (Infinity for the last). */
  buckets: { le: number; count: number }[];
}


/** Periods read per round trip. */
const HISTORY_BATCH = 500;
/** The most periods one history call returns (a week of minutes). */
const MAX_POINTS = 7 * 24 * 60;

let create: (context: AdminContext) => AdminStats;

/** `admin.stats`: see docs/admin.md#stats. */
export class AdminStats {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminStats(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Jobs processed (including failed ones, as Ruby counts) and failed, ever (stat:processed, stat:failed). */
  async totals(): Promise<Counts> {
    await this.#context.store.ready();
    return this.#context.store.stats.totals();
  }

  /** Processed and failed per minute or hour, total, per queue and per class (resque-ts workers only). */
  async history(options: HistoryOptions = {}): Promise<History> {
    await this.#context.store.ready();
    const resolution = options.resolution ?? "minute";
    if (resolution !== "minute" && resolution !== "hour") throw new ConfigurationError(`History resolution is "minute" or "hour", got ${JSON.stringify(resolution)}.`);
    const step = resolution === "minute" ? 60 : 3600;
    for (const [name, value] of [["since", options.since], ["until", options.until]] as const) {
      if (value !== undefined && !(value instanceof Date && Number.isFinite(value.getTime()))) {
        throw new ConfigurationError(`History option "${name}" must be a valid Date, got ${JSON.stringify(value)}.`);
      }
    }
    const until = periodStart((options.until?.getTime() ?? (await this.#context.store.server.time())) / 1000, step);
    const since = options.since === undefined ? until - 59 * step : periodStart(options.since.getTime() / 1000, step);
    if (since > until) throw new ConfigurationError("History option \"since\" is after \"until\".");
    const count = (until - since) / step + 1;
    if (count > MAX_POINTS) throw new ConfigurationError(`That history spans ${count} ${resolution}s; ask for at most ${MAX_POINTS} at a time.`);
    const starts = Array.from({ length: count }, (_, i) => since + i * step);
    const hashes: Record<string, string>[] = [];
    for (let i = 0; i < starts.length; i += HISTORY_BATCH) {
      hashes.push(...(await this.#context.store.stats.history(resolution, starts.slice(i, i + HISTORY_BATCH))));
    }
    return { resolution, points: starts.map((start, i) => toPoint(start, hashes[i]!)) };
  }

  /** Job durations per class (resque-ts workers only), optionally of one class. */
  async durations(options: { class?: string } = {}): Promise<JobDurations[]> {
    await this.#context.store.ready();
    const byClass = new Map<string, JobDurations>();
    const entry = (className: string) => {
      let found = byClass.get(className);
      if (!found) {
        found = { class: className, count: 0, sumMs: 0, buckets: DURATION_BUCKETS_SECONDS.map((le) => ({ le, count: 0 })) };
        byClass.set(className, found);
      }
      return found;
    };
    for (const [field, value] of Object.entries(await this.#context.store.stats.durations())) {
      const parsed = parseField(field);
      if (!parsed || parsed.length !== 2 || typeof parsed[0] !== "string") continue;
      const [className, bucket] = parsed as [string, unknown];
      if (options.class !== undefined && className !== options.class) continue;
      const n = Number(value);
      if (!Number.isFinite(n)) continue;
      if (bucket === "sum") {
        entry(className).sumMs = n;
      } else if (typeof bucket === "number" && Number.isInteger(bucket) && bucket >= 0 && bucket < DURATION_BUCKETS_SECONDS.length) {
        const durations = entry(className);
        durations.buckets[bucket]!.count = n;
        durations.count += n;
      }
    }
    return [...byClass.values()].sort((a, b) => (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
  }
}

export function createAdminStats(context: AdminContext): AdminStats {
  return create(context);
}

function periodStart(seconds: number, step: number): number {
  return Math.floor(seconds / step) * step;
}

function parseField(field: string): unknown[] | undefined {
  try {
    const value = JSON.parse(field) as unknown;
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Sums a history hash: fields `["p"|"f", queue, class]` → count. */
export function toPoint(start: number, hash: Record<string, string>): HistoryPoint {
  const point: HistoryPoint = { at: new Date(start * 1000), processed: 0, failed: 0, byQueue: {}, byClass: {} };
  for (const [field, value] of Object.entries(hash)) {
    const parsed = parseField(field);
    const n = Number(value);
    if (!parsed || parsed.length !== 3 || !Number.isFinite(n)) continue;
    const [kind, queue, className] = parsed;
    if ((kind !== "p" && kind !== "f") || typeof queue !== "string" || typeof className !== "string") continue;
    const counter = kind === "p" ? "processed" : "failed";
    point[counter] += n;
    (point.byQueue[queue] ??= { processed: 0, failed: 0 })[counter] += n;
    (point.byClass[className] ??= { processed: 0, failed: 0 })[counter] += n;
  }
  return point;
}
