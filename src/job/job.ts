/**
 * The Job base class. A job is a class with a static `queue` and an instance `perform`; a fresh
 * instance runs each job, with `this.context` describing the run.
 */
import type { Logger } from "../logger.js";
import type { PluginLike } from "../plugins/plugin.js";
import type { RetryOptions } from "../plugins/retry/options.js";

export interface JobContext {
  /** The class name written in the payload (static jobName, or the class name). */
  readonly jobName: string;
  readonly queue: string;
  readonly args: readonly unknown[];
  /** The id of the worker slot running the job (host:pid:queues). */
  readonly workerId: string;
  /** Fires when the job should stop: worker shutdown, USR1, or its timeout. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** 0 on the first run; the retry plugin sets it on later attempts. */
  attempt: number;
  /** How many retries the retry plugin allows, when the job has one. */
  retryLimit?: number;
  /** The payload exactly as it was on the queue. */
  readonly payload: string;
}

export abstract class Job<Args extends unknown[] = unknown[]> {
  /** The queue `enqueue` uses for this job (Resque's @queue). */
  static queue?: string;
  /** The class name in the payload, when it differs from the JavaScript class name (e.g. "Mailer::Deliver"). */
  static jobName?: string;
  /** Plugins for this job, run in this order after global and decorator-attached ones. */
  static plugins?: PluginLike[];
  /**
   * Seconds a run may take; then its signal fires and, if it has not stopped after the
   * worker's grace period, it fails with JobTimeout. Overrides the worker's `timeout`.
   */
  static timeout?: number;
  /** Retry options (see docs/retry.md): the same as `@retry({...})`, for code without decorators. */
  static retry?: RetryOptions;

  /** Set by the worker before perform runs. */
  declare context: JobContext;

  /** Type-only: carries Args so enqueue can check arguments even when perform omits them. */
  declare readonly "~args"?: Args;

  abstract perform(...args: Args): unknown;
}

/** Any concrete job class. */
export type JobClass<Args extends unknown[] = any[]> = (new () => Job<Args>) & {
  queue?: string;
  jobName?: string;
  plugins?: PluginLike[];
  timeout?: number;
  readonly name: string;
};

/** The argument list of a job class's perform method. */
export type PerformArgs<I> = I extends { perform(...args: infer P): unknown } ? P : unknown[];

/**
 * The arguments of a job class: the `Args` of `Job<Args>` when given, else perform's parameters.
 */
export type ArgsOf<J> = J extends new () => infer I
  ? I extends { readonly "~args"?: infer A }
    ? unknown[] extends A
      ? PerformArgs<I>
      : A
    : PerformArgs<I>
  : never;

/** The name written as "class" in a payload. */
export function jobNameOf(job: JobClass): string {
  return job.jobName ?? job.name;
}

/** Whether a value is a job class (a subclass of Job). */
export function isJobClass(value: unknown): value is JobClass {
  return typeof value === "function" && value.prototype instanceof Job;
}

/** What a job made by defineJob has, that a class would declare as static members. */
export interface DefineJobOptions {
  /** The queue `enqueue` uses (a class's `static queue`). */
  queue?: string | undefined;
  /** Retry options, as `@retry({...})` or `static retry` take them (docs/retry.md). */
  retry?: RetryOptions | undefined;
  /** Plugins for this job (`static plugins`). */
  plugins?: PluginLike[] | undefined;
  /** Seconds a run may take (`static timeout`). */
  timeout?: number | undefined;
}

/**
 * A job from a plain function, for code without classes or decorators (plain JavaScript too):
 * `const Resize = defineJob("Resize", async (url: string) => {...}, { queue: "images", retry: { backoff: [10, 60] } })`.
 * Inside the function, `this` is the job instance (so `this.context` works).
 */
export function defineJob<Args extends unknown[]>(
  name: string,
  perform: (this: Job<Args>, ...args: Args) => unknown,
  options: DefineJobOptions = {},
): JobClass<Args> {
  if (typeof name !== "string" || name === "") throw new TypeError("defineJob needs a job name first: defineJob(\"SendInvoice\", perform, { queue }).");
  if (typeof perform !== "function") throw new TypeError(`defineJob("${name}", perform): perform must be a function.`);
  const defined = class extends Job<Args> {
    static override jobName = name;
    static override queue = options.queue;
    static override retry = options.retry;
    static override plugins = options.plugins;
    static override timeout = options.timeout;
    perform(...args: Args): unknown {
      return perform.apply(this, args);
    }
  };
  return defined;
}
