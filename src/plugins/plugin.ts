/**
 * The plugin contract: Resque's job and worker hooks, typed. A plugin is a plain object (or a
 * class, instantiated once) implementing any subset of these methods. See docs/hooks.md for the
 * order they run in and the effect of returning false or throwing.
 */
import type { JobClass, JobContext } from "../job/job.js";
import type { Logger } from "../logger.js";
import type { Resque } from "../resque.js";

/** What enqueue and dequeue hooks see. */
export interface EnqueueContext {
  readonly jobName: string;
  readonly queue: string;
  readonly args: readonly unknown[];
  /** The job class, when it is known to this process. */
  readonly job: JobClass | undefined;
  readonly logger: Logger;
  /** The Resque instance doing the enqueue (to enqueue other jobs, read queues, ...). */
  readonly resque: Resque;
  /**
   * Notes for the caller of `resque.enqueueJob` (e.g. `duplicate: true` from the unique plugin),
   * returned in its result. Plugins write members named after themselves.
   */
  readonly details: Record<string, unknown>;
}

/** What perform hooks see: the job's own context, plus the class. */
export interface PerformContext extends JobContext {
  readonly job: JobClass;
  /** The Resque instance running the job (to enqueue follow-up jobs, schedule retries, ...). */
  readonly resque: Resque;
  /**
   * Keep this failure out of the `failed` list (it is still counted in stat:failed), as
   * resque-retry's retry suppression does while a job will be retried. For onFailure hooks.
   */
  suppressFailureEntry(): void;
  /** Extra members for this job's failure entry (e.g. how many attempts were made). */
  readonly failureDetails: Record<string, unknown>;
  /**
   * True when onFailure runs in another process than the one that ran the job (a pool's master
   * failing a child's job that overran its timeout): the before hooks ran there, not here.
   */
  readonly performedElsewhere?: boolean;
  /**
   * Makes this job's `signal` fire also when `signal` fires (e.g. a plugin's "kill this job by
   * id"). Call it from beforePerform or aroundPerform, before perform starts: `context.signal`
   * is then a signal of this job's own. The job stops only if it honours its signal.
   */
  linkSignal(signal: AbortSignal): void;
  /**
   * Whether `logger` writes at `level` ("info", "debug", ...), asked without making the job's
   * child logger: a hook that would log on every run asks first. Absent where the context was not
   * made by a worker; treat that as true.
   */
  logsAt?(level: string): boolean;
}

/**
 * What onDirtyExit hooks see: a job whose worker died while running it, found by dead-worker
 * pruning in another process (or a pool's master). Its hooks did not finish over there.
 */
export interface DirtyExitContext {
  readonly jobName: string;
  readonly queue: string;
  readonly args: readonly unknown[];
  /** The payload exactly as it was on the queue. */
  readonly payload: string;
  /** The dead worker's id. */
  readonly workerId: string;
  /** "requeued": back at the front of its queue; "failed": failed as DirtyExit (too many dirty exits). */
  readonly outcome: "requeued" | "failed";
  readonly job: JobClass;
  readonly resque: Resque;
  readonly logger: Logger;
}

/** What worker hooks see. */
export interface WorkerHookContext {
  /** The worker ids of the process's slots. */
  readonly workerIds: readonly string[];
  readonly queues: readonly string[];
  readonly logger: Logger;
}

/** Fork hooks run in pool mode, around the forking of a child process. */
export interface ForkContext extends WorkerHookContext {
  /** The child's number in the pool (1-based). */
  readonly child: number;
}

/** A value, or a promise of it: hooks may be sync or async. */
export type Awaitable<T> = T | Promise<T>;

