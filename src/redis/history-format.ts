/**
 * The stats history worker processes write (docs/redis-layout.md, "Keys of our own"): formats
 * shared by the writer (src/worker/stats-history.ts, through HistoryStore) and the readers (the admin API).
 */

/**
 * Upper bounds, in seconds, of the job-duration buckets of `resque-ts:durations` (index 0..15; the
 * last is +Infinity). A job counts in the first bucket whose bound is at least its duration.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, Number.POSITIVE_INFINITY,
]);

const boundsMs = DURATION_BUCKETS_SECONDS.map((s) => s * 1000);

/** The bucket index of a duration in milliseconds. */
export function durationBucket(ms: number): number {
  for (let i = 0; i < boundsMs.length - 1; i++) if (ms <= boundsMs[i]!) return i;
  return boundsMs.length - 1;
}

/** How long the history workers write is kept. */
export interface HistoryRetention {
  /** Seconds each minute of history is kept after the minute ends (default 1 day). */
  minuteSeconds: number;
  /** Seconds each hour of history is kept after the hour ends (default 7 days). */
  hourSeconds: number;
}

export const DEFAULT_HISTORY_RETENTION: HistoryRetention = Object.freeze({ minuteSeconds: 86_400, hourSeconds: 7 * 86_400 });
