/**
 * The Resque facade: configuration, the Redis connection, the job registry, and the entry
 * points applications use (enqueue*, queue inspection, failed jobs, workers).
 */
import { ConfigurationError, NoQueueError, UnknownJobError } from "./errors.js";
import { FailedJobs } from "./failure/failed-jobs.js";
import { isJobClass, jobNameOf, type ArgsOf, type JobClass } from "./job/job.js";
import { decodePayload, encodePayload } from "./job/payload.js";
import { JobRegistry } from "./job/registry.js";
import { createLogger, type Logger } from "./logger.js";
import { DataStore, type DataStoreOptions } from "./redis/store.js";
import { Processor } from "./worker/processor.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";

export interface ResqueOptions extends DataStoreOptions {
  /** Job classes this instance can enqueue by name and perform. */
  jobs?: JobClass[];
  logger?: Logger;
}

/** A job on a queue, as peek() shows it. */
export interface QueuedJob {
  class: string;
  args: unknown[];
  /** The payload exactly as stored. */
  raw: string;
  /** Why the payload cannot be run, when it cannot. */
  error?: string;
}

type JobRef = JobClass | string;

export class Resque {
  readonly store: DataStore;
  readonly registry = new JobRegistry();
  readonly failed: FailedJobs;
  readonly logger: Logger;

  constructor(options: ResqueOptions = {}) {
    this.store = new DataStore(options);
    this.logger = options.logger ?? createLogger();
    this.failed = new FailedJobs(this.store.failures);
    if (options.jobs) this.registry.register(...options.jobs);
  }

  /** Registers job classes so workers can perform them and enqueue can take their names. */
  register(...jobs: JobClass[]): this {
    this.registry.register(...jobs);
    return this;
  }

  /** Enqueues a job on its class's queue (Resque.enqueue). */
  enqueue<J extends JobClass>(job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueue(job: string, ...args: unknown[]): Promise<void>;
  async enqueue(job: JobRef, ...args: unknown[]): Promise<void> {
    const { name, queue } = this.#target(job);
    await this.store.queues.push(queue, [encodePayload(name, args)]);
  }

  /** Enqueues a job on a given queue (Resque.enqueue_to). A name need not be registered here. */
  enqueueTo<J extends JobClass>(queue: string, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueTo(queue: string, job: string, ...args: unknown[]): Promise<void>;
  async enqueueTo(queue: string, job: JobRef, ...args: unknown[]): Promise<void> {
    const name = this.#target(job, queue).name;
    await this.store.queues.push(this.#checkQueue(queue), [encodePayload(name, args)]);
  }

  /** Puts a job at the front of its queue, to run next (Resque's enqueue_front). */
  enqueueFront<J extends JobClass>(job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueFront(job: string, ...args: unknown[]): Promise<void>;
  async enqueueFront(job: JobRef, ...args: unknown[]): Promise<void> {
    const { name, queue } = this.#target(job);
    await this.store.queues.push(queue, [encodePayload(name, args)], { front: true });
  }

  /**
   * Enqueues many jobs of one class in a few round trips. Every argument list is validated
   * before anything is written. Returns the number enqueued.
   */
  enqueueBulk<J extends JobClass>(job: J, argsList: readonly ArgsOf<J>[], options?: { queue?: string }): Promise<number>;
  enqueueBulk(job: string, argsList: readonly unknown[][], options?: { queue?: string }): Promise<number>;
  async enqueueBulk(job: JobRef, argsList: readonly unknown[][], options: { queue?: string } = {}): Promise<number> {
    const { name, queue } = this.#target(job, options.queue);
    const payloads = argsList.map((args) => encodePayload(name, args));
    await this.store.queues.push(queue, payloads);
    return payloads.length;
  }

  /** Number of jobs waiting on a queue. */
  size(queue: string): Promise<number> {
    return this.store.queues.size(queue);
  }

  /** Jobs on a queue from `start` (0 = next to run), without removing them. */
  async peek(queue: string, start = 0, count = 1): Promise<QueuedJob[]> {
    const raws = await this.store.queues.peek(queue, start, count);
    return raws.map((raw) => {
      const decoded = decodePayload(raw);
      if (decoded.ok) return { class: decoded.className, args: decoded.args, raw };
      return { class: decoded.className ?? "", args: Array.isArray(decoded.args) ? decoded.args : [], raw, error: decoded.error.message };
    });
  }

  /** Names of all known queues, sorted. */
  queues(): Promise<string[]> {
    return this.store.queues.names();
  }

  /** Deletes a queue and every job on it. */
  removeQueue(queue: string): Promise<void> {
    return this.store.queues.remove(queue);
  }

  /**
   * Removes pending jobs (Resque.dequeue): with args, those with exactly these args; without,
   * every job of the class. Returns the number removed.
   */
  dequeue<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  dequeue(job: string, ...args: unknown[]): Promise<number>;
  async dequeue(job: JobRef, ...args: unknown[]): Promise<number> {
    const { name, queue } = this.#target(job);
    if (args.length === 0) return this.store.queues.removeJobs(queue, name);
    // Byte matches as Ruby does, for our encoding and node-resque's (which adds "queue").
    const ours = encodePayload(name, args);
    const nodeResque = JSON.stringify({ class: name, queue, args });
    return this.store.queues.removeJobs(queue, name, [ours, nodeResque]);
  }

  /** Processed and failed totals (stat:processed, stat:failed). */
  stats(): Promise<{ processed: number; failed: number }> {
    return this.store.stats.totals();
  }

  /** A worker for this instance's jobs; call start() on it. */
  worker(options: WorkerOptions): Worker {
    return new Worker(this.store, new Processor(this.registry), { ...options, logger: options.logger ?? this.logger });
  }

  /** Closes the Redis connections this instance opened. */
  close(): Promise<void> {
    return this.store.close();
  }

  /** The payload name and queue for a job reference, with clear errors before anything is written. */
  #target(job: JobRef, queue?: string): { name: string; queue: string } {
    if (typeof job === "string") {
      if (job === "") throw new UnknownJobError("A job name must not be empty.");
      const registered = this.registry.get(job);
      const target = queue ?? registered?.queue;
      if (target === undefined) {
        if (!registered) {
          throw new UnknownJobError(`No registered job is named "${job}"; register it with new Resque({ jobs }) or use enqueueTo(queue, "${job}", ...args).`);
        }
        throw new NoQueueError(`Job "${job}" has no static queue; set one or use enqueueTo(queue, ...).`);
      }
      return { name: job, queue: this.#checkQueue(target) };
    }
    if (!isJobClass(job)) {
      throw new UnknownJobError(`${String(job)} is not a job: pass a class extending Job, or a job name.`);
    }
    const name = jobNameOf(job);
    const target = queue ?? job.queue;
    if (target === undefined || target === null) {
      throw new NoQueueError(`Job "${name}" has no static queue; set \`static queue = "name"\` or use enqueueTo(queue, ...).`);
    }
    return { name, queue: this.#checkQueue(target) };
  }

  #checkQueue(queue: unknown): string {
    if (typeof queue !== "string" || queue.trim() === "") {
      throw new ConfigurationError(`A queue name must be a non-empty string, got ${JSON.stringify(queue)}.`);
    }
    return queue;
  }
}
