/**
 * The Resque facade: configuration, the Redis connection, the job registry, and the entry
 * points applications use (enqueue*, queue inspection, failed jobs, workers).
 */
import { adminOn, type Admin } from "./admin/index.js";
import { removeQueuedWhere } from "./admin/queues.js";
import { StatusAdmin } from "./admin/statuses.js";
import type { JobStatus } from "./plugins/status/status-record.js";
import { ConfigurationError, NoQueueError, UnknownJobError } from "./errors.js";
import { isJobClass, jobNameOf, type ArgsOf, type JobClass } from "./job/job.js";
import { decodePayload, encodePayload } from "./job/payload.js";
import { JobRegistry } from "./job/registry.js";
import { createLogger, type Logger } from "./logger.js";
import { jobHooks, runAll } from "./plugins/hooks.js";
import { toPlugin, type EnqueueContext, type Plugin, type PluginLike } from "./plugins/plugin.js";
import { DataStore, type DataStoreOptions } from "./redis/store.js";
import { attachStore } from "./redis/store-of.js";
import { DelayedJobs } from "./scheduler/delayed-jobs.js";
import type { DelayedTime } from "./scheduler/delayed-time.js";
import { createScheduler, type Scheduler, type SchedulerOptions } from "./scheduler/scheduler.js";
import { Processor } from "./worker/processor.js";
import type { Worker } from "./worker-interface.js";
import { Worker as WorkerProcess, type WorkerOptions } from "./worker/worker.js";

/** The same options, each of which may also be given as `undefined`. */
export type AllowUndefined<T> = { [K in keyof T]: T[K] | undefined };

/**
 * Options of `new Resque(...)`. Every option may be `undefined` (its default then applies), so
 * `redis: process.env.REDIS_URL` type-checks under `exactOptionalPropertyTypes`.
 * Connection options (`redis`, `namespace`, `failureBackend`) are those of DataStoreOptions.
 */
export interface ResqueOptions extends AllowUndefined<DataStoreOptions> {
  /** Job classes this instance can enqueue by name and perform. */
  jobs?: readonly JobClass[] | undefined;
  /** Plugins applied to every job (and worker hooks for every worker), before each job's own. */
  plugins?: readonly PluginLike[] | undefined;
  /** A pino logger (or anything with its methods); default pino at LOG_LEVEL, else "warn". */
  logger?: Logger | undefined;
}

/** What `enqueueJob` did. */
export interface EnqueueResult {
  /** Whether the job was pushed (false: a beforeEnqueue hook cancelled it). */
  enqueued: boolean;
  queue: string;
  /** What the job's enqueue hooks noted (e.g. `duplicate: true` from the unique plugin). */
  details: Record<string, unknown>;
}

type JobRef = JobClass | string;

interface Target {
  name: string;
  queue: string;
  job: JobClass | undefined;
}

let buildWorker: (resque: Resque, options: WorkerOptions) => WorkerProcess;

export class Resque {
  /** @internal The job classes this instance knows by name. */
  readonly registry = new JobRegistry();
  readonly logger: Logger;
  /** @internal Global plugins, normalised. */
  readonly plugins: readonly Plugin[];
  readonly #store: DataStore;
  #admin: Admin | undefined;

  static {
    buildWorker = (resque, options) => resque.#worker(options);
  }

