/**
 * The Resque facade: configuration, the Redis connection, the job registry, and the entry
 * points applications use (enqueue*, queue inspection, failed jobs, workers).
 */
import { RetryAdmin } from "./admin/retries.js";
import { StatusAdmin } from "./admin/statuses.js";
import type { JobStatus } from "./plugins/status/status-record.js";
import { WorkerControl } from "./admin/worker-control.js";
import { listWorkers, type WorkerInfo } from "./admin/workers.js";
import { ConfigurationError, NoQueueError, UnknownJobError } from "./errors.js";
import { FailedJobs } from "./failure/failed-jobs.js";
import { isJobClass, jobNameOf, type ArgsOf, type JobClass } from "./job/job.js";
import { decodePayload, encodePayload } from "./job/payload.js";
import { JobRegistry } from "./job/registry.js";
import { createLogger, type Logger } from "./logger.js";
import { jobHooks, runAll } from "./plugins/hooks.js";
import { toPlugin, type EnqueueContext, type Plugin, type PluginLike } from "./plugins/plugin.js";
import { DataStore, type DataStoreOptions } from "./redis/store.js";
import { DelayedJobs, type DelayedJob, type DelayedPredicate } from "./scheduler/delayed-jobs.js";
import type { DelayedTime } from "./scheduler/delayed-time.js";
import { DynamicSchedules, type ScheduleRuns } from "./scheduler/dynamic-schedules.js";
import type { ScheduleConfig } from "./scheduler/schedule.js";
import { scheduleContext } from "./scheduler/schedule-config.js";
import { Scheduler, type SchedulerOptions } from "./scheduler/scheduler.js";
import { Processor } from "./worker/processor.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";

