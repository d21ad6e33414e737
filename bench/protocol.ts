/** Messages between the benchmark (parent) and a worker process (child), over Node's IPC channel. */
import type { Library } from "./adapters/adapter.js";

/**
 * What a worker process measures:
 * - drain: time, CPU and memory to perform `expected` no-op jobs (S2, S5);
 * - latency: enqueue → perform start per job, args [seq, enqueued at (µs, monotonic)] (S3);
 * - delayed: perform start − due time per job, args [seq, due (unix ms)] (S4).
 */
export type Mode = "drain" | "latency" | "delayed";

export interface PrepareMessage {
  type: "prepare";
  library: Library;
  redisUrl: string;
  concurrency: number;
  mode: Mode;
  expected: number;
}

export type ParentMessage = PrepareMessage | { type: "start" } | { type: "stop" };

export interface DrainReport {
  mode: "drain";
  elapsedMs: number;
  cpuMs: number;
  rssBefore: number;
  rssPeak: number;
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

export type Report = DrainReport | LatencyReport | DelayedReport;

export type ChildMessage =
  | { type: "ready"; rss: number }
  | { type: "started" }
  | { type: "done"; report: Report }
  | { type: "error"; message: string; notAvailable?: boolean };

/** Microseconds on the system-wide monotonic clock, comparable between processes. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