  constructor(options: ResqueOptions = {}) {
    this.logger = options.logger ?? createLogger();
    this.#store = new DataStore(options, {
      unreachable: ({ target, error, first, since }) => {
        const what = first ? `cannot connect to ${target}` : `lost the connection to ${target}`;
        const down = Math.round((Date.now() - since) / 1000);
        this.logger.error({ err: error, downForSeconds: down }, `${what}: ${error.message}; retrying`);
      },
      restored: ({ target, downForMs }) => this.logger.warn({ downForSeconds: Math.round(downForMs / 1000) }, `connected to ${target} again`),
    });
    attachStore(this, this.#store);
    this.plugins = (options.plugins ?? []).map(toPlugin);
    if (options.jobs) this.registry.register(...options.jobs);
  }

  /**
   * The admin API on this instance's connection (queues, failed jobs, workers, delayed jobs,
   * schedules, retries, stats, Redis): see docs/admin.md. It knows this instance's job classes
   * (queues of unqueued delayed jobs and schedules, custom retry identifiers).
   */
  get admin(): Admin {
    return (this.#admin ??= adminOn(this.#store, this.registry));
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
   * Enqueues one job and says what happened: whether it was pushed, where, and what its enqueue
   * hooks noted (`details`). `options.queue` overrides the class's queue; `options.front` puts it
   * at the front.
   */
  enqueueJob<J extends JobClass>(job: J, args: ArgsOf<J>, options?: { queue?: string; front?: boolean }): Promise<EnqueueResult>;
  enqueueJob(job: string, args: readonly unknown[], options?: { queue?: string; front?: boolean }): Promise<EnqueueResult>;
  async enqueueJob(job: JobRef, args: readonly unknown[], options: { queue?: string; front?: boolean } = {}): Promise<EnqueueResult> {
    const target = this.#target(job, options.queue === undefined ? undefined : this.#checkQueue(options.queue));
    const details: Record<string, unknown> = {};
    const pushed = await this.#push(target, [args], { front: options.front, details: [details] });
    return { enqueued: pushed === 1, queue: target.queue, details };
  }

  /**
   * Enqueues many jobs of one class in a few round trips. Every argument list is validated
   * before anything is written. Returns the number enqueued (beforeEnqueue hooks may drop some).
   */
  enqueueBulk<J extends JobClass>(job: J, argsList: readonly ArgsOf<J>[], options?: { queue?: string | undefined }): Promise<number>;
  enqueueBulk(job: string, argsList: readonly unknown[][], options?: { queue?: string | undefined }): Promise<number>;
  async enqueueBulk(job: JobRef, argsList: readonly unknown[][], options: { queue?: string | undefined } = {}): Promise<number> {
    return this.#push(this.#target(job, options.queue), argsList);
  }

  /**
   * Validates every argument list, runs beforeEnqueue hooks (a false result drops that job),
   * pushes the rest in one go, then runs afterEnqueue hooks. Returns how many were pushed.
   */
  async #push(
    target: Target,
    argsList: readonly (readonly unknown[])[],
    options: { front?: boolean; details?: Record<string, unknown>[] } = {},
  ): Promise<number> {
    const payloads = argsList.map((args) => encodePayload(target.name, args));
    await this.#store.ready();
    const hooks = jobHooks(target.job, this.plugins);
    if (hooks.beforeEnqueue.length === 0 && hooks.afterEnqueue.length === 0) {
      await this.#store.queues.push(target.queue, payloads, { front: options.front });
      return payloads.length;
    }
    const contexts = argsList.map(
      (args, i): EnqueueContext => ({ jobName: target.name, queue: target.queue, args, job: target.job, logger: this.logger, resque: this, details: options.details?.[i] ?? {} }),
    );
    const accepted: number[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (hooks.beforeEnqueue.length === 0 || (await runAll(hooks.beforeEnqueue, contexts[i]))) accepted.push(i);
    }
    await this.#store.queues.push(target.queue, accepted.map((i) => payloads[i]!), { front: options.front });
    if (hooks.afterEnqueue.length > 0) for (const i of accepted) await runAll(hooks.afterEnqueue, contexts[i]);
    return accepted.length;
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
    const context: EnqueueContext = { jobName: name, queue, args, job: target.job, logger: this.logger, resque: this, details: {} };
    if (!(await runAll(hooks.beforeDequeue, context))) return 0;
    let select: (raw: string) => "act" | "leave";
    if (args.length === 0) {
      select = (raw) => {
        const decoded = decodePayload(raw);
        return decoded.ok && decoded.className === name ? "act" : "leave";
      };
    } else {
      // Byte matches as Ruby does, for our encoding and node-resque's (which adds "queue").
      const matches = new Set([encodePayload(name, args), JSON.stringify({ class: name, queue, args })]);
      select = (raw) => (matches.has(raw) ? "act" : "leave");
    }
    // A chunk per call, so a long queue never blocks Redis (docs/admin.md, "Bulk operations").
    const { affected } = await removeQueuedWhere({ store: this.#store, registry: this.registry }, queue, select);
    await runAll(hooks.afterDequeue, context);
    return affected;
  }

  /** A worker for this instance's jobs; call start() on it. */
  worker(options: WorkerOptions): Worker {
    return createWorker(this, options);
  }

  /** The worker process behind worker(), for createWorker. */
  #worker(options: WorkerOptions): WorkerProcess {
    return new WorkerProcess(this.#store, new Processor(this, options.timeout), {
      ...options,
      logger: options.logger ?? this.logger,
      plugins: this.plugins,
    });
  }

  // ── Delayed jobs (src/scheduler/; resque-scheduler's client API) ─────────────────────────────
  #delayedJobs: DelayedJobs | undefined;

  get #delayed(): DelayedJobs {
    return (this.#delayedJobs ??= new DelayedJobs(this.#store.delayed, {
      target: (job, queue) => this.#target(job, queue),
      // Not-yet-future times enqueue through enqueueTo, so anything wrapping enqueue applies.
      enqueueNow: (queue, job, args) => this.enqueueTo(queue, job as string, ...args),
    }));
  }

  /**
   * Runs a job at `time` (a Date, or epoch milliseconds like Date.now()) on its class's queue.
   * The time is rounded up to a whole second, so the job never runs early; a time that is not in
   * the future enqueues it at once.
   */
  enqueueAt<J extends JobClass>(time: DelayedTime, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueAt(time: DelayedTime, job: string, ...args: unknown[]): Promise<void>;
  async enqueueAt(time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.#store.ready();
    return this.#delayed.enqueueAt(time, job, args);
  }

  /** enqueueAt onto a given queue. */
  enqueueAtWithQueue<J extends JobClass>(queue: string, time: DelayedTime, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueAtWithQueue(queue: string, time: DelayedTime, job: string, ...args: unknown[]): Promise<void>;
  async enqueueAtWithQueue(queue: string, time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.#store.ready();
    return this.#delayed.enqueueAtWithQueue(queue, time, job, args);
  }

  /** Runs a job `seconds` from now (a finite number, 0 or more). */
  enqueueIn<J extends JobClass>(seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueIn(seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueIn(seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.#store.ready();
    return this.#delayed.enqueueIn(seconds, job, args);
  }

  /** enqueueIn onto a given queue. */
  enqueueInWithQueue<J extends JobClass>(queue: string, seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueInWithQueue(queue: string, seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueInWithQueue(queue: string, seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.#store.ready();
    return this.#delayed.enqueueInWithQueue(queue, seconds, job, args);
  }

  /** Removes every delayed copy of this job with exactly these args. Returns how many. */
  removeDelayed<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  removeDelayed(job: string, ...args: unknown[]): Promise<number>;
  removeDelayed(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayed.removeDelayed(job, args);
  }

  /** Enqueues every delayed copy of this job now instead of at its time. Returns how many. */
  enqueueDelayedNow<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  enqueueDelayedNow(job: string, ...args: unknown[]): Promise<number>;
  enqueueDelayedNow(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayed.enqueueDelayedNow(job, args);
  }

  /** Moves every delayed copy of this job to `time` (not in the future: enqueues now). Returns how many. */
  reschedule<J extends JobClass>(time: DelayedTime, job: J, ...args: ArgsOf<J> | []): Promise<number>;
  reschedule(time: DelayedTime, job: string, ...args: unknown[]): Promise<number>;
  reschedule(time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayed.reschedule(time, job, args);
  }

  /** When this job with exactly these args is delayed to, earliest first. */
  scheduledAt<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<Date[]>;
  scheduledAt(job: string, ...args: unknown[]): Promise<Date[]>;
  scheduledAt(job: JobRef, ...args: unknown[]): Promise<Date[]> {
    return this.#delayed.scheduledAt(job, args);
  }

  /** A scheduler (delayed-job promotion and recurring schedules) for this instance's jobs; call start() on it. */
  scheduler(options: Omit<SchedulerOptions, "logger"> & { logger?: Logger | undefined } = {}): Scheduler {
    return createScheduler(this.#store, this.registry, { ...options, logger: options.logger ?? this.logger });
  }
  // ── end of delayed jobs ──────────────────────────────────────────────────────────────────────

  // ── Job statuses (src/plugins/status/, src/admin/statuses.ts) ───────────────────────────────
  #statuses: StatusAdmin | undefined;

  /** Status jobs: enqueue with an id, read, list, kill by id (see docs/plugins/status.md). */
  get statuses(): StatusAdmin {
    return (this.#statuses ??= new StatusAdmin(this));
  }

  /** The status of a status job by id (undefined when unknown or expired). */
  status(id: string): Promise<JobStatus | undefined> {
    return this.statuses.get(id);
  }
  // ── end of job statuses ─────────────────────────────────────────────────────────────────────

  /** Closes the Redis connections this instance opened. */
  close(): Promise<void> {
    return this.#store.close();
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

/** The worker behind `resque.worker()`, with its internals, for the library's own modules (the CLI's pool). */
export function createWorker(resque: Resque, options: WorkerOptions): WorkerProcess {
  return buildWorker(resque, options);
}
