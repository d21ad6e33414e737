/**
 * Helpers for an application's own tests, on a real Redis (a test database, flushed between
 * tests): run queued jobs in the test's process and see what happened (drain), run enqueues at
 * once (inline), perform one job directly (performJob), assert what was enqueued or scheduled,
 * and move a test clock to run retries, delayed jobs and schedules. Jobs run through the same
 * worker and hooks as in production, so retries, failure entries and stats are the real ones.
 */
import { AssertionError } from "node:assert";
import { isDeepStrictEqual } from "node:util";
import type { ScheduledRetry } from "../admin/retries.js";
import { ConfigurationError } from "../errors.js";
import { jobNameOf, type ArgsOf, type JobClass } from "../job/job.js";
import { encodePayload } from "../job/payload.js";
import type { Resque } from "../resque.js";
import type { DelayedJob } from "../scheduler/delayed-item.js";
import { dueTimestamp, toMillis, type DelayedTime } from "../scheduler/delayed-time.js";
import type { ScheduleConfig } from "../scheduler/schedule.js";
import type { FiredSlot } from "../scheduler/recurring-jobs.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { Processor } from "../worker/processor.js";
import { summarize, type DrainResult, type JobRun } from "./job-run.js";
import { TestClock } from "./test-clock.js";

export interface ResqueTestingOptions {
  /**
   * The clock the helpers move. Default: a new TestClock at the real time, installed for the
   * whole process until close(). `false` leaves the real clock (advance() then refuses).
   */
  clock?: TestClock | false | undefined;
  /** Recurring schedules for advance() to fire, as in a schedule file (name → config). */
  schedule?: Record<string, ScheduleConfig> | undefined;
  /** A schedule file (YAML or JSON) for advance() to fire. */
  scheduleFile?: string | undefined;
}

export interface DrainOptions {
  /** Stop with an error after this many jobs (default 10,000): a job that keeps enqueueing itself. */
  maxJobs?: number | undefined;
}

export interface InlineOptions {
  /**
   * Reject the enqueue with the job's error when a job it ran failed for good (no retry
   * pending). Default true, so a failing job fails the test that enqueued it.
   */
  rethrow?: boolean | undefined;
}

/** A job waiting on a queue. */
export interface EnqueuedJob {
  queue: string;
  class: string;
  args: unknown[];
}

/** What advance() did: delayed jobs moved onto queues, schedule slots fired, and (inline) the runs. */
export interface AdvanceResult {
  promoted: number;
  fired: FiredSlot[];
  /** Runs of the jobs that became due, in inline mode (empty otherwise). */
  runs: JobRun[];
}

type JobRef = JobClass | string;

const INLINE_METHODS = ["enqueue", "enqueueTo", "enqueueFront", "enqueueBulk"] as const;

let drains = 0;

export class ResqueTesting {
  readonly resque: Resque;
  /** The clock advance() moves, when there is one. */
  readonly clock: TestClock | undefined;
  readonly #options: ResqueTestingOptions;
  #scheduler: Scheduler | undefined;
  #inline: InlineOptions | undefined;

  constructor(resque: Resque, options: ResqueTestingOptions = {}) {
    this.resque = resque;
    this.#options = options;
    this.clock = options.clock === false ? undefined : (options.clock ?? new TestClock()).install();
  }

