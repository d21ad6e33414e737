/**
 * What applications hold of a worker: the object `resque.worker()` returns. The worker itself
 * (src/worker/worker.ts) is built by Resque from its internals; this is its public face, checked
 * against it by the compiler where Resque hands one out.
 */
import type { EventEmitter } from "node:events";
import type { StopOptions, WorkerEvents } from "./worker/worker.js";

export interface Worker extends EventEmitter<WorkerEvents> {
  /** Job slots: jobs run at once. */
  readonly concurrency: number;
  /** The Resque worker id of each slot (`host:pid:queues`, or `host+slot:pid:queues` with several slots). */
  readonly ids: readonly string[];
  /** Resolves once the worker has stopped and unregistered (after stop(), or an empty queue with interval 0). */
  readonly stopped: Promise<void>;
  /** Whether it takes no new jobs now: paused here, by Ruby's pause-all-workers, or by remote control. */
  readonly paused: boolean;
  /** Number of jobs running now. */
  readonly running: number;
  /** Registers the worker's slots in Redis and starts taking jobs. */
  start(): Promise<void>;
  /**
   * Stops taking jobs. By default waits for running jobs to finish (Resque's QUIT); with
   * `immediate` aborts them (their signal fires), waits up to shutdownTimeout, and requeues what
   * did not finish at the front of its queue (TERM/INT).
   */
  stop(options?: StopOptions): Promise<void>;
  /** Kills the running jobs (Resque's USR1): each fails at once with JobKilled; the worker keeps taking jobs. */
  killJobs(): void;
  /** Stops taking new jobs until resume() (Resque's USR2). Running jobs continue. */
  pause(): void;
  /** Takes jobs again after pause() (Resque's CONT). */
  resume(): void;
  /**
   * Writes the stats history and job durations counted so far (the worker counts them in memory
   * and writes them every 2 s and when it stops).
   */
  flushHistory(): Promise<void>;
}
