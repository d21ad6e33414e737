/**
 * The failed-jobs API (Resque::Failure): list, retry, remove, clear. Indexes are positions in the
 * `failed` list, 0 = oldest, exactly as Ruby Resque and resque-web number them.
 */
import { ResqueError } from "../errors.js";
import { withMember } from "../job/json-span.js";
import type { FailureStore } from "../redis/stores/failure-store.js";
import { failureTimeWithoutZone } from "../redis/time-formats.js";
import { parseFailureEntry, payloadToRequeue, type FailedJob } from "./failure-entry.js";

/** The failed entry at an index changed between reading and acting (another client edited the list). */
export class FailedEntryChangedError extends ResqueError {
  override name = "FailedEntryChangedError";
}

export class FailedJobs {
  constructor(private readonly store: FailureStore) {}

  count(): Promise<number> {
    return this.store.count();
  }

  /** Failed jobs from `start` (0 = oldest), at most `count` (default: all). */
  async all(start = 0, count?: number): Promise<FailedJob[]> {
    const total = count ?? (await this.store.count());
    const raws = await this.store.range(start, total);
    return raws.map((raw, i) => parseFailureEntry(raw, start + i));
  }

  async get(index: number): Promise<FailedJob | undefined> {
    const raw = await this.store.get(index);
    return raw === null ? undefined : parseFailureEntry(raw, index);
  }

  /** Puts the job back on its queue and stamps the entry with retried_at (Resque::Failure.requeue). */
  async retry(index: number): Promise<void> {
    await this.#requeue(index, false);
  }

  /** Puts the job back on its queue and removes the entry (Resque::Failure.requeue_and_remove). */
  async retryAndRemove(index: number): Promise<void> {
    await this.#requeue(index, true);
  }

  async remove(index: number): Promise<void> {
    const job = await this.#read(index);
    if (!(await this.store.remove(index, job.raw))) throw this.#changed(index);
  }

  /** Requeues every failed job, keeping the entries (Resque::Failure.requeue_all). Returns how many. */
  async retryAll(): Promise<number> {
    const total = await this.store.count();
    let requeued = 0;
    for (let index = 0; index < total; index++) {
      const job = await this.get(index);
      if (!job || !job.queue) continue;
      await this.#requeueJob(job, false);
      requeued++;
    }
    return requeued;
  }

  /** Requeues and removes every failed job. Returns how many. */
  async retryAndRemoveAll(): Promise<number> {
    let requeued = 0;
    for (;;) {
      const job = await this.get(0);
      if (!job) return requeued;
      if (!job.queue) throw new ResqueError(`Failed job 0 has no queue to retry on; remove it instead.`);
      await this.#requeueJob(job, true);
      requeued++;
    }
  }

  async clear(): Promise<void> {
    await this.store.clear();
  }

  async #read(index: number): Promise<FailedJob> {
    const job = await this.get(index);
    if (!job) throw new ResqueError(`There is no failed job at index ${index}.`);
    return job;
  }

  async #requeue(index: number, remove: boolean): Promise<void> {
    const job = await this.#read(index);
    if (!job.queue) throw new ResqueError(`Failed job ${index} has no queue to retry on.`);
    await this.#requeueJob(job, remove);
  }

  async #requeueJob(job: FailedJob, remove: boolean): Promise<void> {
    const updated = remove ? null : withMember(job.raw, "retried_at", JSON.stringify(failureTimeWithoutZone(new Date())));
    const done = await this.store.requeue(job.index, job.raw, updated, job.queue, payloadToRequeue(job));
    if (!done) throw this.#changed(job.index);
  }

  #changed(index: number): FailedEntryChangedError {
    return new FailedEntryChangedError(`The failed job at index ${index} changed while it was being handled; reload and try again.`);
  }
}
