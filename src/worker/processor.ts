/**
 * Runs one reserved job through its hooks: decode the payload, find the class, then
 * beforePerform → aroundPerform → perform → afterPerform, or onFailure on any error, and
 * describe the outcome. A run can end early at its timeout (after a grace period for the job to
 * honour its aborted signal); a killed or abandoned run is failed with failElsewhere(). Nothing
 * here talks to Redis; the worker reports outcomes in its next work cycle.
 */
import { JobTimeout } from "../errors.js";
import { PERFORM_FRAME } from "../failure/backtrace.js";
import { buildFailureEntry } from "../failure/failure-entry.js";
import type { JobClass } from "../job/job.js";
import { decodePayload, type DecodedPayload } from "../job/payload.js";
import type { JobRegistry } from "../job/registry.js";
import type { Logger } from "../logger.js";
import { HookError, jobHooks, runAll, runAround, runHook, type JobHooks } from "../plugins/hooks.js";
import { DontPerform, JobDeferred, type PerformContext, type Plugin } from "../plugins/plugin.js";
import { runDirtyExitHooks } from "../plugins/dirty-exit.js";
import { carryCountedAttempt } from "../plugins/counted-attempts.js";
import { carryOutcomeWrites, takeOutcomeWrites } from "../plugins/outcome-writes.js";
import { attemptCountingClasses } from "../plugins/retry/attempt-counting.js";
import { JobRunContext, type FailureState } from "./perform-context.js";
import type { Keys } from "../redis/keys.js";
import type { AttemptCountingClass, OutcomeWrites, ReservedJob, SettledJob } from "../redis/stores/worker-store.js";
import type { Resque } from "../resque.js";

/** `writes`: what plugins asked to write with the outcome (only with RunOptions.carryWrites). */
export type JobResult =
  | { kind: "done"; jobName: string; args: readonly unknown[]; skipped: boolean; writes?: OutcomeWrites }
  /** A before hook put the job elsewhere (JobDeferred): nothing to count. */
  | { kind: "deferred"; jobName: string; args: readonly unknown[] }
  | { kind: "failed"; jobName: string | undefined; args: readonly unknown[]; error: unknown; failureEntry: string; writes?: OutcomeWrites };

export interface RunOptions {
  /** Fires on an immediate shutdown or a kill; the job is expected to stop. */
  signal: AbortSignal;
  /** Milliseconds the job may run (undefined: no limit). */
  timeoutMs?: number;
  /** Milliseconds a timed-out job gets to stop after its signal fired. */
  graceMs?: number;
  logger: Logger;
  /**
   * The caller records the outcome in a work cycle and sends plugins' writes with it (see
   * plugins/outcome-writes.ts); without it plugins write to Redis themselves.
   */
  carryWrites?: boolean;
}

/** Every perform runs through this named function; backtraces are cut at its frame. */
const runners = {
  async [PERFORM_FRAME](job: { perform(...args: unknown[]): unknown }, args: readonly unknown[]): Promise<unknown> {
    return await job.perform(...args);
  },
};
const runJob = runners[PERFORM_FRAME];

/** Rejects with the signal's reason `delayMs` after it fires (never, if it does not). */
function rejectAfter(signal: AbortSignal, delayMs: number, timers: NodeJS.Timeout[]): Promise<never> {
  return new Promise((_, reject) => {
    const fire = () => timers.push(setTimeout(() => reject(signal.reason), delayMs));
    if (signal.aborted) fire();
    else signal.addEventListener("abort", fire, { once: true });
  });
}

export class Processor {
  private readonly registry: JobRegistry;
  private readonly plugins: readonly Plugin[];

  constructor(
    private readonly resque: Resque,
    private readonly defaultTimeoutSeconds?: number,
  ) {
    this.registry = resque.registry;
    this.plugins = resque.plugins;
  }

  #attemptCounting: { registered: number; classes: readonly AttemptCountingClass[] } | undefined;

  /**
   * The classes whose retry attempts a work cycle counts as it reserves their jobs (see
   * plugins/retry/attempt-counting.ts); worked out again when more classes are registered.
   */
  attemptCountingClasses(keys: Keys): readonly AttemptCountingClass[] {
    if (this.#attemptCounting?.registered !== this.registry.size) {
      this.#attemptCounting = { registered: this.registry.size, classes: attemptCountingClasses(this.registry, this.plugins, keys) };
    }
    return this.#attemptCounting.classes;
  }

  /** The timeout in ms for a job class name: its static timeout, else the worker's. */
  timeoutFor(className: string | undefined): number | undefined {
    const seconds = (className ? this.registry.get(className)?.timeout : undefined) ?? this.defaultTimeoutSeconds;
    return seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined;
  }

