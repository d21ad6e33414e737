/**
 * The retry plugin's hooks (resque-retry's before_perform_retry, after_perform_retry and
 * on_failure_retry):
 * - beforePerform counts the attempt in `resque-retry:<class>:<id>` and shows it in the context;
 * - afterPerform forgets the identity once the job succeeded;
 * - onFailure either gives up (the failure is recorded, saying how many attempts were made) or
 *   schedules the exact payload again and keeps the failure out of the failed list.
 * In a worker, forgetting and scheduling are written with the job's outcome by the work cycle
 * (plugins/outcome-writes.ts): a failing job then costs no Redis call of its own beyond counting
 * its attempt, and a job taken away from a worker judged dead schedules no second copy.
 */
import { ShutdownError } from "../../errors.js";
import { storeOf } from "../../redis/store-of.js";
import type { RetryIdentity, RetryScheduleRequest, RetryScheduleResult } from "../../redis/stores/retry-store.js";
import { systemClock } from "../../scheduler/clock.js";
import { delayedItemFromPayload } from "../../scheduler/delayed-item.js";
import { dateOfTimestamp, dueTimestamp } from "../../scheduler/delayed-time.js";
import { takeCountedAttempt } from "../counted-attempts.js";
import { outcomeWritesOf } from "../outcome-writes.js";
import type { JobPlugin, PerformContext } from "../plugin.js";
import { decideRetry, longestDelay } from "./decision.js";
import { buildFailureCopy } from "./failure-copy.js";
import { rawArgsOf, retryIdentifierOf } from "./identifier.js";
import { jobRetryPlugin, RETRY_PLUGIN } from "./job-retry.js";
import type { ResolvedRetryOptions } from "./options.js";

/** How long a pending-retry record outlives the retry's due time (it only guards against duplicates). */
const PENDING_MARGIN_SECONDS = 86_400;

/** Whether the run's logger writes info lines: asked first, so no child logger is made for a line nobody sees. */
function logsInfo(context: PerformContext): boolean {
  return context.logsAt?.("info") ?? true;
}

interface Attempt {
  identity: RetryIdentity;
  /** The identity's name (RetryStore.identityName), worked out once per run. */
  name: string;
  attempt: number;
}

/** Attempts begun by a retry plugin, per run (a run's PerformContext lives as long as the run). */
const attempts = new WeakMap<PerformContext, Attempt>();
/** Which global retry plugin took a run, when the job has none of its own. */
const claims = new WeakMap<PerformContext, RetryPlugin>();

export class RetryPlugin implements JobPlugin {
  readonly name = "retry";
  readonly [RETRY_PLUGIN]: object = this;

  constructor(
    readonly options: ResolvedRetryOptions,
    /** How the plugin was declared, for error messages (e.g. "static retry of SendInvoice"). */
    public where: string,
  ) {}

  /** The identity a job's attempts are counted under; `argsJson` is the JSON text of its args. */
  identity(className: string, args: readonly unknown[], argsJson: string): RetryIdentity {
    return { className, identifier: retryIdentifierOf(this.options.retryIdentifier, args, argsJson, `${this.where}: retryIdentifier`) };
  }

