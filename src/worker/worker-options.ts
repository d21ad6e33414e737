/** The options and events of a worker (see worker.ts). */
import type { Logger } from "../logger.js";
import type { HistoryRetention } from "../redis/history-format.js";
import type { ControlCommand } from "./control.js";

export interface WorkerOptions {
  /** Queues in priority order; "*" for all, globs like "mail_*", "!name" to exclude. */
  queues: string | readonly string[];
  /** Jobs run at once by this process (async slots). Default 1. */
  concurrency?: number;
  /**
   * Seconds between polls when idle (default 5, like Resque's INTERVAL). Jobs enqueued by this
   * library wake the worker at once; the poll finds jobs pushed by other producers.
   * 0 makes the worker stop as soon as its queues are empty.
   */
  interval?: number;
  /**
   * Seconds between heartbeats (default 5). Each heartbeat also prunes dead workers; a worker of
   * ours is dead after 4 missed intervals.
   */
  heartbeatInterval?: number;
  /** A job interrupted by dead workers this many times is failed as DirtyExit, not requeued (default 3). */
  dirtyExitLimit?: number;
  /**
   * Seconds an immediate stop waits for aborted jobs before requeueing them
   * (default RESQUE_TERM_TIMEOUT or 4).
   */
  shutdownTimeout?: number;
  /**
   * Seconds an immediate stop first waits for running jobs to finish on their own, before it
   * aborts them (default RESQUE_PRE_SHUTDOWN_TIMEOUT or 0).
   */
  preShutdownTimeout?: number;
  /**
   * Default seconds a job may run before its signal fires (a job class's static timeout wins).
   * A job that has not stopped shutdownTimeout seconds later fails with JobTimeout.
   */
  timeout?: number;
  /**
   * How long the per-minute and per-hour stats history this worker writes is kept (default: minutes
   * for 1 day, hours for 7 days); false writes none.
   */
  history?: HistoryRetention | false;
  /** Set process.title to "resque-<version>: ..." as Ruby Resque does (default true). */
  processTitle?: boolean;
  /**
   * Sharded Resque only: `concurrency` slots on each shard the worker serves, instead of in total
   * (default false). Each shard's work cycles then carry full batches, as one worker per shard
   * would, at the price of up to `concurrency` × shards jobs at once (docs/sharding.md).
   */
  concurrencyPerShard?: boolean;
  /** Host name used in worker ids (default os.hostname()). */
  host?: string;
  /**
   * Set by a worker pool in its child processes: the child runs afterFork hooks instead of
   * beforeFirstFork (which the pool's master ran).
   */
  forkedChild?: number;
  /**
   * Whether remote stop/kill commands stop this worker (default true). A pool's children leave
   * them to their master, which would otherwise restart them.
   */
  acceptRemoteStop?: boolean;
  logger?: Logger;
}

export interface JobEvent {
  workerId: string;
  queue: string;
  /** The payload's class, when it could be read. */
  jobName: string | undefined;
  args: readonly unknown[];
  payload: string;
}

export interface WorkerEvents {
  /** A job begins; timeoutMs is its time limit, when it has one. */
  "job:start": [JobEvent & { reservation: string; timeoutMs: number | undefined }];
  /** The job ran (skipped: a hook threw DontPerform, so perform did not run). */
  "job:success": [JobEvent & { durationMs: number; skipped: boolean }];
  "job:failure": [JobEvent & { error: unknown; durationMs: number }];
  /** A before hook put the job elsewhere (JobDeferred, e.g. over a concurrency limit); it was not counted. */
  "job:deferred": [JobEvent & { durationMs: number }];
  /** A job interrupted by an immediate stop went back to the front of its queue. */
  "job:requeued": [JobEvent];
  /**
   * Redis has recorded a job's outcome (job:success and job:failure fire when the job ends, before
   * its outcome reaches Redis in the next work cycle).
   */
  "job:recorded": [RecordedOutcome];
  /**
   * A job's outcome was NOT recorded: while it ran, pruning judged this worker dead and gave the job
   * to another worker (its reservation was taken away). Logged as a warning too.
   */
  "job:fenced": [RecordedOutcome];
  /** The worker went from working to having nothing to do. */
  idle: [];
  /** A remote-control command addressed to this worker arrived. */
  control: [ControlCommand];
  paused: [];
  resumed: [];
  /** A Redis call failed; the worker keeps retrying with backoff. */
  error: [Error];
  stopped: [];
}

/** A job outcome as the work cycle records it (or refuses to). */
export interface RecordedOutcome {
  workerId: string;
  queue: string;
  /** The payload's class ("(invalid payload)" when it could not be read); undefined for requeues. */
  jobName: string | undefined;
  /** "release": a hook put the job elsewhere (JobDeferred); nothing was counted. */
  outcome: "done" | "failed" | "requeue" | "release";
}

export interface StopOptions {
  /** Abort running jobs and requeue those that do not finish within shutdownTimeout. */
  immediate?: boolean;
}