export interface JobPlugin {
  /** A name for logs and failure entries; defaults to the constructor name. */
  readonly name?: string;
  /** Before a job is pushed; returning exactly false cancels the enqueue (nothing is written). */
  beforeEnqueue?(context: EnqueueContext): Awaitable<boolean | void>;
  afterEnqueue?(context: EnqueueContext): Awaitable<void>;
  /** Before Resque.dequeue removes jobs; returning exactly false cancels it. */
  beforeDequeue?(context: EnqueueContext): Awaitable<boolean | void>;
  afterDequeue?(context: EnqueueContext): Awaitable<void>;
  /** Throwing DontPerform skips the job without failing it; any other error fails it. */
  beforePerform?(context: PerformContext): Awaitable<void>;
  /** Wraps perform (and inner around hooks); not calling next() skips perform. */
  aroundPerform?(context: PerformContext, next: () => Promise<void>): Awaitable<void>;
  /** After a successful perform; throwing fails the job. */
  afterPerform?(context: PerformContext): Awaitable<void>;
  /** On any failure of the job, including a failed hook, before the failure is recorded. */
  onFailure?(error: unknown, context: PerformContext): Awaitable<void>;
  /**
   * A worker died while running the job (kill -9, a crash); pruning found it and put the job back
   * on its queue or failed it. Runs in the pruning process, to release what the run held.
   */
  onDirtyExit?(context: DirtyExitContext): Awaitable<void>;
}

export interface WorkerPlugin {
  readonly name?: string;
  /** Once, before a worker (or a pool's master) starts taking jobs. Throwing aborts the start. */
  beforeFirstFork?(context: WorkerHookContext): Awaitable<void>;
  /** Pool mode: in the master, before each child process is forked. */
  beforeFork?(context: ForkContext): Awaitable<void>;
  /** Pool mode: in each child process, before it starts taking jobs. */
  afterFork?(context: ForkContext): Awaitable<void>;
  /** When the worker pauses (USR2, pause(), remote control, pause-all-workers). */
  beforePause?(context: WorkerHookContext): Awaitable<void>;
  /** When the worker resumes after a pause. */
  afterPause?(context: WorkerHookContext): Awaitable<void>;
  /** When the worker goes from working to having nothing to do. */
  queueEmpty?(context: WorkerHookContext): Awaitable<void>;
  /** When the worker begins shutting down. */
  shutdown?(context: WorkerHookContext): Awaitable<void>;
  /** After the worker has stopped and unregistered. */
  workerExit?(context: WorkerHookContext): Awaitable<void>;
}

export type Plugin = JobPlugin & WorkerPlugin;

/** A plugin object, or a plugin class instantiated with no arguments. */
export type PluginLike = Plugin | (new () => Plugin);

export const JOB_HOOKS = [
  "beforeEnqueue",
  "afterEnqueue",
  "beforeDequeue",
  "afterDequeue",
  "beforePerform",
  "aroundPerform",
  "afterPerform",
  "onFailure",
  "onDirtyExit",
] as const;
export type JobHookName = (typeof JOB_HOOKS)[number];

export const WORKER_HOOKS = ["beforeFirstFork", "beforeFork", "afterFork", "beforePause", "afterPause", "queueEmpty", "shutdown", "workerExit"] as const;
export type WorkerHookName = (typeof WORKER_HOOKS)[number];

// The hooks' control errors live with every other error class.
export { DontPerform, JobDeferred } from "../errors.js";

/**
 * Turns a PluginLike into a plugin object. A class is instantiated; a function without a
 * prototype (an arrow function, such as the decorator `retry(...)` returns) is a plugin object
 * that happens to be callable.
 */
export function toPlugin(plugin: PluginLike): Plugin {
  if (typeof plugin === "function" && plugin.prototype !== undefined) return new plugin();
  return plugin as Plugin;
}

/** The label of a plugin in logs and failure entries. */
export function pluginName(plugin: Plugin): string {
  if (typeof plugin.name === "string" && plugin.name) return plugin.name;
  const ctor = (plugin as object).constructor;
  return ctor && ctor !== Object ? ctor.name : "plugin";
}
