/**
 * One interface over the three libraries, so every scenario runs the same code for each.
 * A producer enqueues; a worker (created in its own child process, see worker-process.ts)
 * performs jobs with a given concurrency and reports each completion.
 */

export const LIBRARIES = ["resque-ts", "bullmq", "node-resque"] as const;
export type Library = (typeof LIBRARIES)[number];

/** The queue every scenario uses. */
export const QUEUE = "bench";
/** The job name every scenario uses. */
export const JOB_NAME = "BenchJob";

import type { RecurringSpec } from "../protocol.js";

/** A feature a library does not offer (or not yet): its cells print "n/a" with this reason. */
export class NotAvailableError extends Error {
  constructor(
    readonly library: Library,
    what: string,
  ) {
    super(what);
    this.name = "NotAvailableError";
  }
}

export interface Producer {
  /** Enqueues one job; scenarios keep many of these calls in flight. */
  enqueue(args: unknown[]): Promise<void>;
  /** Enqueues many jobs with the library's bulk API; throws NotAvailableError when it has none. */
  enqueueBulk(argsList: unknown[][]): Promise<void>;
  /**
   * Fills the queue as fast as possible before a drain (not measured): the bulk API, or for a
   * library without one, the same bytes its enqueue writes, pushed in chunks.
   */
  prefill(argsList: unknown[][]): Promise<void>;
  /**
   * Like prefill, but for jobs the library retries once, RETRY_DELAY_MS after a failure, with its
   * own retry mechanism (S6).
   */
  prefillRetrying(argsList: unknown[][]): Promise<void>;
  /**
   * Schedules jobs to be due at `dueMs` (a whole second, unix ms), with the library's own
   * delayed-job API; throws NotAvailableError when there is none.
   */
  scheduleAt(dueMs: number, argsList: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency: number;
  /** Called when a job's perform starts, with its args. */
  perform(args: unknown[]): void;
  /** Called once per job the library reports as successfully finished. */
  completed(): void;
  /** Also run the library's delayed-job scheduler in this process (S4, S6, S7). */
  scheduler: boolean;
  /**
   * Recurring schedules this process declares (S7); throws NotAvailableError when the library has
   * none. Every process declares the same ones, as every replica of an app would.
   */
  recurring?: RecurringSpec;
}

export interface BenchWorker {
  /** Starts taking jobs. */
  start(): Promise<void>;
  /** Resolves once everything already completed is also recorded in Redis. */
  flushed(): Promise<void>;
  stop(): Promise<void>;
}

export interface Adapter {
  readonly library: Library;
  /** The installed version, for the report. */
  version(): string;
  producer(redisUrl: string): Promise<Producer>;
  /** Creates (and connects) a worker without taking any job yet. */
  worker(redisUrl: string, options: WorkerOptions): Promise<BenchWorker>;
}

export async function loadAdapter(library: Library): Promise<Adapter> {
  switch (library) {
    case "resque-ts":
      return (await import("./resque-ts.js")).adapter;
    case "bullmq":
      return (await import("./bullmq.js")).adapter;
    case "node-resque":
      return (await import("./node-resque.js")).adapter;
  }
}

/** host and port of a redis:// URL, for libraries that take them separately. */
export function hostAndPort(redisUrl: string): { host: string; port: number } {
  const url = new URL(redisUrl);
  return { host: url.hostname, port: Number(url.port) };
}
