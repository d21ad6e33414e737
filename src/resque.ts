/**
 * The Resque facade: configuration, the Redis connection, the job registry, and the entry
 * points applications use (enqueue*, queue inspection, failed jobs, workers).
 */
import { WorkerControl } from "./admin/worker-control.js";
import { ConfigurationError, NoQueueError, UnknownJobError } from "./errors.js";
import { FailedJobs } from "./failure/failed-jobs.js";
import { isJobClass, jobNameOf, type ArgsOf, type JobClass } from "./job/job.js";
import { decodePayload, encodePayload } from "./job/payload.js";
import { JobRegistry } from "./job/registry.js";
import { createLogger, type Logger } from "./logger.js";
import { jobHooks, runAll } from "./plugins/hooks.js";
import { toPlugin, type EnqueueContext, type Plugin, type PluginLike } from "./plugins/plugin.js";
import { DataStore, type DataStoreOptions } from "./redis/store.js";
import { Processor } from "./worker/processor.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";

export interface ResqueOptions extends DataStoreOptions {
  /** Job classes this instance can enqueue by name and perform. */
  jobs?: JobClass[];
  /** Plugins applied to every job (and worker hooks for every worker), before each job's own. */
  plugins?: PluginLike[];
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

interface Target {
  name: string;
  queue: string;
  job: JobClass | undefined;
}

export class Resque {
  readonly store: DataStore;
  readonly registry = new JobRegistry();
  readonly failed: FailedJobs;
  /** Remote control of worker processes on any host (pause, resume, stop, kill). */
  readonly control: WorkerControl;
  readonly logger: Logger;
  readonly plugins: readonly Plugin[];

  constructor(options: ResqueOptions = {}) {
    this.store = new DataStore(options);
    this.logger = options.logger ?? createLogger();
    this.plugins = (options.plugins ?? []).map(toPlugin);
    this.failed = new FailedJobs(this.store.failures);
    this.control = new WorkerControl(this.store.control);
    if (options.jobs) this.registry.register(...options.jobs);
  }

  /** Registers job classes so workers can perform them and enqueue can take their names. */
  register(...jobs: JobClass[]): this {
    this.registry.register(...jobs);
    return this;
  }

  /**
   * Enqueues a job on its class's queue (Resque.enqueue). Resolves to false when a beforeEnqueue
   * hook cancelled it.
   */
  enqueue<J extends JobClass>(job: J, ...args: ArgsOf<J>): Promise<boolean>;
  enqueue(job: string, ...args: unknown[]): Promise<boolean>;
  async enqueue(job: JobRef, ...args: unknown[]): Promise<boolean> {
    return this.#push(this.#target(job), [args]).then((n) => n === 1);
  }

  /** Enqueues a job on a given queue (Resque.enqueue_to). A name need not be registered here. */
  enqueueTo<J extends JobClass>(queue: string, job: J, ...args: ArgsOf<J>): Promise<boolean>;
  enqueueTo(queue: string, job: string, ...args: unknown[]): Promise<boolean>;
  async enqueueTo(queue: string, job: JobRef, ...args: unknown[]): Promise<boolean> {
    return this.#push(this.#target(job, this.#checkQueue(queue)), [args]).then((n) => n === 1);
  }

  /** Puts a job at the front of its queue, to run next (Resque's enqueue_front). */
  enqueueFront<J extends JobClass>(job: J, ...args: ArgsOf<J>): Promise<boolean>;
  enqueueFront(job: string, ...args: unknown[]): Promise<boolean>;
  async enqueueFront(job: JobRef, ...args: unknown[]): Promise<boolean> {
    return this.#push(this.#target(job), [args], { front: true }).then((n) => n === 1);
  }

  /**
   * Enqueues many jobs of one class in a few round trips. Every argument list is validated
   * before anything is written. Returns the number enqueued (beforeEnqueue hooks may drop some).
   */
  enqueueBulk<J extends JobClass>(job: J, argsList: readonly ArgsOf<J>[], options?: { queue?: string }): Promise<number>;
  enqueueBulk(job: string, argsList: readonly unknown[][], options?: { queue?: string }): Promise<number>;
  async enqueueBulk(job: JobRef, argsList: readonly unknown[][], options: { queue?: string } = {}): Promise<number> {
    return this.#push(this.#target(job, options.queue), argsList);
  }

  /**
   * Validates every argument list, runs beforeEnqueue hooks (a false result drops that job),
   * pushes the rest in one go, then runs afterEnqueue hooks. Returns how many were pushed.
   */
  async #push(target: Target, argsList: readonly (readonly unknown[])[], options: { front?: boolean } = {}): Promise<number> {
    const payloads = argsList.map((args) => encodePayload(target.name, args));
    const hooks = jobHooks(target.job, this.plugins);
    const contexts = argsList.map((args): EnqueueContext => ({ jobName: target.name, queue: target.queue, args, job: target.job, logger: this.logger }));
    const accepted: number[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (hooks.beforeEnqueue.length === 0 || (await runAll(hooks.beforeEnqueue, contexts[i]))) accepted.push(i);
    }
    await this.store.queues.push(target.queue, accepted.map((i) => payloads[i]!), options);
    if (hooks.afterEnqueue.length > 0) for (const i of accepted) await runAll(hooks.afterEnqueue, contexts[i]);
    return accepted.length;
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
    const target = this.#target(job);
    const { name, queue } = target;
    const hooks = jobHooks(target.job, this.plugins);
    const context: EnqueueContext = { jobName: name, queue, args, job: target.job, logger: this.logger };
    if (!(await runAll(hooks.beforeDequeue, context))) return 0;
    let removed: number;
    if (args.length === 0) {
      removed = await this.store.queues.removeJobs(queue, name);
    } else {
      // Byte matches as Ruby does, for our encoding and node-resque's (which adds "queue").
      const ours = encodePayload(name, args);
      const nodeResque = JSON.stringify({ class: name, queue, args });
      removed = await this.store.queues.removeJobs(queue, name, [ours, nodeResque]);
    }
    await runAll(hooks.afterDequeue, context);
    return removed;
  }

  /** Processed and failed totals (stat:processed, stat:failed). */
  stats(): Promise<{ processed: number; failed: number }> {
    return this.store.stats.totals();
  }

  /** A worker for this instance's jobs; call start() on it. */
  worker(options: WorkerOptions): Worker {
    return new Worker(this.store, new Processor(this.registry, this.plugins, options.timeout), {
      ...options,
      logger: options.logger ?? this.logger,
      plugins: this.plugins,
    });
  }

  /** Closes the Redis connections this instance opened. */
  close(): Promise<void> {
    return this.store.close();
  }

  /** The payload name, queue and class for a job reference, with clear errors before anything is written. */
  #target(job: JobRef, queue?: string): Target {
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
      return { name: job, queue: this.#checkQueue(target), job: registered };
    }
    if (!isJobClass(job)) {
      throw new UnknownJobError(`${String(job)} is not a job: pass a class extending Job, or a job name.`);
    }
    const name = jobNameOf(job);
    const target = queue ?? job.queue;
    if (target === undefined || target === null) {
      throw new NoQueueError(`Job "${name}" has no static queue; set \`static queue = "name"\` or use enqueueTo(queue, ...).`);
    }
    return { name, queue: this.#checkQueue(target), job };
  }

  #checkQueue(queue: unknown): string {
    if (typeof queue !== "string" || queue.trim() === "") {
      throw new ConfigurationError(`A queue name must be a non-empty string, got ${JSON.stringify(queue)}.`);
    }
    return queue;
  }
}
