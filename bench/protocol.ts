/** Messages between the benchmark (parent) and a worker process (child), over Node's IPC channel. */
import type { Library } from "./adapters/adapter.js";

/**
 * What a worker process measures:
 * - drain: time, CPU and memory to perform `expected` no-op jobs (S2, S5);
 * - latency: enqueue → perform start per job, args [seq, enqueued at (µs, monotonic)] (S3);
 * - delayed: perform start − due time per job, args [seq, due (unix ms)] (S4);
 * - retry: jobs whose first run throws and whose retry succeeds, args [seq] (S6);
 * - recurring: fires of recurring schedules, args [schedule index], collected on "measure" (S7).
 */
export type Mode = "drain" | "latency" | "delayed" | "retry" | "recurring";

/** S6: every library retries a failed job once, this long after the failure. */
export const RETRY_DELAY_MS = 1000;
/** S6: the job class (name) whose runs are retried. */
export const RETRY_JOB_NAME = "BenchRetryJob";

/** S7: `count` schedules firing every `everyMs`, the first slot at `firstAtMs` (unix ms). */
export interface RecurringSpec {
  count: number;
  everyMs: number;
  firstAtMs: number;
}

export interface PrepareMessage {
  type: "prepare";
  library: Library;
  redisUrl: string;
  concurrency: number;
  mode: Mode;
  expected: number;
  recurring?: RecurringSpec;
}

/**
 * "gc" forces a full garbage collection (the process runs with --expose-gc) and answers with the
 * RSS after it; "measure" answers with the CPU used so far, the jobs completed so far and the
 * fires seen since the last one.
 */
export type ParentMessage = PrepareMessage | { type: "start" } | { type: "stop" } | { type: "gc" } | { type: "measure" };

export interface DrainReport {
  mode: "drain";
  elapsedMs: number;
  cpuMs: number;
  rssBefore: number;
  rssPeak: number;
  /** RSS when the last job was done, before any forced GC. */
  rssAfter: number;
}

export interface LatencyReport {
  mode: "latency";
  /** Indexed by seq; microseconds from enqueue call to perform start. */
  latencyUs: number[];
}

export interface DelayedReport {
  mode: "delayed";
  /** Milliseconds from the due time to perform start, per job (negative = early). */
  latenessMs: number[];
  /** Wall-clock time (unix ms) of the last completion. */
  lastDoneAt: number;
}

export interface RetryReport {
  mode: "retry";
  /** Unix ms of the first perform start, of the last first (failing) run, and of the last success. */
  firstStartAt: number;
  lastFailureAt: number;
  lastDoneAt: number;
  /** Per job: retry start − (first failure + the retry delay), in ms (negative = early). */
  latenessMs: number[];
  cpuMs: number;
}

export type Report = DrainReport | LatencyReport | DelayedReport | RetryReport;

export type ChildMessage =
  | { type: "ready"; rss: number }
  | { type: "started" }
  | { type: "done"; report: Report }
  | { type: "gc-done"; rss: number }
  | { type: "measured"; cpuMs: number; completed: number; fires: [index: number, atMs: number][] }
  | { type: "error"; message: string; notAvailable?: boolean };

/** Microseconds on the system-wide monotonic clock, comparable between processes. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
