/**
 * Runs one reserved job through its hooks: decode the payload, find the class, then
 * beforePerform → aroundPerform → perform → afterPerform, or onFailure on any error, and
 * describe the outcome. Nothing here talks to Redis; the worker reports outcomes in its next
 * work cycle.
 */
import { PERFORM_FRAME } from "../failure/backtrace.js";
import { buildFailureEntry } from "../failure/failure-entry.js";
import type { JobClass } from "../job/job.js";
import { decodePayload } from "../job/payload.js";
import type { JobRegistry } from "../job/registry.js";
import type { Logger } from "../logger.js";
import { HookError, jobHooks, runAll, runAround, runHook } from "../plugins/hooks.js";
import { DontPerform, type PerformContext, type Plugin } from "../plugins/plugin.js";
import type { ReservedJob } from "../redis/stores/worker-store.js";

export type JobResult =
  | { kind: "done"; jobName: string; args: readonly unknown[]; skipped: boolean }
  | { kind: "failed"; jobName: string | undefined; args: readonly unknown[]; error: unknown; failureEntry: string };

export interface RunOptions {
  signal: AbortSignal;
  logger: Logger;
}

/** Every perform runs through this named function; backtraces are cut at its frame. */
const runners = {
  async [PERFORM_FRAME](job: { perform(...args: unknown[]): unknown }, args: readonly unknown[]): Promise<unknown> {
    return await job.perform(...args);
  },
};
const runJob = runners[PERFORM_FRAME];

interface FailureState {
  suppressed: boolean;
  details: Record<string, unknown>;
}

export class Processor {
  constructor(
    private readonly registry: JobRegistry,
    private readonly plugins: readonly Plugin[] = [],
  ) {}

  async run(reserved: ReservedJob, options: RunOptions): Promise<JobResult> {
    const decoded = decodePayload(reserved.payload);
    if (!decoded.ok) return this.#failure(reserved, decoded.className, [], decoded.error);
    const { className, args } = decoded;
    let JobClass: JobClass;
    try {
      JobClass = this.registry.resolve(className, reserved.queue);
    } catch (error) {
      return this.#failure(reserved, className, args, error);
    }
    const state: FailureState = { suppressed: false, details: {} };
    const context: PerformContext = {
      jobName: className,
      queue: reserved.queue,
      args,
      workerId: reserved.workerId,
      signal: options.signal,
      logger: options.logger.child({ job: className, queue: reserved.queue }),
      attempt: 0,
      payload: reserved.payload,
      job: JobClass,
      failureDetails: state.details,
      suppressFailureEntry: () => {
        state.suppressed = true;
      },
    };
    const hooks = jobHooks(JobClass, this.plugins);
    let stage: "before" | "perform" | "after" = "before";
    try {
      const job = new JobClass();
      job.context = context;
      await runAll(hooks.beforePerform, context);
      stage = "perform";
      await runAround(hooks.aroundPerform, context, () => runJob(job as { perform(...a: unknown[]): unknown }, args));
      stage = "after";
      await runAll(hooks.afterPerform, context);
      return { kind: "done", jobName: className, args, skipped: false };
    } catch (thrown) {
      const hook = thrown instanceof HookError ? thrown.hook : undefined;
      const error = thrown instanceof HookError ? thrown.original : thrown;
      if (error instanceof DontPerform && stage !== "after") {
        return { kind: "done", jobName: className, args, skipped: true };
      }
      for (const onFailure of hooks.onFailure) {
        try {
          await runHook(onFailure, [error, context]);
        } catch (hookError) {
          // Like Resque, a failing failure hook does not hide the job's own error.
          state.details.on_failure_error = `${onFailure.label}: ${hookError instanceof Error ? hookError.message : String(hookError)}`;
          options.logger.error({ err: hookError, hook: onFailure.label }, "onFailure hook failed");
        }
      }
      return this.#failure(reserved, className, args, error, { ...(hook ? { hook } : {}), ...state.details }, state.suppressed);
    }
  }

  #failure(
    reserved: ReservedJob,
    jobName: string | undefined,
    args: readonly unknown[],
    error: unknown,
    extra: Record<string, unknown> = {},
    suppressed = false,
  ): JobResult {
    const failureEntry = suppressed
      ? ""
      : buildFailureEntry({ error, payload: reserved.payload, queue: reserved.queue, workerId: reserved.workerId, extra });
    return { kind: "failed", jobName, args, error, failureEntry };
  }
}
