/**
 * The delayed-job API behind Resque's enqueueAt/enqueueIn/removeDelayed/... (resque-scheduler's
 * delaying extensions). Arguments are validated before anything is written; Redis work is done by
 * DelayedStore, each change in one script.
 */
import { jobNameOf, type JobClass } from "../job/job.js";
import { assertJsonArgs } from "../job/validate-args.js";
import type { DelayedStore, StoredDelayedItem } from "../redis/stores/delayed-store.js";
import { systemClock, type Clock } from "./clock.js";
import { decodeDelayedItem, delayedItemEncodings, encodeDelayedItem } from "./delayed-item.js";
import { dateOfTimestamp, delayMillis, dueTimestamp, toMillis, type DelayedTime } from "./delayed-time.js";

export type JobRef = JobClass | string;

/** A delayed job as the read API shows it. */
export interface DelayedJob {
  class: string;
  args: unknown[];
  /** The queue it will go to; undefined when the item names none. */
  queue: string | undefined;
  /** When it is due (whole seconds). */
  at: Date;
  /** The item exactly as stored. */
  raw: string;
  /** Why the item cannot be run, when it cannot. */
  error?: string;
}

/** Which jobs a selection looks at: `args` and the whole item; return true to select. */
export type DelayedPredicate = (args: unknown[], job: DelayedJob) => boolean;

export interface DelayedJobsDeps {
  /** The payload name and queue of a job reference (throws for unknown jobs or missing queues). */
  target(job: JobRef, queue?: string): { name: string; queue: string };
  /**
   * Enqueues a job right away, for times that are not in the future. Resque passes its own
   * enqueueTo, so whatever wraps enqueueing (enqueue hooks) applies to these jobs too.
   */
  enqueueNow(queue: string, job: JobRef, args: unknown[]): Promise<unknown>;
  clock?: Clock;
}

export class DelayedJobs {
  readonly #store: DelayedStore;
  readonly #deps: DelayedJobsDeps;
  readonly #clock: Clock;

  constructor(store: DelayedStore, deps: DelayedJobsDeps) {
    this.#store = store;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Runs a job at `time` on its class's queue; a time not in the future enqueues it now. */
  async enqueueAt(time: DelayedTime, job: JobRef, args: unknown[]): Promise<void> {
    return this.#schedule(toMillis(time), job, undefined, args);
  }

  async enqueueAtWithQueue(queue: string, time: DelayedTime, job: JobRef, args: unknown[]): Promise<void> {
    return this.#schedule(toMillis(time), job, queue, args);
  }

  async enqueueIn(seconds: number, job: JobRef, args: unknown[]): Promise<void> {
    return this.#schedule(this.#clock.now() + delayMillis(seconds), job, undefined, args);
  }

  async enqueueInWithQueue(queue: string, seconds: number, job: JobRef, args: unknown[]): Promise<void> {
    return this.#schedule(this.#clock.now() + delayMillis(seconds), job, queue, args);
  }

  async #schedule(ms: number, job: JobRef, queue: string | undefined, args: unknown[]): Promise<void> {
    const target = this.#deps.target(job, queue);
    assertJsonArgs(args);
    if (ms <= this.#clock.now()) {
      await this.#deps.enqueueNow(target.queue, job, args);
      return;
    }
    await this.#store.push(dueTimestamp(ms), [encodeDelayedItem(target.name, args, target.queue)]);
  }

  /** Removes every delayed copy of this job with exactly these args (on its class's queue). Returns how many. */
  async removeDelayed(job: JobRef, args: unknown[]): Promise<number> {
    return this.#store.remove(this.#encodings(job, undefined, args));
  }

  /** removeDelayed for a job delayed onto an explicit queue. */
  async removeDelayedInQueue(job: JobRef, queue: string, args: unknown[]): Promise<number> {
    return this.#store.remove(this.#encodings(job, queue, args));
  }

  /** Enqueues every delayed copy of this job now, taking it out of the schedule. Returns how many. */
  async enqueueDelayedNow(job: JobRef, args: unknown[]): Promise<number> {
    return this.#store.enqueueNow(this.#encodings(job, undefined, args));
  }