  /**
   * Runs the jobs on `queues` (default every queue) in this process, one at a time, until they
   * are empty, including jobs those jobs enqueue. Resolves with every run once their outcomes
   * are recorded in Redis.
   */
  async drain(queues: string | readonly string[] = "*", options: DrainOptions = {}): Promise<DrainResult> {
    const runs = await this.#runQueues(queues, options);
    return summarize(runs, await this.#attachRetries(runs));
  }

  /**
   * Performs one job here and now, through its hooks (and retry plugin), without a queue. The
   * class is registered if it is not yet. A failure is returned, not thrown, and is not written
   * to the failed list; a retry the retry plugin schedules is real (see the run's `retry`).
   */
  async performJob<J extends JobClass>(job: J, ...args: ArgsOf<J>): Promise<JobRun> {
    if (this.resque.registry.get(jobNameOf(job)) !== job) this.resque.register(job);
    const jobName = jobNameOf(job);
    const queue = job.queue ?? "testing";
    const payload = encodePayload(jobName, args);
    const started = performance.now();
    const result = await new Processor(this.resque).run(
      { workerId: `resque-ts-testing:${process.pid}:${queue}`, queue, payload, reservation: "performJob" },
      { signal: new AbortController().signal, logger: this.resque.logger },
    );
    const durationMs = performance.now() - started;
    const run: JobRun =
      result.kind === "done"
        ? { jobName, queue, args, outcome: result.skipped ? "skipped" : "success", durationMs }
        : result.kind === "deferred"
          ? { jobName, queue, args, outcome: "deferred", durationMs }
          : { jobName, queue, args, outcome: "failure", error: result.error, durationMs };
    await this.#attachRetries([run]);
    return run;
  }

  /**
   * Inline mode: from now until the returned function is called (or close()), every enqueue,
   * enqueueTo, enqueueFront and enqueueBulk of this Resque, and every enqueueAt or enqueueIn
   * whose time has come, drains the queues before it resolves: the job has run when the
   * enqueue returns. Jobs delayed into the future wait for advance().
   */
  inline(options: InlineOptions = {}): () => void {
    if (this.#inline) throw new ConfigurationError("Inline mode is already on for this Resque.");
    this.#inline = options;
    const target = this.resque as unknown as Record<string, unknown>;
    for (const name of INLINE_METHODS) {
      const original = target[name] as (...args: unknown[]) => Promise<unknown>;
      Object.defineProperty(target, name, {
        configurable: true,
        writable: true,
        value: async (...args: unknown[]) => {
          const result = await original.apply(this.resque, args);
          await this.#drainInline();
          return result;
        },
      });
    }
    return () => this.#inlineOff();
  }

  /**
   * Moves the clock `seconds` forward, then does what a scheduler would: moves due delayed jobs
   * (enqueueAt, enqueueIn, retries) onto their queues and fires due schedule slots. In inline
   * mode, the jobs that became due are run too.
   */
  async advance(seconds: number): Promise<AdvanceResult> {
    const clock = this.clock;
    if (!clock) throw new ConfigurationError("advance() needs a test clock; create ResqueTesting without clock: false.");
    const first = this.#scheduler === undefined;
    const scheduler = this.#schedulerForClock(clock);
    let promoted = 0;
    const fired: FiredSlot[] = [];
    const onPromoted = (p: { moved: number }) => (promoted += p.moved);
    const onFired = (slot: FiredSlot) => fired.push(slot);
    scheduler.on("promoted", onPromoted);
    scheduler.on("fired", onFired);
    try {
      // The first pass takes over the schedules at the time before the move, so slots inside
      // the advanced interval are due, not missed.
      if (first) await scheduler.runPass();
      clock.advance(seconds);
      await scheduler.runPass();
    } finally {
      scheduler.off("promoted", onPromoted);
      scheduler.off("fired", onFired);
    }
    const runs = this.#inline ? await this.#drainInline() : [];
    return { promoted, fired, runs };
  }

  /** Jobs waiting on one queue, or on every queue (by queue name, each oldest first). */
  async enqueued(queue?: string): Promise<EnqueuedJob[]> {
    const queues = queue === undefined ? await this.resque.admin.queues.names() : [queue];
    const found: EnqueuedJob[] = [];
    for (const name of queues) {
      for (const job of await this.resque.admin.queues.peek(name, { count: (await this.resque.admin.queues.size(name)) || 1 })) {
        found.push({ queue: name, class: job.class, args: job.args });
      }
    }
    return found;
  }

  /** Delayed jobs (retries included), earliest first. */
  async scheduled(): Promise<DelayedJob[]> {
    const found: DelayedJob[] = [];
    // Every delayed job, a page of due times at a time (the admin API reads in bounded calls).
    for (let start = 0; ; start += 100) {
      const times = await this.resque.admin.delayed.timestamps({ start, count: 100 });
      for (const { at, size } of times) found.push(...(await this.resque.admin.delayed.at(at, { count: size })));
      if (times.length < 100) return found;
    }
  }

  /** Throws an AssertionError unless a job of this class (with these args, on this queue) is waiting on a queue. */
  async assertEnqueued<J extends JobClass>(job: J, args?: ArgsOf<J>, options?: { queue?: string; count?: number }): Promise<void>;
  async assertEnqueued(job: string, args?: readonly unknown[], options?: { queue?: string; count?: number }): Promise<void>;
  async assertEnqueued(job: JobRef, args?: readonly unknown[], options: { queue?: string; count?: number } = {}): Promise<void> {
    const all = await this.enqueued(options.queue);
    const matching = all.filter((j) => matches(j, job, args));
    const expected = options.count;
    if (expected === undefined ? matching.length > 0 : matching.length === expected) return;
    throw new AssertionError({
      message: `Expected ${expected ?? "a"} ${describe(job, args, options.queue)} to be enqueued, found ${matching.length}. Enqueued: ${list(all)}`,
      actual: all,
      expected: { class: nameOf(job), ...(args ? { args } : {}), ...(options.queue ? { queue: options.queue } : {}) },
      operator: "assertEnqueued",
    });
  }

  /** Throws an AssertionError if a job of this class (with these args, on this queue) is waiting on a queue. */
  async refuteEnqueued<J extends JobClass>(job: J, args?: ArgsOf<J>, options?: { queue?: string }): Promise<void>;
  async refuteEnqueued(job: string, args?: readonly unknown[], options?: { queue?: string }): Promise<void>;
  async refuteEnqueued(job: JobRef, args?: readonly unknown[], options: { queue?: string } = {}): Promise<void> {
    const all = await this.enqueued(options.queue);
    const matching = all.filter((j) => matches(j, job, args));
    if (matching.length === 0) return;
    throw new AssertionError({
      message: `Expected no ${describe(job, args, options.queue)} to be enqueued, found ${matching.length}: ${list(matching)}`,
      actual: matching,
      expected: [],
      operator: "refuteEnqueued",
    });
  }

  /**
   * Throws an AssertionError unless a job of this class (with these args) is in the delayed
   * schedule; with `at`, due at that time (as stored: rounded up to the second).
   */
  async assertScheduled<J extends JobClass>(job: J, args?: ArgsOf<J>, options?: { at?: DelayedTime; queue?: string }): Promise<void>;
  async assertScheduled(job: string, args?: readonly unknown[], options?: { at?: DelayedTime; queue?: string }): Promise<void>;
  async assertScheduled(job: JobRef, args?: readonly unknown[], options: { at?: DelayedTime; queue?: string } = {}): Promise<void> {
    const all = await this.scheduled();
    const due = options.at === undefined ? undefined : dueTimestamp(toMillis(options.at)) * 1000;
    const matching = all.filter(
      (j) => matches(j, job, args) && (options.queue === undefined || j.queue === options.queue) && (due === undefined || j.at.getTime() === due),
    );
    if (matching.length > 0) return;
    const when = due === undefined ? "" : ` at ${new Date(due).toISOString()}`;
    throw new AssertionError({
      message: `Expected ${describe(job, args, options.queue)} to be scheduled${when}. Scheduled: ${list(all, true)}`,
      actual: all.map((j) => ({ class: j.class, args: j.args, queue: j.queue, at: j.at })),
      expected: { class: nameOf(job), ...(args ? { args } : {}), ...(due === undefined ? {} : { at: new Date(due) }) },
      operator: "assertScheduled",
    });
  }

  /** Throws an AssertionError if a job of this class (with these args) is in the delayed schedule. */
  async refuteScheduled<J extends JobClass>(job: J, args?: ArgsOf<J>): Promise<void>;
  async refuteScheduled(job: string, args?: readonly unknown[]): Promise<void>;
  async refuteScheduled(job: JobRef, args?: readonly unknown[]): Promise<void> {
    const matching = (await this.scheduled()).filter((j) => matches(j, job, args));
    if (matching.length === 0) return;
    throw new AssertionError({
      message: `Expected no ${describe(job, args)} to be scheduled, found ${matching.length}: ${list(matching, true)}`,
      actual: matching,
      expected: [],
      operator: "refuteScheduled",
    });
  }

  /** Turns inline mode off, gives back the real clock, and gives up the scheduler lock advance() took. */
  async close(): Promise<void> {
    this.#inlineOff();
    this.clock?.uninstall();
    const scheduler = this.#scheduler;
    this.#scheduler = undefined;
    if (scheduler) {
      // It never ran its loop; start and stop it so it releases the leader lock it holds.
      await scheduler.start();
      await scheduler.stop();
    }
  }

  #schedulerForClock(clock: TestClock): Scheduler {
    return (this.#scheduler ??= this.resque.scheduler({
      clock,
      lockValue: `resque-ts-testing:${process.pid}`,
      ...(this.#options.schedule ? { schedule: this.#options.schedule } : {}),
      ...(this.#options.scheduleFile ? { scheduleFile: this.#options.scheduleFile } : {}),
    }));
  }

  #inlineOff(): void {
    if (!this.#inline) return;
    this.#inline = undefined;
    const target = this.resque as unknown as Record<string, unknown>;
    for (const name of INLINE_METHODS) delete target[name];
  }

  async #drainInline(): Promise<JobRun[]> {
    const runs = await this.#runQueues("*", {});
    await this.#attachRetries(runs);
    if (this.#inline?.rethrow ?? true) {
      const failed = runs.find((r) => r.outcome === "failure" && !r.retry);
      if (failed) throw failed.error;
    }
    return runs;
  }

