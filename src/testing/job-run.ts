/** What the testing helpers report about the jobs they ran. */
import type { ScheduledRetry } from "../admin/retries.js";

/** One run of a job, as drain, inline mode and performJob saw it. */
export interface JobRun {
  /** The payload's class name (undefined when the payload could not be read). */
  jobName: string | undefined;
  queue: string;
  args: readonly unknown[];
  /**
   * `skipped`: a hook threw DontPerform, so perform did not run (not a failure). `deferred`: a
   * plugin put the job back for later (in the delayed schedule) instead of running it.
   */
  outcome: "success" | "skipped" | "deferred" | "failure";
  /** What the job (or a hook) threw, for a failure. */
  error?: unknown;
  /** For a failure the retry plugin will retry later: when, and as which attempt. */
  retry?: { at: Date; attempt: number };
  durationMs: number;
}

/** What a drain did: every run in order, and the counts. */
export interface DrainResult {
  runs: JobRun[];
  succeeded: number;
  skipped: number;
  deferred: number;
  failed: number;
  /** Retries waiting in the delayed schedule afterwards (run them with advance()). */
  retries: ScheduledRetry[];
}

export function summarize(runs: JobRun[], retries: ScheduledRetry[]): DrainResult {
  return {
    runs,
    succeeded: runs.filter((r) => r.outcome === "success").length,
    skipped: runs.filter((r) => r.outcome === "skipped").length,
    deferred: runs.filter((r) => r.outcome === "deferred").length,
    failed: runs.filter((r) => r.outcome === "failure").length,
    retries,
  };
}
