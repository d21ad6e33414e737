/**
 * The status plugin (resque-status's analogue). A status job's first argument is its status id;
 * the plugin keeps `status:<id>` in resque-status's format through the job's life:
 * - afterEnqueue: "queued" (unless a status exists already, e.g. created by Ruby's create);
 * - aroundPerform: "working" (or "killed", skipping perform, when it was killed while queued),
 *   then watches the kill list and fires the job's signal on a kill by id;
 * - afterPerform: "completed" (or "killed" when the run ended on a kill), with the result;
 * - onFailure: "failed", or "queued" again when an immediate stop requeued the job;
 * - onDirtyExit: "queued" (requeued by pruning) or "failed" (DirtyExit) after its worker died.
 */
import { ConfigurationError, ShutdownError } from "../../errors.js";
import type { JobContext } from "../../job/job.js";
import type { DirtyExitContext, EnqueueContext, JobPlugin, PerformContext } from "../plugin.js";
import type { ResolvedStatusOptions } from "./options.js";
import { messageTime, statusName, statusOptions, type StatusFields } from "./status-record.js";
import { updateStatus } from "./status-writer.js";
import { bindTracker, StatusKilled, StatusTracker } from "./tracker.js";

/** Status ids: resque-status's 32 hex characters, or any id of letters, digits, "-" and "_". */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

const FINAL = new Set(["completed", "failed", "killed"]);

const runs = new WeakMap<JobContext, StatusTracker>();

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class StatusPlugin implements JobPlugin {
  readonly name = "status";

  constructor(readonly options: ResolvedStatusOptions) {}

  beforeEnqueue(context: EnqueueContext): void {
    const id = context.args[0];
    if (typeof id !== "string" || !ID.test(id)) {
      throw new ConfigurationError(
        `${context.jobName} tracks its status, so its first argument is the status id; enqueue it with resque.statuses.enqueue(${context.jobName}, ...args), which makes one.`,
      );
    }
    context.details.statusId = id;
  }

  async afterEnqueue(context: EnqueueContext): Promise<void> {
    const id = context.args[0] as string;
    const rest = context.args.slice(1);
    const now = nowSeconds();
    // Created only where none exists: a worker may already have started the job.
    await context.resque.store.statuses.write({
      uuid: id,
      expected: "",
      value: JSON.stringify({
        time: now,
        status: "queued",
        uuid: id,
        options: statusOptions(rest),
        name: statusName(context.jobName, rest),
        queued_at: now,
        queue: context.queue,
      }),
      expireIn: this.options.expireIn,
      create: true,
      now,
    });
  }

  async aroundPerform(context: PerformContext, next: () => Promise<void>): Promise<void> {
    const id = context.args[0];
    if (typeof id !== "string" || !ID.test(id)) {
      context.logger.warn({ id }, "status job without a status id as its first argument; running it untracked");
      await next();
      return;
    }
    const store = context.resque.store.statuses;
    const tracker = new StatusTracker(id, store, this.options.expireIn);
    runs.set(context, tracker);
    bindTracker(context, tracker);
    const rest = context.args.slice(1);
    const now = nowSeconds();
    const started = await updateStatus(
      store,
      id,
      (current) => ({
        time: now,
        status: "working",
        uuid: id,
        ...(current.options === undefined ? { options: statusOptions(rest) } : {}),
        name: statusName(context.jobName, rest),
        started_at: now,
        queue: context.queue,
      }),
      { expireIn: this.options.expireIn, refuseIfKilled: true },
    );
    if (started === "killed") {
      // Killed while queued: perform is skipped, afterPerform records "killed".
      tracker.killRequested = true;
      return;
    }
    context.linkSignal(tracker.kill.signal);
    const poll = setInterval(() => {
      store.killRequested(id).then(
        (killed) => killed && tracker.markKilled(),
        () => {}, // the next check tries again
      );
    }, this.options.killCheckIntervalMs);
    poll.unref();
    try {
      await next();
    } catch (error) {
      // A job that stops on its kill ends as "killed": not a failure (as in resque-status).
      if (tracker.killRequested && (error === tracker.kill.signal.reason || error instanceof StatusKilled)) return;
      throw error;
    } finally {
      clearInterval(poll);
    }
  }

  async afterPerform(context: PerformContext): Promise<void> {
    const tracker = runs.get(context);
    if (!tracker) return;
    const now = nowSeconds();
    const date = new Date(now * 1000);
    const killed = tracker.killRequested;
    await updateStatus(
      context.resque.store.statuses,
      tracker.id,
      (current) =>
        killed
          ? { time: now, status: "killed", message: `Killed at ${messageTime(date)}`, finished_at: now }
          : {
              time: now,
              status: "completed",
              message: `Completed at ${messageTime(date)}`,
              ...(typeof current.total === "number" ? { num: current.total } : {}),
              finished_at: now,
              ...tracker.resultFields(),
            },
      { expireIn: this.options.expireIn, clearKill: true },
    );
  }

  async onFailure(error: unknown, context: PerformContext): Promise<void> {
    const id = runs.get(context)?.id ?? context.args[0];
    if (typeof id !== "string" || !ID.test(id)) return;
    const now = nowSeconds();
    // An immediate stop puts the job back on its queue: it is queued again, not failed.
    const requeued = context.signal.aborted && context.signal.reason instanceof ShutdownError && !context.performedElsewhere;
    const message = error instanceof Error ? error.message : String(error);
    await updateStatus(
      context.resque.store.statuses,
      id,
      (): StatusFields =>
        requeued
          ? { time: now, status: "queued", message: "Interrupted by a worker shutdown; requeued" }
          : { time: now, status: "failed", message: `The task failed because of an error: ${message}`, finished_at: now },
      { expireIn: this.options.expireIn, clearKill: !requeued },
    );
  }

  async onDirtyExit(context: DirtyExitContext): Promise<void> {
    const id = context.args[0];
    if (typeof id !== "string" || !ID.test(id)) return;
    const now = nowSeconds();
    const requeued = context.outcome === "requeued";
    await updateStatus(
      context.resque.store.statuses,
      id,
      (): StatusFields =>
        requeued
          ? { time: now, status: "queued", message: `Worker ${context.workerId} died while running the job; requeued` }
          : { time: now, status: "failed", message: `Worker ${context.workerId} died while running the job too many times (DirtyExit)`, finished_at: now },
      // A status that moved on meanwhile (the job already runs elsewhere) is left alone.
      { expireIn: this.options.expireIn, clearKill: !requeued, accept: (current) => !FINAL.has(String(current.status)) },
    );
  }
}
