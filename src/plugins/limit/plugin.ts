/**
 * The limit plugin: at most N jobs of a limit key running at once across all workers and hosts,
 * and at most R run starts per window. A slot is a lease in Redis (renewed while the job runs),
 * so a killed holder's slot frees at pruning (onDirtyExit) or, at the latest, when its lease ends.
 * A job over its limit goes to the delayed schedule and the worker is told with JobDeferred: it is
 * neither run nor counted, and the worker moves on to other jobs at once.
 */
import { ConfigurationError } from "../../errors.js";
import { deferJob } from "../defer.js";
import type { DirtyExitContext, JobPlugin, PerformContext } from "../plugin.js";
import type { ResolvedLimitOptions } from "./options.js";

/** Characters allowed in a limit key (it becomes part of Redis key names). */
const KEY = /^[^\s{}]{1,200}$/;

export class LimitPlugin implements JobPlugin {
  readonly name = "limit";
  readonly #held = new WeakMap<PerformContext, string>();

  constructor(readonly options: ResolvedLimitOptions) {}

  /** The limit key of a job: its class, plus the `key` option's value. */
  limitKey(jobName: string, args: readonly unknown[]): string {
    if (!this.options.key) return jobName;
    const part = String(this.options.key(args));
    const key = `${jobName}:${part}`;
    if (!KEY.test(key)) throw new ConfigurationError(`limit key ${JSON.stringify(part)} of ${jobName} is empty, too long, or has spaces or braces.`);
    return key;
  }

  #config(): string {
    const { concurrency, rate, windowMs, leaseMs } = this.options;
    return JSON.stringify({ concurrency: concurrency || null, rate: rate ? { limit: rate, per: windowMs / 1000 } : null, lease: leaseMs / 1000 });
  }

  async beforePerform(context: PerformContext): Promise<void> {
    const key = this.limitKey(context.jobName, context.args);
    const decision = await context.resque.store.limits.acquire({
      key,
      token: context.workerId,
      concurrency: this.options.concurrency,
      leaseMs: this.options.leaseMs,
      rate: this.options.rate,
      windowMs: this.options.windowMs,
      config: this.#config(),
    });
    if (decision.taken) {
      this.#held.set(context, key);
      return;
    }
    const wait = decision.reason === "rate" ? Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) : this.options.backoff;
    await deferJob(context, wait, decision.reason === "rate" ? `rate limit of ${key} reached` : `${this.options.concurrency} of ${key} running`);
  }

  async aroundPerform(context: PerformContext, next: () => Promise<void>): Promise<void> {
    const key = this.#held.get(context);
    if (key === undefined || this.options.concurrency === 0) return next();
    const renew = setInterval(() => {
      context.resque.store.limits.renew(key, context.workerId, this.options.leaseMs).catch(() => {});
    }, this.options.leaseMs / 3);
    renew.unref();
    try {
      await next();
    } finally {
      clearInterval(renew);
    }
  }

  async afterPerform(context: PerformContext): Promise<void> {
    await this.#release(context);
  }

  async onFailure(_error: unknown, context: PerformContext): Promise<void> {
    if (context.performedElsewhere) {
      // A pool's master failing a child's job that overran: the slot was the child's slot's.
      if (this.options.concurrency > 0) await context.resque.store.limits.release(this.limitKey(context.jobName, context.args), context.workerId);
      return;
    }
    await this.#release(context);
  }

  async onDirtyExit(context: DirtyExitContext): Promise<void> {
    if (this.options.concurrency === 0) return;
    await context.resque.store.limits.release(this.limitKey(context.jobName, context.args), context.workerId);
  }

  async #release(context: PerformContext): Promise<void> {
    const key = this.#held.get(context);
    if (key === undefined) return;
    this.#held.delete(context);
    if (this.options.concurrency > 0) await context.resque.store.limits.release(key, context.workerId);
  }
}
