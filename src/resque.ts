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
import { checkedLogger, createLogger, type Logger } from "./logger.js";
import { shownValue } from "./option-checks.js";
import { jobHooks, runAll } from "./plugins/hooks.js";
import { toPlugin, type EnqueueContext, type Plugin, type PluginLike } from "./plugins/plugin.js";
import { DataStore, type ConnectionEvents, type DataStoreOptions } from "./redis/store.js";
import { attachStore } from "./redis/store-of.js";
import { openShardStores } from "./redis/shard-stores.js";
import type { QueueRouter } from "./shards/queue-router.js";
import { validateShards, type ShardsOptions } from "./shards/shard-options.js";
import { ShardedWorker } from "./shards/sharded-worker.js";
import { attachShardMembers } from "./shards/shard-members.js";
import { SlotBudget } from "./shards/slot-budget.js";
import { createShardedScheduler, type ShardedScheduler } from "./shards/sharded-scheduler.js";
import { shardQueues } from "./shards/shard-queues.js";
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
  /**
   * Spread this Resque over several namespaces (shards), each a complete Resque namespace with its
   * own hash tag, so that on Redis Cluster the load lands on several masters (docs/sharding.md).
   * Not together with `namespace`.
   */
  shards?: ShardsOptions | undefined;
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

/** An option that must be an array (jobs, plugins): one given bare fails here, not deep inside with a TypeError. */
function listOption<T>(value: readonly T[] | undefined, name: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigurationError(`The ${name} option must be an array, got ${shownValue(value)}: use ${name}: [${name === "jobs" ? "SendInvoice" : "retry()"}].`);
  return value;
}

let buildWorker: (resque: Resque, options: WorkerOptions) => WorkerProcess;

/** The shards of a sharded Resque, shared by the facade and its per-shard members. */
interface ShardSet {
  namespaces: readonly string[];
  router: QueueRouter;
  /** One Resque per shard, in namespace order: each reaches its own shard's store, and routes enqueues as the facade does. */
  members: Resque[];
  close(): Promise<void>;
}

/** Set only while a sharded Resque builds its members (see the constructor). */
let memberSeed: { store: DataStore; shards: ShardSet; registry: JobRegistry; plugins: readonly Plugin[]; logger: Logger } | undefined;

export class Resque {
  /** @internal The job classes this instance knows by name. */
  readonly registry: JobRegistry;
  readonly logger: Logger;
  /** @internal Global plugins, normalised. */
  readonly plugins: readonly Plugin[];
  /** This instance's store: its only one, or (sharded) the first shard's, or a member's own shard's. */
  readonly #store: DataStore;
  readonly #shards: ShardSet | undefined;
  #admin: Admin | undefined;

  static {
    buildWorker = (resque, options) => resque.#worker(options);
  }