  /** A worker of its own (so drains may nest: a job enqueueing in inline mode) that stops when the queues are empty. */
  async #runQueues(queues: string | readonly string[], options: DrainOptions): Promise<JobRun[]> {
    const maxJobs = options.maxJobs ?? 10_000;
    const worker = this.resque.worker({
      queues,
      interval: 0,
      concurrency: 1,
      processTitle: false,
      host: `resque-ts-testing-${++drains}`,
    });
    const runs: JobRun[] = [];
    let started = 0;
    let overrun = false;
    worker.on("job:start", () => {
      if (++started >= maxJobs && !overrun) {
        overrun = true;
        void worker.stop();
      }
    });
    worker.on("job:success", (e) => runs.push({ jobName: e.jobName, queue: e.queue, args: e.args, outcome: e.skipped ? "skipped" : "success", durationMs: e.durationMs }));
    worker.on("job:deferred", (e) => runs.push({ jobName: e.jobName, queue: e.queue, args: e.args, outcome: "deferred", durationMs: e.durationMs }));
    worker.on("job:failure", (e) => runs.push({ jobName: e.jobName, queue: e.queue, args: e.args, outcome: "failure", error: e.error, durationMs: e.durationMs }));
    await worker.start();
    await worker.stopped;
    if (overrun) {
      throw new ConfigurationError(`drain stopped after ${maxJobs} jobs: a job keeps enqueueing more. Raise maxJobs if that many are expected.`);
    }
    return runs;
  }

  /** Marks each failed run whose retry is waiting in the delayed schedule; returns the waiting retries. */
  async #attachRetries(runs: JobRun[]): Promise<ScheduledRetry[]> {
    const retries = await this.resque.admin.retries.scheduled();
    for (const run of runs) {
      if (run.outcome !== "failure") continue;
      const retry = retries.find((r) => r.class === run.jobName && isDeepStrictEqual(r.args, [...run.args]));
      if (retry) run.retry = { at: retry.at, attempt: retry.attempt };
    }
    return retries;
  }
}

function nameOf(job: JobRef): string {
  return typeof job === "string" ? job : jobNameOf(job);
}

function matches(found: { class: string; args: unknown[] }, job: JobRef, args: readonly unknown[] | undefined): boolean {
  return found.class === nameOf(job) && (args === undefined || isDeepStrictEqual(found.args, [...args]));
}

function describe(job: JobRef, args: readonly unknown[] | undefined, queue?: string): string {
  const shownArgs = args === undefined ? "" : `(${args.map((a) => JSON.stringify(a)).join(", ")})`;
  return `${nameOf(job)}${shownArgs}${queue === undefined ? "" : ` on queue "${queue}"`}`;
}

function list(jobs: readonly { class: string; args: unknown[]; queue?: string | undefined; at?: Date }[], withTime = false): string {
  if (jobs.length === 0) return "none";
  return jobs
    .map((j) => `${j.class}(${j.args.map((a) => JSON.stringify(a)).join(", ")})${j.queue ? ` on "${j.queue}"` : ""}${withTime && j.at ? ` at ${j.at.toISOString()}` : ""}`)
    .join("; ");
}