  /** The longest time limit any registered job (or the default) has, in seconds; undefined when none has one. */
  longestTimeoutSeconds(): number | undefined {
    let longest = this.defaultTimeoutSeconds !== undefined && this.defaultTimeoutSeconds > 0 ? this.defaultTimeoutSeconds : undefined;
    for (const name of this.registry.names()) {
      const seconds = this.registry.get(name)?.timeout;
      if (seconds !== undefined && seconds > 0 && (longest === undefined || seconds > longest)) longest = seconds;
    }
    return longest;
  }

  /**
   * Runs a job; `decoded` spares decoding the payload again when the caller already did. Not an
   * async function itself, so a job goes to its runner without an extra async frame and promise.
   */
  run(reserved: ReservedJob, options: RunOptions, decoded: DecodedPayload = decodePayload(reserved.payload)): Promise<JobResult> {
    if (!decoded.ok) return this.#failLater(reserved, decoded.className, [], decoded.error);
    const { className, args } = decoded;
    let JobClass: JobClass;
    let hooks: JobHooks;
    try {
      JobClass = this.registry.resolve(className, reserved.queue);
      // The class's plugins may not build (e.g. invalid `static retry` options): fail the job
      // with that error rather than crash the run.
      hooks = jobHooks(JobClass, this.plugins);
    } catch (error) {
      return this.#failLater(reserved, className, args, error);
    }
    if (options.timeoutMs === undefined && hooks.beforePerform.length === 0 && hooks.aroundPerform.length === 0 && hooks.afterPerform.length === 0) {
      return this.#runPlain(reserved, JobClass, className, hooks, args, options);
    }
    return this.#runHooked(reserved, JobClass, className, hooks, args, options);
  }

