/**
 * Counters and history: stat:processed and stat:failed (Ruby's), and the per-minute and per-hour
 * history hashes and job-duration buckets workers write (ours; see docs/redis-layout.md).
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";

export type HistoryResolution = "minute" | "hour";

export class StatsStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  async totals(): Promise<{ processed: number; failed: number }> {
    const [processed, failed] = await Promise.all([this.client.get(this.keys.processed), this.client.get(this.keys.failedCount)]);
    return { processed: Number(processed ?? 0), failed: Number(failed ?? 0) };
  }

  /** The history hashes (field → count) of the minutes or hours starting at these unix seconds, in one round trip. */
  history(resolution: HistoryResolution, starts: readonly number[]): Promise<Record<string, string>[]> {
    return Promise.all(starts.map((start) => this.client.hgetall(resolution === "minute" ? this.keys.historyMinute(start) : this.keys.historyHour(start))));
  }

  /** The cumulative duration buckets (field → value). */
  durations(): Promise<Record<string, string>> {
    return this.client.hgetall(this.keys.durations);
  }
}
