/**
 * The unique plugin (resque-loner / resque-lock-timeout's analogue), on resque-lock-timeout's
 * keys. A job's identity is its class and identifier (Ruby's `args.join('-')` by default).
 * - beforeEnqueue: takes the queued lock `loner:lock:<class>:<id>` (refused while held, or while
 *   the run lock is held for "queued-or-running"): the enqueue is cancelled and reports
 *   `details.duplicate`;
 * - beforePerform: takes the run lock `lock:<class>:<id>` ("running", "queued-or-running") and
 *   drops the queued lock in the same step; a copy finding the run lock held is dropped or waits;
 * - aroundPerform renews the run lock's lease while the job runs;
 * - afterPerform / onFailure release it; onDirtyExit releases a dead worker's lock at pruning.
 * The run lock's owner is the worker slot id, so pruning can release exactly the dead one's.
 */
import { DontPerform, type DirtyExitContext, type EnqueueContext, type JobPlugin, type PerformContext } from "../plugin.js";
import { ShutdownError } from "../../errors.js";
import type { LockIdentity, LockValue } from "../../redis/stores/lock-store.js";
import { rawArgsOf } from "../retry/identifier.js";
import { rubyJoin } from "../retry/ruby-join.js";
import { deferJob } from "../defer.js";
import type { ResolvedUniqueOptions } from "./options.js";

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class UniquePlugin implements JobPlugin {
  readonly name = "unique";
  readonly #held = new WeakMap<PerformContext, NodeJS.Timeout | true>();

  constructor(readonly options: ResolvedUniqueOptions) {}

  /** The identity of a job from its class name and args (`argsJson`: their JSON text, when known). */
  identity(className: string, args: readonly unknown[], argsJson?: string): LockIdentity {
    const custom = this.options.identifier;
    const identifier = custom ? String(custom(args)) : rubyJoin(argsJson ?? JSON.stringify(args), "-");
    return { className, identifier };
  }

  get #queuedScope(): boolean {
    return this.options.scope !== "running";
  }

  get #runScope(): boolean {
    return this.options.scope === "running" || this.options.scope === "queued-or-running";
  }

  /** resque-lock-timeout's value for a queued lock: its timeout second, or "true" without one. */
  #queuedLock(): LockValue {
    const ttl = this.options.ttl;
    return ttl === undefined ? { value: "true", ms: 0 } : { value: String(nowSeconds() + Math.ceil(ttl)), ms: Math.ceil(ttl * 1000) };
  }

  #runLock(owner: string): LockValue {
    return { value: String(nowSeconds() + Math.ceil(this.options.leaseMs / 1000)), ms: this.options.leaseMs, owner };
  }

  async beforeEnqueue(context: EnqueueContext): Promise<boolean> {
    if (!this.#queuedScope) return true;
    const identity = this.identity(context.jobName, context.args);
    const taken = await context.resque.store.locks.takeQueued(identity, this.#queuedLock(), this.options.scope === "queued-or-running");
    if (!taken) {
      context.details.duplicate = true;
      context.logger.debug({ job: context.jobName, identifier: identity.identifier }, "an identical job is queued or running; not enqueued");
    }
    return taken;
  }

  async afterDequeue(context: EnqueueContext): Promise<void> {
    if (!this.#queuedScope || this.options.scope === "ttl") return;
    await context.resque.store.locks.releaseQueued(this.identity(context.jobName, context.args));
  }

  async beforePerform(context: PerformContext): Promise<void> {
    const identity = this.#identityOf(context);
    const locks = context.resque.store.locks;
    if (!this.#runScope) {
      if (this.options.scope === "queued") await locks.releaseQueued(identity);
      return;
    }
    if (await locks.takeRun(identity, this.#runLock(context.workerId), this.#queuedScope)) {
      this.#held.set(context, true);
      return;
    }
    if (this.options.onRunning === "wait") {
      await deferJob(context, this.options.waitSeconds, "an identical job is running");
    }
    throw new DontPerform(`${context.jobName}: an identical job is running; dropped`);
  }

  async aroundPerform(context: PerformContext, next: () => Promise<void>): Promise<void> {
    if (!this.#held.has(context)) return next();
    const identity = this.#identityOf(context);
    const renew = setInterval(() => {
      context.resque.store.locks.renewRun(identity, this.#runLock(context.workerId)).catch(() => {});
    }, this.options.leaseMs / 3);
    renew.unref();
    try {
      await next();
    } finally {
      clearInterval(renew);
    }
  }

  async afterPerform(context: PerformContext): Promise<void> {
    await this.#release(context, false);
  }

  async onFailure(_error: unknown, context: PerformContext): Promise<void> {
    // An immediate stop puts the job back on its queue, where it holds its queued lock again.
    const requeued = context.signal.aborted && context.signal.reason instanceof ShutdownError && !context.performedElsewhere;
    if (context.performedElsewhere && this.#runScope) {
      await context.resque.store.locks.releaseRun(this.#identityOf(context), context.workerId);
      return;
    }
    await this.#release(context, requeued);
  }

  async onDirtyExit(context: DirtyExitContext): Promise<void> {
    if (!this.#runScope) return;
    const identity = this.identity(context.jobName, context.args, rawArgsOf(context.payload));
    const requeued = context.outcome === "requeued" && this.#queuedScope ? this.#queuedLock() : undefined;
    await context.resque.store.locks.releaseRun(identity, context.workerId, requeued);
  }

  async #release(context: PerformContext, requeued: boolean): Promise<void> {
    if (!this.#held.has(context)) return;
    this.#held.delete(context);
    const again = requeued && this.#queuedScope ? this.#queuedLock() : undefined;
    await context.resque.store.locks.releaseRun(this.#identityOf(context), context.workerId, again);
  }

  #identityOf(context: { jobName: string; args: readonly unknown[]; payload: string }): LockIdentity {
    return this.identity(context.jobName, context.args, rawArgsOf(context.payload));
  }
}
