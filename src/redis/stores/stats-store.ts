/** Global counters: stat:processed and stat:failed. */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";

export class StatsStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  async totals(): Promise<{ processed: number; failed: number }> {
    const [processed, failed] = await Promise.all([this.client.get(this.keys.processed), this.client.get(this.keys.failedCount)]);
    return { processed: Number(processed ?? 0), failed: Number(failed ?? 0) };
  }
}