  /**
   * Moves every delayed copy of this job to `time` (not in the future: enqueues them now).
   * Returns how many moved; 0 when the job was not delayed.
   */
  async reschedule(time: DelayedTime, job: JobRef, args: unknown[]): Promise<number> {
    const ms = toMillis(time, "new time");
    const encodings = this.#encodings(job, undefined, args);
    if (ms <= this.#clock.now()) return this.#store.enqueueNow(encodings);
    return this.#store.moveTo(dueTimestamp(ms), encodings);
  }

  /** Delayed jobs the predicate selects, optionally of one job class only, earliest first. */
  async findDelayedSelection(predicate: DelayedPredicate, job?: JobRef): Promise<DelayedJob[]> {
    const className = job === undefined ? undefined : typeof job === "string" ? job : jobNameOf(job);
    const found: DelayedJob[] = [];
    for await (const stored of this.#store.scan()) {
      const delayed = toDelayedJob(stored);
      if (className !== undefined && delayed.class !== className) continue;
      if (predicate(delayed.args, delayed)) found.push(delayed);
    }
    return found;
  }

  /** Removes the delayed jobs the predicate selects. Returns how many. */
  async removeDelayedSelection(predicate: DelayedPredicate, job?: JobRef): Promise<number> {
    const found = await this.findDelayedSelection(predicate, job);
    return this.#store.removeAt(uniqueItems(found));
  }

  /** Enqueues the delayed jobs the predicate selects now. Returns how many. */
  async enqueueDelayedSelection(predicate: DelayedPredicate, job?: JobRef): Promise<number> {
    const found = await this.findDelayedSelection(predicate, job);
    const raws = [...new Set(found.filter((f) => f.queue !== undefined && !f.error).map((f) => f.raw))];
    return raws.length === 0 ? 0 : this.#store.enqueueNow(raws);
  }

  /** Due times that have delayed jobs, earliest first: `count` of them from position `start` (all by default). */
  async delayedTimestamps(start = 0, count?: number): Promise<Date[]> {
    return (await this.#store.timestamps(start, count)).map(dateOfTimestamp);
  }

  /** Delayed jobs due at `time` (rounded up to its second, as enqueueAt stores it). */
  async delayedTimestampPeek(time: DelayedTime, start = 0, count = 1): Promise<DelayedJob[]> {
    const timestamp = dueTimestamp(toMillis(time));
    const raws = await this.#store.timestampPeek(timestamp, start, count);
    return raws.map((raw) => toDelayedJob({ timestamp, raw }));
  }

  /** Number of delayed jobs due at `time`. */
  async delayedTimestampSize(time: DelayedTime): Promise<number> {
    return this.#store.timestampSize(dueTimestamp(toMillis(time)));
  }

  /** Number of distinct due times (resque-scheduler's delayed_queue_schedule_size). */
  async delayedQueueScheduleSize(): Promise<number> {
    return this.#store.scheduleSize();
  }

  /** Number of delayed jobs at all times. */
  async countDelayed(): Promise<number> {
    return this.#store.countAll();
  }

  /** When this job with exactly these args is delayed to (on its class's queue), earliest first. */
  async scheduledAt(job: JobRef, args: unknown[]): Promise<Date[]> {
    return (await this.#store.scheduledAt(this.#encodings(job, undefined, args))).map(dateOfTimestamp);
  }

  #encodings(job: JobRef, queue: string | undefined, args: unknown[]): string[] {
    const target = this.#deps.target(job, queue);
    assertJsonArgs(args);
    return delayedItemEncodings(target.name, args, target.queue);
  }
}

function toDelayedJob(stored: StoredDelayedItem): DelayedJob {
  const decoded = decodeDelayedItem(stored.raw);
  return {
    class: decoded.class,
    args: decoded.args,
    queue: decoded.queue,
    at: dateOfTimestamp(stored.timestamp),
    raw: stored.raw,
    ...(decoded.error ? { error: decoded.error } : {}),
  };
}

function uniqueItems(found: readonly DelayedJob[]): StoredDelayedItem[] {
  const seen = new Map<string, StoredDelayedItem>();
  for (const job of found) {
    const timestamp = job.at.getTime() / 1000;
    seen.set(`${timestamp} ${job.raw}`, { timestamp, raw: job.raw });
  }
  return [...seen.values()];
}