/** The same options, each of which may also be given as `undefined`. */
type AllowUndefined<T> = { [K in keyof T]: T[K] | undefined };

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
    this.logger = options.logger ?? createLogger();
    this.store = new DataStore(options, {
      unreachable: ({ target, error, first, since }) => {
        const what = first ? `cannot connect to ${target}` : `lost the connection to ${target}`;
        const down = Math.round((Date.now() - since) / 1000);
        this.logger.error({ err: error, downForSeconds: down }, `${what}: ${error.message}; retrying`);
      },
      restored: ({ target, downForMs }) => this.logger.warn({ downForSeconds: Math.round(downForMs / 1000) }, `connected to ${target} again`),
    });
    this.plugins = (options.plugins ?? []).map(toPlugin);
    this.failed = new FailedJobs(this.store.failures);
    this.control = new WorkerControl(this.store.control, () => this.store.ready());
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
    await this.store.ready();
    const hooks = jobHooks(target.job, this.plugins);
    if (hooks.beforeEnqueue.length === 0 && hooks.afterEnqueue.length === 0) {
      await this.store.queues.push(target.queue, payloads, { front: options.front });
      return payloads.length;
    }
    const contexts = argsList.map(
      (args, i): EnqueueContext => ({ jobName: target.name, queue: target.queue, args, job: target.job, logger: this.logger, resque: this, details: options.details?.[i] ?? {} }),
    );
    const accepted: number[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (hooks.beforeEnqueue.length === 0 || (await runAll(hooks.beforeEnqueue, contexts[i]))) accepted.push(i);
    }
    await this.store.queues.push(target.queue, accepted.map((i) => payloads[i]!), { front: options.front });
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
    const context: EnqueueContext = { jobName: name, queue, args, job: target.job, logger: this.logger, resque: this, details: {} };
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

  /** Every registered worker with the job it is running (Ruby's and node-resque's too). */
  workers(): Promise<WorkerInfo[]> {
    return listWorkers(this.store.workers);
  }

  /** The workers running a job now. */
  async working(): Promise<WorkerInfo[]> {
    return (await this.workers()).filter((w) => w.job !== null);
  }

  /** Processed and failed totals (stat:processed, stat:failed). */
  stats(): Promise<{ processed: number; failed: number }> {
    return this.store.stats.totals();
  }

  /** A worker for this instance's jobs; call start() on it. */
  worker(options: WorkerOptions): Worker {
    return new Worker(this.store, new Processor(this, options.timeout), {
      ...options,
      logger: options.logger ?? this.logger,
      plugins: this.plugins,
    });
  }

  // ── Delayed jobs and schedules (src/scheduler/; resque-scheduler's client API) ──────────────
  #delayedJobs: DelayedJobs | undefined;
  #dynamicSchedules: DynamicSchedules | undefined;

  /** The delayed-job API; the methods below delegate to it. */
  get delayed(): DelayedJobs {
    return (this.#delayedJobs ??= new DelayedJobs(this.store.delayed, {
      target: (job, queue) => this.#target(job, queue),
      // Not-yet-future times enqueue through enqueueTo, so anything wrapping enqueue applies.
      enqueueNow: (queue, job, args) => this.enqueueTo(queue, job as string, ...args),
    }));
  }

  /** Dynamic schedules stored in Redis (resque-scheduler's set_schedule/remove_schedule). */
  get dynamicSchedules(): DynamicSchedules {
    return (this.#dynamicSchedules ??= new DynamicSchedules(this.store.schedules, scheduleContext(this.registry)));
  }

  /**
   * Runs a job at `time` (a Date, or epoch milliseconds like Date.now()) on its class's queue.
   * The time is rounded up to a whole second, so the job never runs early; a time that is not in
   * the future enqueues it at once.
   */
  enqueueAt<J extends JobClass>(time: DelayedTime, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueAt(time: DelayedTime, job: string, ...args: unknown[]): Promise<void>;
  async enqueueAt(time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.store.ready();
    return this.delayed.enqueueAt(time, job, args);
  }

  /** enqueueAt onto a given queue. */
  enqueueAtWithQueue<J extends JobClass>(queue: string, time: DelayedTime, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueAtWithQueue(queue: string, time: DelayedTime, job: string, ...args: unknown[]): Promise<void>;
  async enqueueAtWithQueue(queue: string, time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.store.ready();
    return this.delayed.enqueueAtWithQueue(queue, time, job, args);
  }

  /** Runs a job `seconds` from now (a finite number, 0 or more). */
  enqueueIn<J extends JobClass>(seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueIn(seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueIn(seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.store.ready();
    return this.delayed.enqueueIn(seconds, job, args);
  }

  /** enqueueIn onto a given queue. */
  enqueueInWithQueue<J extends JobClass>(queue: string, seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueInWithQueue(queue: string, seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueInWithQueue(queue: string, seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    await this.store.ready();
    return this.delayed.enqueueInWithQueue(queue, seconds, job, args);
  }

  /** Removes every delayed copy of this job with exactly these args. Returns how many. */
  removeDelayed<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  removeDelayed(job: string, ...args: unknown[]): Promise<number>;
  removeDelayed(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.delayed.removeDelayed(job, args);
  }

  /** Removes the delayed jobs `predicate(args, job)` selects, optionally of one class only. Returns how many. */
  removeDelayedSelection(predicate: DelayedPredicate, job?: JobRef): Promise<number> {
    return this.delayed.removeDelayedSelection(predicate, job);
  }

  /** The delayed jobs `predicate(args, job)` selects, optionally of one class only, earliest first. */
  findDelayedSelection(predicate: DelayedPredicate, job?: JobRef): Promise<DelayedJob[]> {
    return this.delayed.findDelayedSelection(predicate, job);
  }

  /** Enqueues every delayed copy of this job now instead of at its time. Returns how many. */
  enqueueDelayedNow<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  enqueueDelayedNow(job: string, ...args: unknown[]): Promise<number>;
  enqueueDelayedNow(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.delayed.enqueueDelayedNow(job, args);
  }

  /** Moves every delayed copy of this job to `time` (not in the future: enqueues now). Returns how many. */
  reschedule<J extends JobClass>(time: DelayedTime, job: J, ...args: ArgsOf<J> | []): Promise<number>;
  reschedule(time: DelayedTime, job: string, ...args: unknown[]): Promise<number>;
  reschedule(time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<number> {
    return this.delayed.reschedule(time, job, args);
  }

  /** When this job with exactly these args is delayed to, earliest first. */
  scheduledAt<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<Date[]>;
  scheduledAt(job: string, ...args: unknown[]): Promise<Date[]>;
  scheduledAt(job: JobRef, ...args: unknown[]): Promise<Date[]> {
    return this.delayed.scheduledAt(job, args);
  }

  /** Times that have delayed jobs, earliest first (`count` from `start`; all by default). */
  delayedTimestamps(start?: number, count?: number): Promise<Date[]> {
    return this.delayed.delayedTimestamps(start, count);
  }

  /** Delayed jobs due at `time` (rounded up to its second, as enqueueAt stores it). */
  delayedTimestampPeek(time: DelayedTime, start?: number, count?: number): Promise<DelayedJob[]> {
    return this.delayed.delayedTimestampPeek(time, start, count);
  }

  /** Number of distinct times that have delayed jobs (resque-scheduler's delayed_queue_schedule_size). */
  delayedQueueScheduleSize(): Promise<number> {
    return this.delayed.delayedQueueScheduleSize();
  }

  /** Creates or replaces a dynamic schedule in Redis (validated first; throws ScheduleConfigError). */
  setSchedule(name: string, config: ScheduleConfig): Promise<void> {
    return this.dynamicSchedules.set(name, config);
  }

  /** Deletes a dynamic schedule. Returns whether it existed. */
  removeSchedule(name: string): Promise<boolean> {
    return this.dynamicSchedules.remove(name);
  }

  /** The dynamic schedules stored in Redis, by name. */
  schedules(): Promise<Record<string, ScheduleConfig>> {
    return this.dynamicSchedules.all();
  }

  /** Last and next runs recorded for each schedule, by name (for dashboards). */
  scheduleRuns(): Promise<Map<string, ScheduleRuns>> {
    return this.dynamicSchedules.runs();
  }

  /** A scheduler (delayed-job promotion and recurring schedules) for this instance's jobs; call start() on it. */
  scheduler(options: Omit<SchedulerOptions, "logger"> & { logger?: Logger | undefined } = {}): Scheduler {
    return new Scheduler(this.store, this.registry, { ...options, logger: options.logger ?? this.logger });
  }
  // ── end of delayed jobs and schedules ────────────────────────────────────────────────────────

  // ── Retries (src/plugins/retry/, src/admin/retries.ts) ───────────────────────────────────────
  #retries: RetryAdmin | undefined;

  /** Scheduled retries (what resque-web's Retry tab lists), their cancellation and attempt counters. */
  get retries(): RetryAdmin {
    return (this.#retries ??= new RetryAdmin(this.store, this.registry));
  }
  // ── end of retries ───────────────────────────────────────────────────────────────────────────

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
