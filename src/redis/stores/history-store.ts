/**
 * Writes the stats history and the job-duration histogram (docs/redis-layout.md, "Keys of our
 * own") from the counts a worker process collects in memory (see src/worker/stats-history.ts).
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import type { HistoryRetention } from "../history-format.js";
import { runScript } from "../scripts/load.js";

/** Outcomes of one minute, queue and class: `kind` "p" counts processed, "f" failed. */
export interface HistoryCount {
  minute: number;
  kind: "p" | "f";
  queue: string;
  className: string;
  count: number;
}

/** Jobs of a class in a duration bucket (an index of DURATION_BUCKETS_SECONDS), or "sum": their milliseconds. */
export interface DurationCount {
  className: string;
  bucket: number | "sum";
  count: number;
}

export interface HistoryCounts {
  history: HistoryCount[];
  durations: DurationCount[];
}

export class HistoryStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * Adds `counts` to the history and durations. `token` is unique per flush of the process and is
   * reused when a failed flush is sent again: a flush whose token was applied already adds nothing.
   * Returns whether this call applied the counts.
   */
  async flush(processToken: string, token: string, retention: HistoryRetention, counts: HistoryCounts): Promise<boolean> {
    const args: (string | number)[] = [this.keys.prefix, token, retention.minuteSeconds, retention.hourSeconds, counts.history.length];
    for (const c of counts.history) args.push(c.minute, c.kind, c.queue, c.className, c.count);
    args.push(counts.durations.length);
    for (const d of counts.durations) args.push(d.className, d.bucket, d.count);
    const keys = [this.keys.durations, this.keys.historyFlushMarker(processToken)];
    return (await runScript(this.client, "flushHistory", keys, args)) === 1;
  }

  /** Drops a process's last-flush marker when it stops. */
  async forgetProcess(processToken: string): Promise<void> {
    await this.client.del(this.keys.historyFlushMarker(processToken));
  }
}