  async #failLater(reserved: ReservedJob, jobName: string | undefined, args: readonly unknown[], error: unknown): Promise<JobResult> {
    return this.#failure(reserved, jobName, args, error);
  }

  /** run() for a job with perform hooks or a timeout. */
  async #runHooked(reserved: ReservedJob, JobClass: JobClass, className: string, hooks: JobHooks, args: readonly unknown[], options: RunOptions): Promise<JobResult> {
    // Signals and timers cost allocations on every job, so a job without a timeout gets none.
    const timeout = options.timeoutMs === undefined ? undefined : new AbortController();
    const signal = timeout ? AbortSignal.any([options.signal, timeout.signal]) : options.signal;
    const state: FailureState = { suppressed: false, details: {} };
    const context = new JobRunContext(reserved, JobClass, args, signal, options.logger, state, this.resque);
    if (options.carryWrites) carryOutcomeWrites(context);
    if (reserved.counted) carryCountedAttempt(context, reserved.counted);
    // A plugin's linkSignal() gives the job a signal of its own; perform sees the latest one.
    const timers: NodeJS.Timeout[] = [];
    if (timeout) {
      const seconds = options.timeoutMs! / 1000;
      timers.push(setTimeout(() => timeout.abort(new JobTimeout(`${className} ran longer than its timeout of ${seconds} s`)), options.timeoutMs));
    }
    const progress: { stage: "before" | "perform" | "after" } = { stage: "before" };
    const steps = (async () => {
      const job = new JobClass();
      job.context = context;
      if (hooks.beforePerform.length > 0) await runAll(hooks.beforePerform, context);
      progress.stage = "perform";
      await runAround(hooks.aroundPerform, context, () => {
        // A stop or timeout that fired while hooks ran would never reach a perform that only
        // starts listening to its signal now: do not start it at all.
        context.signal.throwIfAborted();
        return runJob(job as { perform(...a: unknown[]): unknown }, args);
      });
      progress.stage = "after";
      if (hooks.afterPerform.length > 0) await runAll(hooks.afterPerform, context);
    })();
    const endings: Promise<unknown>[] = [steps];
    if (timeout) endings.push(rejectAfter(timeout.signal, options.graceMs ?? 0, timers));
    try {
      await (endings.length === 1 ? steps : Promise.race(endings));
      return { kind: "done", jobName: className, args, skipped: false, writes: takeOutcomeWrites(context) };
    } catch (thrown) {
      const hook = thrown instanceof HookError ? thrown.hook : undefined;
      let error = thrown instanceof HookError ? thrown.original : thrown;
      if (error instanceof DontPerform && progress.stage !== "after") {
        return { kind: "done", jobName: className, args, skipped: true, writes: takeOutcomeWrites(context) };
      }
      if (error instanceof JobDeferred && progress.stage === "before") {
        return { kind: "deferred", jobName: className, args };
      }
      // A job that fails after its timeout fired failed because of that.
      const ended = timeout?.signal.aborted ? timeout.signal.reason : undefined;
      if (ended instanceof JobTimeout && error !== ended) {
        (ended as Error).cause = error;
        error = ended;
      }
      return this.#failed(reserved, context, hooks, error, hook ? { hook } : {}, state, options.logger);
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  /**
   * run() for a job with no before, around or after hooks and no timeout: the same outcomes,
   * without the hook runner's async wrappers, the timer list and the stage tracking, which were
   * most of a job's allocations (and of what a busy worker's scavenges promote to old space).
   */
  async #runPlain(reserved: ReservedJob, JobClass: JobClass, className: string, hooks: JobHooks, args: readonly unknown[], options: RunOptions): Promise<JobResult> {
    const state: FailureState = { suppressed: false, details: {} };
    const context = new JobRunContext(reserved, JobClass, args, options.signal, options.logger, state, this.resque);
    let performing = false;
    try {
      const job = new JobClass();
      job.context = context;
      performing = true;
      context.signal.throwIfAborted();
      await runJob(job as { perform(...a: unknown[]): unknown }, args);
      return { kind: "done", jobName: className, args, skipped: false };
    } catch (error) {
      if (error instanceof DontPerform) return { kind: "done", jobName: className, args, skipped: true };
      if (error instanceof JobDeferred && !performing) return { kind: "deferred", jobName: className, args };
      // Only onFailure hooks can run here, so only a failure can carry plugin writes.
      if (options.carryWrites) carryOutcomeWrites(context);
      return this.#failed(reserved, context, hooks, error, {}, state, options.logger);
    }
  }

  /**
   * Records the failure of a job whose run cannot finish here (its process is gone or stuck):
   * runs its onFailure hooks (so the retry plugin can retry it) and returns the failure entry
   * ("" when a hook suppressed it).
   */
  async failElsewhere(reserved: ReservedJob, error: unknown, logger: Logger): Promise<string> {
    const decoded = decodePayload(reserved.payload);
    const JobClass = decoded.ok ? this.registry.get(decoded.className) : undefined;
    if (!decoded.ok || !JobClass) {
      return buildFailureEntry({ error, payload: reserved.payload, payloadBytes: reserved.payloadBytes, queue: reserved.queue, workerId: reserved.workerId });
    }
    let hooks: JobHooks;
    try {
      hooks = jobHooks(JobClass, this.plugins);
    } catch {
      // Its plugins cannot be built (invalid `static retry` options): no hook can run.
      return buildFailureEntry({ error, payload: reserved.payload, payloadBytes: reserved.payloadBytes, queue: reserved.queue, workerId: reserved.workerId });
    }
    const state: FailureState = { suppressed: false, details: {} };
    const context = new JobRunContext(reserved, JobClass, decoded.args, AbortSignal.abort(error), logger, state, this.resque, true);
    const result = await this.#failed(reserved, context, hooks, error, {}, state, logger);
    return result.kind === "failed" ? result.failureEntry : "";
  }

  /** Runs the onDirtyExit hooks of dead workers' jobs that pruning settled (see plugins/dirty-exit.ts). */
  dirtyExits(settled: readonly SettledJob[], logger: Logger): Promise<void> {
    return settled.length === 0 ? Promise.resolve() : runDirtyExitHooks(this.resque, settled, logger);
  }

  async #failed(
    reserved: ReservedJob,
    context: PerformContext,
    hooks: JobHooks,
    error: unknown,
    extra: Record<string, unknown>,
    state: FailureState,
    logger: Logger,
  ): Promise<JobResult> {
    for (const onFailure of hooks.onFailure) {
      try {
        await runHook(onFailure, [error, context]);
      } catch (hookError) {
        // Like Resque, a failing failure hook does not hide the job's own error.
        state.details.on_failure_error = `${onFailure.label}: ${hookError instanceof Error ? hookError.message : String(hookError)}`;
        logger.error({ err: hookError, hook: onFailure.label }, "onFailure hook failed");
      }
    }
    // A run with a context decoded its payload: the entry need not decode it again.
    const result = this.#failure(reserved, context.jobName, context.args, error, { ...extra, ...state.details }, state.suppressed, true);
    const writes = takeOutcomeWrites(context);
    return writes ? { ...result, writes } : result;
  }

  #failure(
    reserved: ReservedJob,
    jobName: string | undefined,
    args: readonly unknown[],
    error: unknown,
    extra: Record<string, unknown> = {},
    suppressed = false,
    payloadUsable = false,
  ): Extract<JobResult, { kind: "failed" }> {
    const failureEntry = suppressed
      ? ""
      : buildFailureEntry({ error, payload: reserved.payload, payloadBytes: reserved.payloadBytes, queue: reserved.queue, workerId: reserved.workerId, extra }, { payloadUsable });
    return { kind: "failed", jobName, args, error, failureEntry };
  }
}