  #identityOf(context: PerformContext): RetryIdentity {
    return this.identity(context.jobName, context.args, rawArgsOf(context.payload));
  }

  async beforePerform(context: PerformContext): Promise<void> {
    if (!this.#owns(context)) return;
    await this.#begin(context);
  }

  async afterPerform(context: PerformContext): Promise<void> {
    if (!this.#owns(context)) return;
    const begun = attempts.get(context);
    const identity = begun?.identity ?? this.#identityOf(context);
    const writes = outcomeWritesOf(context);
    if (writes) writes.forgetRetry = begun?.name ?? storeOf(context.resque).retries.identityName(identity);
    else await storeOf(context.resque).retries.clear(identity);
  }

  async onFailure(error: unknown, context: PerformContext): Promise<void> {
    if (!this.#owns(context)) return;
    // An immediate stop requeues the interrupted job itself; retrying it too would run it twice.
    if (context.signal.aborted && context.signal.reason instanceof ShutdownError) return;
    const { identity, name, attempt } = attempts.get(context) ?? (await this.#recover(context));
    const store = storeOf(context.resque).retries;
    const limit = this.options.limit;
    const decision = decideRetry(this.options, attempt, error);

    const writes = outcomeWritesOf(context);
    if (decision.kind === "give-up") {
      if (writes) writes.forgetRetry = name;
      else await store.clear(identity);
      // The failed entry says how many runs there were (attempt numbers start at 0).
      context.failureDetails.attempts = attempt + 1;
      if (Number.isFinite(limit)) context.failureDetails.retry_limit = limit;
      if (logsInfo(context)) context.logger.info({ attempt, limit, reason: decision.reason }, "giving up on the job");
      await this.options.onGiveUp?.(error, { attempt, limit, context, reason: decision.reason });
      return;
    }

    const { delay } = decision;
    const now = (this.options.clock ?? systemClock).now();
    const queue = this.options.retryQueue ?? context.queue;
    const at = delay > 0 ? dueTimestamp(now + delay * 1000, storeOf(context.resque).delayed.precision) : "now";
    const request: RetryScheduleRequest = {
      identity,
      at,
      item: delayedItemFromPayload(context.payload, queue),
      payload: context.payload,
      queue,
      failureCopy:
        delay > 0
          ? buildFailureCopy({ error, payload: context.payload, queue: context.queue, workerId: context.workerId, failedAt: new Date(now) })
          : undefined,
      failureCopyTtl: 2 * delay,
      pendingTtl: delay + PENDING_MARGIN_SECONDS,
      attempt,
      limit: Number.isFinite(limit) ? limit : undefined,
    };
    // resque-retry's suppression: the failed list stays clean while the job will run again.
    context.suppressFailureEntry();
    const scheduled = async (result: RetryScheduleResult): Promise<void> => {
      if (!result.scheduled) {
        if (logsInfo(context)) context.logger.info({ attempt, due: result.at || "now" }, "a retry of this job is already pending; not scheduling another");
        return;
      }
      const dueAt = at === "now" ? new Date(now) : dateOfTimestamp(at);
      if (logsInfo(context)) context.logger.info({ attempt, delay, retryQueue: queue, due: dueAt.toISOString() }, "retry scheduled");
      await this.options.onRetry?.(error, { attempt, limit, context, delay, at: dueAt, queue });
    };
    if (!writes) return scheduled(await store.schedule(request));
    // Written by the work cycle that records this failure; onRetry runs once it is.
    writes.retry = store.scheduleWrite(request);
    writes.settled = (result) => {
      if (result === "fenced") return;
      scheduled(result).catch((hookError: unknown) => context.logger.error({ err: hookError }, "onRetry failed"));
    };
  }

  async #begin(context: PerformContext): Promise<Attempt> {
    const identity = this.#identityOf(context);
    const store = storeOf(context.resque).retries;
    // The work cycle that reserved the job may have counted this run already (attempt-counting.ts).
    const counted = takeCountedAttempt(context);
    const name = store.identityName(identity);
    let attempt: number;
    if (counted && counted.identityName === name) {
      attempt = counted.attempt;
    } else {
      // Counted under a name that is not this job's (args Lua joins unlike Ruby): undo that count.
      if (counted) await store.uncountAttempt(counted.identityName, counted.created);
      const expire = this.options.expireKeyAfter === undefined ? undefined : longestDelay(this.options) + this.options.expireKeyAfter;
      attempt = await store.beginAttempt(identity, expire);
    }
    const begun = { identity, name, attempt };
    attempts.set(context, begun);
    context.attempt = attempt;
    context.retryLimit = this.options.limit;
    return begun;
  }

  /**
   * The attempt of a failure whose run did not begin one here. In a pool's master, settling a
   * child's job that overran its timeout, the child counted it: read the counter, as
   * resque-retry does for a DirtyExit. Otherwise the job failed before this plugin's
   * beforePerform ran (an earlier hook threw): that run counts as an attempt now, so a job that
   * keeps failing that way still reaches its limit.
   */
  async #recover(context: PerformContext): Promise<Attempt> {
    if (context.performedElsewhere) {
      const identity = this.#identityOf(context);
      const attempt = await storeOf(context.resque).retries.currentAttempt(identity);
      if (attempt !== undefined) {
        context.attempt = attempt;
        context.retryLimit = this.options.limit;
        return { identity, name: storeOf(context.resque).retries.identityName(identity), attempt };
      }
    }
    return this.#begin(context);
  }

  /** Whether this plugin handles the run: the job's own retry plugin, else the first global one. */
  #owns(context: PerformContext): boolean {
    const own = jobRetryPlugin(context.job);
    if (own) return own === this;
    const claimed = claims.get(context);
    if (claimed) return claimed === this;
    claims.set(context, this);
    return true;
  }
}
