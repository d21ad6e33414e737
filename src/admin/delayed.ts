/**
 * Delayed jobs for operators (resque-scheduler's schedule): due times with counts, the jobs at a
 * time, search, and run now / remove / reschedule, one job or by filter. A delayed job is named by
 * its due time and its exact bytes (items at one second have no order that matters).
 */
import { hostname } from "node:os";
import { ConfigurationError, JobChangedError } from "../errors.js";
import type { DelayedChangeMode } from "../redis/stores/delayed-store.js";
import { failureTime } from "../redis/time-formats.js";
import { toDelayedJob, type DelayedJob } from "../scheduler/delayed-item.js";
import { dateOfTimestamp, dueTimestamp, MILLISECOND_TIMESTAMPS_FROM, storedTimestamp, toMillis, type DelayedTime } from "../scheduler/delayed-time.js";
import { emptyResult, walkList, type BulkOptions, type BulkResult } from "./bulk.js";
import { checkIndex, checkPage, checkRaw, queueOfClass, type AdminContext } from "./context.js";
import { checkFilter, DELAYED_FILTER_FIELDS, matchesJob, type DelayedFilter } from "./filters.js";

/** What names one delayed job for a change: a DelayedJob as read, or these two members of it. */
export type DelayedJobRef = Pick<DelayedJob, "at" | "raw">;

/** A due time and the number of jobs due then. */
export interface DelayedTimestamp {
  at: Date;
  size: number;
}

/** Due times read per call while walking the schedule. */
const TIMESTAMP_PAGE = 100;

let create: (context: AdminContext) => AdminDelayed;

