/**
 * The delayed-job client API behind Resque's enqueueAt/enqueueIn/removeDelayed/reschedule/...
 * (resque-scheduler's delaying extensions), which name jobs by class and args. Arguments are
 * validated before anything is written; Redis work is done by DelayedStore, each change in one
 * script. Reading and repairing the schedule is the admin API's (src/admin/delayed.ts).
 */
import { jobNameOf, type JobClass } from "../job/job.js";
import { assertJsonArgs } from "../job/validate-args.js";
import { hostname } from "node:os";
import type { DelayedStore } from "../redis/stores/delayed-store.js";
import { failureTime } from "../redis/time-formats.js";
import { systemClock, type Clock } from "./clock.js";
import { delayedItemEncodings, encodeDelayedItem } from "./delayed-item.js";
import { dateOfTimestamp, delayMillis, dueTimestamp, toMillis, type DelayedTime } from "./delayed-time.js";

export type JobRef = JobClass | string;

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
    await this.#store.push(dueTimestamp(ms, this.#store.precision), [encodeDelayedItem(target.name, args, target.queue)]);
  }

  /** Removes every delayed copy of this job with exactly these args (on its class's queue). Returns how many. */
  async removeDelayed(job: JobRef, args: unknown[]): Promise<number> {
    return this.#store.remove(this.#encodings(job, undefined, args));
  }

  /** removeDelayed for a job delayed onto an explicit queue. */
  async removeDelayedInQueue(job: JobRef, queue: string, args: unknown[]): Promise<number> {
    return this.#store.remove(this.#encodings(job, queue, args));
  }

  /**
   * Enqueues every delayed copy of this job now, taking it out of the schedule. Returns how many
   * were taken out (a copy that names no queue becomes a failed entry instead of being enqueued).
   */
  async enqueueDelayedNow(job: JobRef, args: unknown[]): Promise<number> {
    return this.#enqueueNow(this.#encodings(job, undefined, args));
  }

  /**
   * Moves every delayed copy of this job to `time` (not in the future: enqueues them now).
   * Returns how many moved; 0 when the job was not delayed.
   */
  async reschedule(time: DelayedTime, job: JobRef, args: unknown[]): Promise<number> {
    const ms = toMillis(time, "new time");
    const encodings = this.#encodings(job, undefined, args);
    if (ms <= this.#clock.now()) return this.#enqueueNow(encodings);
    return this.#store.moveTo(dueTimestamp(ms, this.#store.precision), encodings);
  }

  async #enqueueNow(items: readonly string[]): Promise<number> {
    const failedAt = failureTime(new Date(this.#clock.now()));
    const { moved, failed } = await this.#store.enqueueNow(items, { failedAt, workerId: `${hostname().replace(/:/g, "-")}:${process.pid}:enqueue-delayed` });
    return moved + failed;
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