  constructor(options: ResqueOptions = {}) {
    const seed = memberSeed;
    memberSeed = undefined;
    if (seed) {
      // A shard member: shares the facade's jobs, plugins, logger and routing.
      this.logger = seed.logger;
      this.registry = seed.registry;
      this.plugins = seed.plugins;
      this.#store = seed.store;
      this.#shards = seed.shards;
      attachStore(this, this.#store);
      return;
    }
    this.logger = checkedLogger(options.logger, "The logger option") ?? createLogger();
    this.registry = new JobRegistry();
    const events: ConnectionEvents = {
      unreachable: ({ target, error, first, since }) => {
        const what = first ? `cannot connect to ${target}` : `lost the connection to ${target}`;
        const down = Math.round((Date.now() - since) / 1000);
        this.logger.error({ err: error, downForSeconds: down }, `${what}: ${error.message}; retrying`);
      },
      restored: ({ target, downForMs }) => this.logger.warn({ downForSeconds: Math.round(downForMs / 1000) }, `connected to ${target} again`),
    };
    this.plugins = listOption(options.plugins, "plugins").map(toPlugin);
    if (options.shards === undefined) {
      this.#store = new DataStore(options, events);
      this.#shards = undefined;
    } else {
      const shardOptions = options.shards;
      let router: QueueRouter | undefined;
      const opened = openShardStores(
        { redis: options.redis, failureBackend: options.failureBackend, connectionTimeout: options.connectionTimeout },
        (cluster) => {
          const layout = validateShards(shardOptions, { namespace: options.namespace, cluster });
          router = layout.router;
          return layout.namespaces;
        },
        events,
      );
      const set: ShardSet = { namespaces: [...shardOptions.namespaces], router: router!, members: [], close: opened.close };
      for (const store of opened.stores) {
        memberSeed = { store, shards: set, registry: this.registry, plugins: this.plugins, logger: this.logger };
        set.members.push(new Resque());
      }
      this.#store = opened.stores[0]!;
      this.#shards = set;
      attachShardMembers(this, set.members.map((member, i) => ({ namespace: set.namespaces[i]!, resque: member })));
    }
    attachStore(this, this.#store);
    if (options.jobs) this.registry.register(...listOption(options.jobs, "jobs"));
  }

  /**
   * The shard namespaces of a sharded Resque, in configuration order (undefined when it is not
   * sharded). See docs/sharding.md.
   */
  get shardNamespaces(): readonly string[] | undefined {
    return this.#shards?.namespaces;
  }

  /** The namespace of the shard that owns `queue` (undefined when this Resque is not sharded). */
  shardOf(queue: string): string | undefined {
    const shards = this.#shards;
    return shards?.namespaces[shards.router.shardOf(this.#checkQueue(queue))];
  }

  /** The Resque that holds `queue`: this one, or (sharded) the member of the owning shard. */
  #ownerOf(queue: string): Resque {
    const shards = this.#shards;
    return shards ? shards.members[shards.router.shardOf(queue)]! : this;
  }

  /**
   * The admin API on this instance's connection (queues, failed jobs, workers, delayed jobs,
   * schedules, retries, stats, Redis): see docs/admin.md. It knows this instance's job classes
   * (queues of unqueued delayed jobs and schedules, custom retry identifiers).
   */
  get admin(): Admin {
    if (this.#shards && !this.#shards.members.includes(this)) {
      throw new ConfigurationError(
        "A sharded Resque has one admin API per shard: use resque.shardAdmins (all of them, e.g. Admin.overview(resque.shardAdmins)), " +
          "resque.shardAdmin(namespace), or resque.shardTotals() for totals summed over the shards.",
      );
    }
    return (this.#admin ??= adminOn(this.#store, this.registry, this.#shards ? `shard ${this.#shards.namespaces[this.#shards.members.indexOf(this)]}` : undefined));
  }

  /** The admin API of every shard, in configuration order, each named "shard <namespace>" (sharded only; otherwise `[resque.admin]`). */
  get shardAdmins(): readonly Admin[] {
    return this.#shards ? this.#shards.members.map((member) => member.admin) : [this.admin];
  }

  /** The admin API of one shard, by its namespace. */
  shardAdmin(namespace: string): Admin {
    const index = this.#shards?.namespaces.indexOf(namespace) ?? -1;
    if (index < 0) throw new ConfigurationError(`${JSON.stringify(namespace)} is not a shard of this Resque (shards: ${JSON.stringify(this.#shards?.namespaces ?? [])}).`);
    return this.#shards!.members[index]!.admin;
  }

  /** stat:processed and stat:failed summed over every shard (this instance's own when not sharded). */
  async shardTotals(): Promise<{ processed: number; failed: number }> {
    const all = await Promise.all(this.shardAdmins.map((admin) => admin.stats.totals()));
    return all.reduce((sum, t) => ({ processed: sum.processed + t.processed, failed: sum.failed + t.failed }), { processed: 0, failed: 0 });
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
    const owner = this.#ownerOf(target.queue);
    const store = owner.#store;
    await store.ready();
    const hooks = jobHooks(target.job, this.plugins);
    if (hooks.beforeEnqueue.length === 0 && hooks.afterEnqueue.length === 0) {
      await store.queues.push(target.queue, payloads, { front: options.front });
      return payloads.length;
    }
    // Hooks get the owning shard's Resque, so plugin state (unique locks, statuses) sits beside the queue.
    const contexts = argsList.map(
      (args, i): EnqueueContext => ({ jobName: target.name, queue: target.queue, args, job: target.job, logger: this.logger, resque: owner, details: options.details?.[i] ?? {} }),
    );
    const accepted: number[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (hooks.beforeEnqueue.length === 0 || (await runAll(hooks.beforeEnqueue, contexts[i]))) accepted.push(i);
    }
    await store.queues.push(target.queue, accepted.map((i) => payloads[i]!), { front: options.front });
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
    const owner = this.#ownerOf(queue);
    const context: EnqueueContext = { jobName: name, queue, args, job: target.job, logger: this.logger, resque: owner, details: {} };
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
    const { affected } = await removeQueuedWhere({ store: owner.#store, registry: this.registry }, queue, select);
    await runAll(hooks.afterDequeue, context);
    return affected;
  }

  /**
   * A worker for this instance's jobs; call start() on it. Sharded, it serves every shard that
   * holds one of its queues (docs/sharding.md), with `concurrency` jobs at once in total.
   */
  worker(options: WorkerOptions): Worker {
    return this.#shards ? this.#shardedWorker(options) : createWorker(this, options);
  }

  /** One worker per shard that holds some of the queues, sharing one budget of job slots. */
  #shardedWorker(options: WorkerOptions): ShardedWorker {
    const shards = this.#shards!;
    const perShard = shardQueues(options.queues, shards.namespaces.length, (queue) => shards.router.shardOf(queue));
    const budget = options.concurrencyPerShard ? undefined : new SlotBudget(options.concurrency ?? 1);
    const parts = perShard.flatMap((queues, index) => {
      if (queues.length === 0) return [];
      const member = shards.members[index]!;
      return [{ namespace: shards.namespaces[index]!, worker: member.#worker({ ...options, queues }, budget) }];
    });
    if (parts.length === 0) throw new ConfigurationError(`The queues ${JSON.stringify(options.queues)} only exclude queues; name at least one queue to take from, or "*".`);
    return new ShardedWorker(parts);
  }

  /** The worker process behind worker(), for createWorker. */
  #worker(options: WorkerOptions, slotBudget?: SlotBudget): WorkerProcess {
    return new WorkerProcess(this.#store, new Processor(this, options.timeout), {
      ...options,
      logger: checkedLogger(options.logger, "The worker's logger option") ?? this.logger,
      plugins: this.plugins,
      ...(slotBudget ? { slotBudget } : {}),
    });
  }

  // ── Delayed jobs (src/scheduler/; resque-scheduler's client API) ─────────────────────────────
  #delayedJobs: DelayedJobs | undefined;

  /**
   * The Resque whose shard holds this job's delayed entries (its queue's shard); this one when
   * not sharded. Unknown jobs are left to DelayedJobs, which throws the usual errors.
   */
  #delayedOwner(job: JobRef, queue?: string): Resque {
    if (!this.#shards) return this;
    return this.#ownerOf(this.#target(job, queue).queue);
  }

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
    const owner = this.#delayedOwner(job);
    await owner.#store.ready();
    return owner.#delayed.enqueueAt(time, job, args);
  }

  /** enqueueAt onto a given queue. */
  enqueueAtWithQueue<J extends JobClass>(queue: string, time: DelayedTime, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueAtWithQueue(queue: string, time: DelayedTime, job: string, ...args: unknown[]): Promise<void>;
  async enqueueAtWithQueue(queue: string, time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<void> {
    const owner = this.#delayedOwner(job, queue);
    await owner.#store.ready();
    return owner.#delayed.enqueueAtWithQueue(queue, time, job, args);
  }

  /** Runs a job `seconds` from now (a finite number, 0 or more). */
  enqueueIn<J extends JobClass>(seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueIn(seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueIn(seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    const owner = this.#delayedOwner(job);
    await owner.#store.ready();
    return owner.#delayed.enqueueIn(seconds, job, args);
  }

  /** enqueueIn onto a given queue. */
  enqueueInWithQueue<J extends JobClass>(queue: string, seconds: number, job: J, ...args: ArgsOf<J>): Promise<void>;
  enqueueInWithQueue(queue: string, seconds: number, job: string, ...args: unknown[]): Promise<void>;
  async enqueueInWithQueue(queue: string, seconds: number, job: JobRef, ...args: unknown[]): Promise<void> {
    const owner = this.#delayedOwner(job, queue);
    await owner.#store.ready();
    return owner.#delayed.enqueueInWithQueue(queue, seconds, job, args);
  }

  /** Removes every delayed copy of this job with exactly these args. Returns how many. */
  removeDelayed<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  removeDelayed(job: string, ...args: unknown[]): Promise<number>;
  removeDelayed(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayedOwner(job).#delayed.removeDelayed(job, args);
  }

  /** Enqueues every delayed copy of this job now instead of at its time. Returns how many. */
  enqueueDelayedNow<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<number>;
  enqueueDelayedNow(job: string, ...args: unknown[]): Promise<number>;
  enqueueDelayedNow(job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayedOwner(job).#delayed.enqueueDelayedNow(job, args);
  }

  /** Moves every delayed copy of this job to `time` (not in the future: enqueues now). Returns how many. */
  reschedule<J extends JobClass>(time: DelayedTime, job: J, ...args: ArgsOf<J> | []): Promise<number>;
  reschedule(time: DelayedTime, job: string, ...args: unknown[]): Promise<number>;
  reschedule(time: DelayedTime, job: JobRef, ...args: unknown[]): Promise<number> {
    return this.#delayedOwner(job).#delayed.reschedule(time, job, args);
  }

  /** When this job with exactly these args is delayed to, earliest first. */
  scheduledAt<J extends JobClass>(job: J, ...args: ArgsOf<J> | []): Promise<Date[]>;
  scheduledAt(job: string, ...args: unknown[]): Promise<Date[]>;
  scheduledAt(job: JobRef, ...args: unknown[]): Promise<Date[]> {
    return this.#delayedOwner(job).#delayed.scheduledAt(job, args);
  }

  /** A scheduler (delayed-job promotion and recurring schedules) for this instance's jobs; call start() on it. */
  scheduler(options: Omit<SchedulerOptions, "logger"> & { logger?: Logger | undefined } = {}): Scheduler {
    if (this.#shards) {
      throw new ConfigurationError("A sharded Resque runs one scheduler per shard: use resque.shardedScheduler(options), which covers every shard (docs/sharding.md).");
    }
    return createScheduler(this.#store, this.registry, { ...options, logger: checkedLogger(options.logger, "The scheduler's logger option") ?? this.logger });
  }

  /**
   * The scheduler of a sharded Resque: one scheduler per shard, each with its own leader lock and
   * the schedules whose queue that shard owns (docs/sharding.md); call start() on it. On a Resque
   * that is not sharded it covers the one namespace.
   */
  shardedScheduler(options: Omit<SchedulerOptions, "logger"> & { logger?: Logger | undefined } = {}): ShardedScheduler {
    const settled = { ...options, logger: checkedLogger(options.logger, "The scheduler's logger option") ?? this.logger };
    const shards = this.#shards;
    if (!shards) return createShardedScheduler([{ namespace: this.#store.keys.prefix, store: this.#store }], () => 0, this.registry, settled);
    const stores = shards.members.map((member, i) => ({ namespace: shards.namespaces[i]!, store: member.#store }));
    return createShardedScheduler(stores, (queue) => shards.router.shardOf(queue), this.registry, settled);
  }
  // ── end of delayed jobs ──────────────────────────────────────────────────────────────────────

  // ── Job statuses (src/plugins/status/, src/admin/statuses.ts) ───────────────────────────────
  #statuses: StatusAdmin | undefined;

  /** Status jobs: enqueue with an id, read, list, kill by id (see docs/plugins/status.md). */
  get statuses(): StatusAdmin {
    return (this.#statuses ??= new StatusAdmin(this));
  }

  /** The status of a status job by id (undefined when unknown or expired); sharded, looked up on every shard. */
  async status(id: string): Promise<JobStatus | undefined> {
    const shards = this.#shards;
    if (!shards || shards.members.includes(this)) return this.statuses.get(id);
    const found = await Promise.all(shards.members.map((member) => member.statuses.get(id)));
    return found.find((status) => status !== undefined);
  }
  // ── end of job statuses ─────────────────────────────────────────────────────────────────────

  /** Closes the Redis connections this instance opened. */
  close(): Promise<void> {
    // A member's connection belongs to the facade that made it.
    if (this.#shards) return this.#shards.members.includes(this) ? Promise.resolve() : this.#shards.close();
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