/** `admin.delayed`: see docs/admin.md#delayed-jobs. */
export class AdminDelayed {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminDelayed(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Number of delayed jobs at all times (counted a page of due times per call). */
  async count(): Promise<number> {
    await this.#context.store.ready();
    return this.#store.countAll();
  }

  /** Number of distinct due times (resque-scheduler's delayed_queue_schedule_size). */
  async timestampCount(): Promise<number> {
    await this.#context.store.ready();
    return this.#store.scheduleSize();
  }

  /** Due times from position `start` (0 = earliest), at most `count` (default 20), each with its number of jobs. */
  async timestamps(options?: { start?: number; count?: number }): Promise<DelayedTimestamp[]> {
    await this.#context.store.ready();
    const { start, count } = checkPage(options, 20);
    const found = await this.#store.timestampsWithSizes(start, count);
    return found.map(({ timestamp, size }) => ({ at: dateOfTimestamp(timestamp), size }));
  }

  /** Jobs due at `time` (a Date or epoch ms, rounded up to its second as enqueueAt stores it), `count` (default 20) from `start`. */
  async at(time: DelayedTime, options?: { start?: number; count?: number }): Promise<DelayedJob[]> {
    await this.#context.store.ready();
    const timestamp = dueTimestamp(toMillis(time), this.#store.precision);
    const { start, count } = checkPage(options, 20);
    const raws = await this.#store.timestampPeek(timestamp, start, count);
    return raws.map((raw) => toDelayedJob(timestamp, raw));
  }

  /** Delayed jobs the filter selects, earliest first, at most `limit` (default 100). */
  async find(filter: DelayedFilter, options: { limit?: number; signal?: AbortSignal } = {}): Promise<DelayedJob[]> {
    await this.#context.store.ready();
    const checked = checkFilter(filter, DELAYED_FILTER_FIELDS, "delayed job", false);
    const limit = options.limit ?? 100;
    checkIndex(limit, "limit");
    const found: DelayedJob[] = [];
    if (limit === 0) return found;
    for await (const item of this.#store.scan(seconds(checked.from, "up"), seconds(checked.to, "down"))) {
      if (options.signal?.aborted) break;
      const job = toDelayedJob(item.timestamp, item.raw);
      if (selects(checked, job)) found.push(job);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** Puts one delayed job on its queue now. Throws JobChangedError when it is no longer scheduled at that time. */
  async runNow(ref: DelayedJobRef): Promise<void> {
    await this.#context.store.ready();
    await this.#changeOne(ref, { mode: "now" }, "run");
  }

  /** Removes one delayed job. Throws JobChangedError when it is no longer scheduled at that time. */
  async remove(ref: DelayedJobRef): Promise<void> {
    await this.#context.store.ready();
    await this.#changeOne(ref, { mode: "remove" }, "removed");
  }

  /** Moves one delayed job to `time` (rounded up to the second). A time not in the future runs it now. */
  async reschedule(ref: DelayedJobRef, time: DelayedTime): Promise<void> {
    await this.#context.store.ready();
    const ms = toMillis(time, "new time");
    const now = await this.#context.store.server.time();
    await this.#changeOne(ref, ms <= now ? { mode: "now" } : { mode: "at", timestamp: dueTimestamp(ms, this.#store.precision) }, "rescheduled");
  }

  /** Puts every delayed job the filter selects on its queue now. */
  async runNowMatching(filter: DelayedFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#changeMatching(checkFilter(filter, DELAYED_FILTER_FIELDS, "delayed job", true), { mode: "now" }, options);
  }

  /** Removes every delayed job the filter selects. */
  async removeMatching(filter: DelayedFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#changeMatching(checkFilter(filter, DELAYED_FILTER_FIELDS, "delayed job", true), { mode: "remove" }, options);
  }

  /** Removes every delayed job. */
  async clear(options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#changeMatching({}, { mode: "remove" }, options);
  }

  get #store() {
    return this.#context.store.delayed;
  }

  async #changeOne(ref: DelayedJobRef, change: DelayedChangeMode, verb: string): Promise<void> {
    const { timestamp, raw } = checkRef(ref);
    const { changed } = await this.#store.changeAt([{ timestamp, raw, copies: 1 }], change, this.#failureFields());
    if (changed === 0) {
      throw new JobChangedError(
        `The delayed job due at ${dateOfTimestamp(timestamp).toISOString()} was not ${verb}: it is no longer scheduled then as it was read (the scheduler moved it, or another client removed or rescheduled it). Reload and try again.`,
      );
    }
  }

  /** Walks every due time in the filter's range, earliest first, and each time's list a chunk per call. */
  async #changeMatching(filter: DelayedFilter, change: DelayedChangeMode, options: BulkOptions): Promise<BulkResult> {
    const total = await this.#store.countAll();
    const result = emptyResult();
    const to = seconds(filter.to, "down");
    let after = seconds(filter.from, "up");
    after = after === undefined ? undefined : after - 1;
    for (;;) {
      const timestamps = await this.#store.timestampsAfter(after, TIMESTAMP_PAGE, to);
      for (const timestamp of timestamps) {
        const before = result.examined;
        const part = await walkList(
          { length: () => this.#store.timestampSize(timestamp), after: (anchor, count) => this.#store.timestampAfter(timestamp, anchor, count) },
          {
            select: (raw) => (selects(filter, toDelayedJob(timestamp, raw)) ? "act" : "leave"),
            act: async (refs) => {
              const items = refs.map((ref) => ({ timestamp, raw: ref.raw, copies: 1 }));
              const { changed } = await this.#store.changeAt(items, change, this.#failureFields());
              return { affected: changed, missing: refs.length - changed };
            },
          },
          { ...(options.signal ? { signal: options.signal } : {}), onProgress: (done) => options.onProgress?.(before + done, Math.max(total, before + done)) },
        );
        for (const key of ["examined", "matched", "affected", "changedMeanwhile", "skipped"] as const) result[key] += part[key];
        if (part.aborted) {
          result.aborted = true;
          return result;
        }
      }
      if (timestamps.length < TIMESTAMP_PAGE) return result;
      after = timestamps[timestamps.length - 1];
    }
  }

  #failureFields() {
    return { failedAt: failureTime(new Date()), workerId: `${hostname().replace(/:/g, "-")}:${process.pid}:resque-admin`, queueOfClass: queueOfClass(this.#context) };
  }
}

export function createAdminDelayed(context: AdminContext): AdminDelayed {
  return create(context);
}

function selects(filter: DelayedFilter, job: DelayedJob): boolean {
  if (filter.queue !== undefined && job.queue !== filter.queue) return false;
  if (filter.from !== undefined && job.at < filter.from) return false;
  if (filter.to !== undefined && job.at > filter.to) return false;
  return matchesJob(filter, { class: job.class, args: job.args, payloadRaw: job.raw });
}

/** A filter bound as unix seconds (items sit at whole seconds). */
function seconds(date: Date | undefined, round: "up" | "down"): number | undefined {
  if (date === undefined) return undefined;
  return round === "up" ? Math.ceil(date.getTime() / 1000) : Math.floor(date.getTime() / 1000);
}

function checkRef(ref: DelayedJobRef): { timestamp: number; raw: string } {
  if (typeof ref !== "object" || ref === null || !(ref.at instanceof Date) || !Number.isFinite(ref.at.getTime())) {
    throw new ConfigurationError("A delayed job is named by { at, raw } as read from the admin API (at is a Date).");
  }
  // A whole second, or (delayPrecision "milliseconds") an exact millisecond, as read.
  const ms = ref.at.getTime();
  if (ms % 1000 !== 0 && ms < MILLISECOND_TIMESTAMPS_FROM) {
    throw new ConfigurationError(`A delayed job's time is a whole second (or an exact millisecond after 1973), as read; got ${ref.at.toISOString()}.`);
  }
  return { timestamp: storedTimestamp(ms), raw: checkRaw(ref.raw, "The delayed job's raw item") };
}
