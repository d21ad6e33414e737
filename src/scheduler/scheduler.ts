/**
 * The scheduler service (resque-scheduler's daemon): every pass takes or extends the leader lock;
 * the leader moves due delayed jobs onto their queues and fires due slots of recurring schedules.
 * Between passes it sleeps until the next delayed time or schedule slot, or at most `interval`
 * (the fallback for delayed jobs written by other producers), and wakes early when this library
 * schedules a job earlier than any known or changes a dynamic schedule.
 */
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { ConfigurationError, ScheduleFileError } from "../errors.js";
import type { JobRegistry } from "../job/registry.js";
import type { Logger } from "../logger.js";
import { countOption, secondsOption } from "../option-checks.js";
import { warnAboutEviction } from "../redis/eviction-policy.js";
import type { DataStore } from "../redis/store.js";
import { failureTime } from "../redis/time-formats.js";
import { Wakeup } from "../worker/wakeup.js";
import { systemClock, type Clock } from "./clock.js";
import { defaultLockValue, LeaderLock } from "./leader-lock.js";
import { RecurringJobs, type FiredSlot } from "./recurring-jobs.js";
import type { Schedule, ScheduleConfig } from "./schedule.js";
import { scheduleContext } from "./schedule-config.js";
import { readScheduleFile, validateScheduleEntries } from "./schedule-file.js";

export interface SchedulerOptions {
  /** Schedules by name, as in a schedule file. */
  schedule?: Record<string, ScheduleConfig>;
  /** A YAML or JSON schedule file; read and validated whole when the scheduler is created. */
  scheduleFile?: string;
  /** Also run dynamic schedules stored in Redis and reload them live (DYNAMIC_SCHEDULE). */
  dynamic?: boolean;
  /** Longest sleep between passes, in seconds (RESQUE_SCHEDULER_INTERVAL; default 5). */
  interval?: number;
  /** Seconds the leader lock lives unless extended (LOCK_TIMEOUT; default 180). */
  lockTimeout?: number;
  /** resque-scheduler's RESQUE_SCHEDULER_MASTER_LOCK_PREFIX. */
  lockPrefix?: string;
  /** This scheduler's lock value; default host:pid, as resque-scheduler writes it. */
  lockValue?: string;
  /** A slot up to this many seconds late still fires as on time (default lockTimeout + interval). */
  graceSeconds?: number;
  /** The most missed slots a schedule with `missed: all` fires at once (default 100). */
  maxCatchUp?: number;
  /** Delayed jobs moved per script run (DELAYED_REQUEUE_BATCH_SIZE; default 1000). */
  batchSize?: number;
  /** IANA zone for cron schedules that name none; default the process's zone. */
  timezone?: string;
  /** RAILS_ENV for schedules with a rails_env/env filter. */
  env?: string;
  /** Time source; tests inject a fake or fast clock. Lock timing always uses real time. */
  clock?: Clock;
  logger: Logger;
}

export interface SchedulerEvents {
  /** This scheduler took the leader lock. */
  leader: [];
  /** This scheduler lost the leader lock to another. */
  follower: [];
  /** A schedule slot was enqueued by this scheduler. */
  fired: [FiredSlot];
  /** Delayed jobs moved onto their queues (and ones that could not be, recorded as failed). */
  promoted: [{ moved: number; failed: number }];
  /** A pass failed (usually Redis unreachable); the scheduler retries. */
  error: [Error];
  stopped: [];
}

const MIN_LOCK_TIMEOUT_MS = 100;

let create: (store: DataStore, registry: JobRegistry, options: SchedulerOptions) => Scheduler;

/** A scheduler for a Resque's jobs: `resque.scheduler(options)`; call start() on it. */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly #store: DataStore;
  readonly #registry: JobRegistry;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #lock: LeaderLock;
  readonly #recurring: RecurringJobs;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #workerId = `${hostname().replace(/:/g, "-")}:${process.pid}:resque-scheduler`;
  readonly #wakeup = new Wakeup();
  #leader = false;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #redisDown = false;
  readonly #onRedisError = (error: Error) => {
    if (this.#redisDown) return;
    this.#redisDown = true;
    this.#logger.warn({ err: error }, "Redis connection lost; the scheduler waits and retries");
  };
  readonly #onRedisReady = () => {
    if (!this.#redisDown) return;
    this.#redisDown = false;
    this.#logger.info("Redis reachable again; the scheduler continues");
  };

  static {
    create = (store, registry, options) => new Scheduler(store, registry, options);
  }

  /** Validates the whole schedule first: throws ScheduleFileError (every problem listed) before anything runs. */
  private constructor(store: DataStore, registry: JobRegistry, options: SchedulerOptions) {
    super();
    this.#store = store;
    this.#registry = registry;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    const interval = options.interval ?? 5;
    const lockTimeout = options.lockTimeout ?? 180;
    if (!(interval > 0) || !Number.isFinite(interval)) throw new ConfigurationError(`interval must be a positive number of seconds, got ${options.interval}.`);
    if (!(lockTimeout * 1000 >= MIN_LOCK_TIMEOUT_MS) || !Number.isFinite(lockTimeout)) {
      throw new ConfigurationError(`lockTimeout must be at least 0.1 seconds, got ${options.lockTimeout}.`);
    }
    this.#intervalMs = interval * 1000;
    this.#batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new ConfigurationError(`batchSize must be a whole number of at least 1, got ${options.batchSize}.`);
    const graceMs = secondsOption(options.graceSeconds, "graceSeconds", lockTimeout + interval) * 1000;
    const maxCatchUp = countOption(options.maxCatchUp, "maxCatchUp", 100);
    this.#lock = new LeaderLock(store.schedulerLock, options.lockValue ?? defaultLockValue(), lockTimeout * 1000, options.lockPrefix);

    const context = scheduleContext(registry, options);
    const schedules: Schedule[] = [];
    if (options.scheduleFile !== undefined) {
      schedules.push(...validateScheduleEntries(`schedule file ${options.scheduleFile}`, readScheduleFile(options.scheduleFile), context));
    }
    if (options.schedule !== undefined) {
      for (const schedule of validateScheduleEntries("schedule", options.schedule, context)) {
        if (schedules.some((s) => s.name === schedule.name)) {
          throw new ScheduleFileError("schedule", `schedule "${schedule.name}" is defined both in the schedule file and in code; keep one`);
        }
        schedules.push(schedule);
      }
    }
    this.#recurring = new RecurringJobs(
      store.schedules,
      {
        schedules,
        dynamic: options.dynamic ?? false,
        context,
        graceMs,
        maxCatchUp,
        markerTtl: Math.max(3600, Math.ceil((2 * graceMs) / 1000)),
        logger: this.#logger,
      },
      this.#clock.now(),
    );
  }

  /** Whether this scheduler holds the leader lock (as of its last pass). */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** The schedules in force (file/code plus, when leading with dynamic on, those from Redis). */
  get schedules(): Schedule[] {
    return [...this.#recurring.active.values()];
  }

  /** Starts the loop. Resolves once subscribed to wake-ups; the first pass runs at once. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new ConfigurationError("A scheduler can be started once; create a new one to start again.");
    this.#state = "running";
    this.#store.client.on("error", this.#onRedisError);
    this.#store.client.on("ready", this.#onRedisReady);
    this.#unsubscribe = await this.#store.delayed.subscribeSchedulerWakeups(() => this.#wakeup.poke());
    this.#logger.info({ schedules: this.schedules.map((s) => s.name), lock: this.#lock.value }, "scheduler started");
    void warnAboutEviction(this.#store, this.#logger);
    this.#loop = this.#run();
  }

  /** Stops after the current pass and gives up the leader lock if held. */
  stop(): Promise<void> {
    if (this.#state === "new") {
      this.#state = "stopped";
      return Promise.resolve();
    }
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /**
   * One pass: take or extend the lock; if leading, move due delayed jobs and fire due slots.
   * Returns the clock time (epoch ms) when the next pass is due. The loop calls it; tests with a
   * fake clock may call it directly instead of start().
   */
  async runPass(): Promise<number> {
    const passStarted = performance.now();
    const outcome = await this.#lock.check();
    if (outcome === "held-elsewhere") {
      if (this.#leader) {
        this.#leader = false;
        this.#logger.warn({ holder: await this.#lock.holder() }, "another scheduler took the leader lock; following");
        this.emit("follower");
      }
      return this.#clock.now() + this.#intervalMs;
    }
    if (!this.#leader) {
      await this.#recurring.takeOver(this.#clock.now());
      this.#leader = true;
      this.#logger.info({ lock: this.#lock.value }, "leading: promoting delayed jobs and firing schedules");
      this.emit("leader");
    }
    await this.#recurring.applyChanges(this.#clock.now());
    if (!(await this.#promoteDue(passStarted))) return this.#clock.now();
    const now = this.#clock.now();
    await this.#recurring.fireDue(now, (fired) => this.emit("fired", fired));
    await this.#recurring.recordNextRuns();
    let wakeAt = now + this.#intervalMs;
    const nextSlot = this.#recurring.nextDue();
    if (nextSlot !== undefined) wakeAt = Math.min(wakeAt, nextSlot);
    const earliest = await this.#store.delayed.earliest();
    if (earliest !== undefined) wakeAt = Math.min(wakeAt, earliest * 1000);
    return wakeAt;
  }

  /** Moves due delayed jobs in batches. Returns false when the lock was lost on the way. */
  async #promoteDue(passStarted: number): Promise<boolean> {
    const queueOfClass = new Map<string, string>();
    for (const name of this.#registry.names()) {
      const queue = this.#registry.get(name)?.queue;
      if (queue) queueOfClass.set(name, queue);
    }
    for (;;) {
      const now = this.#clock.now();
      const result = await this.#store.delayed.promoteDue({
        // Seconds with a fraction: millisecond-precision times (scores with a fraction) fall due on time.
        now: now / 1000,
        batchSize: this.#batchSize,
        queueOfClass,
        failedAt: failureTime(new Date(now)),
        workerId: this.#workerId,
      });
      if (result.moved > 0 || result.failed > 0) {
        this.#logger.info({ moved: result.moved, failed: result.failed }, "moved due delayed jobs onto their queues");
        this.emit("promoted", { moved: result.moved, failed: result.failed });
      }
      if (result.failed > 0) this.#logger.error({ failed: result.failed }, "delayed items that could not be enqueued were recorded as failed jobs");
      if (result.dropped > 0) this.#logger.warn({ dropped: result.dropped }, "dropped delayed_queue_schedule members that were not delayed-job times");
      if (!result.more || this.#state === "stopping") return true;
      // A long backlog: keep the lock alive between batches.
      if (performance.now() - passStarted > this.#lock.timeoutMs / 3) {
        passStarted = performance.now();
        if ((await this.#lock.check()) === "held-elsewhere") return false;
      }
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    // The leader must extend its lock well before it expires, however long it could sleep.
    const longestSleep = Math.min(this.#intervalMs, this.#lock.timeoutMs / 3);
    while (this.#state === "running") {
      const pokes = this.#wakeup.pokes;
      let wakeAt: number;
      try {
        wakeAt = await this.runPass();
        failures = 0;
      } catch (error) {
        if (failures++ === 0) {
          this.#logger.error({ err: error }, "scheduler pass failed; retrying with backoff");
          if (this.listenerCount("error") > 0) this.emit("error", error as Error);
        }
        await this.#wakeup.wait(Math.min(100 * 2 ** failures, longestSleep));
        continue;
      }
      if (this.#wakeup.pokes !== pokes) {
        this.#wakeup.clear(); // woken during the pass: look again at once
        continue;
      }
      const sleep = Math.min(Math.max(wakeAt - this.#clock.now(), 0), longestSleep);
      if (sleep > 0) await this.#wakeup.wait(sleep);
    }
  }

  async #shutdown(): Promise<void> {
    this.#state = "stopping";
    this.#wakeup.poke();
    await this.#loop;
    await this.#unsubscribe?.();
    if (this.#leader) {
      try {
        await this.#lock.release();
      } catch (error) {
        this.#logger.error({ err: error }, "could not release the leader lock; it expires on its own");
      }
      this.#leader = false;
    }
    this.#store.client.off("error", this.#onRedisError);
    this.#store.client.off("ready", this.#onRedisReady);
    this.#state = "stopped";
    this.#logger.info("scheduler stopped");
    this.emit("stopped");
  }
}

/** Builds a scheduler over a store and a job registry (Resque.scheduler and the CLI). */
export function createScheduler(store: DataStore, registry: JobRegistry, options: SchedulerOptions): Scheduler {
  return create(store, registry, options);
}
