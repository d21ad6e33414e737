/** The `failed` list, in Ruby Resque's format (entries built by src/failure/). */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

export class FailureStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  count(): Promise<number> {
    return this.client.llen(this.keys.failed);
  }

  /** Raw entries from index `start` (0 = oldest), at most `count` of them. */
  range(start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.lrange(this.keys.failed, start, start + count - 1);
  }

  get(index: number): Promise<string | null> {
    return this.client.lindex(this.keys.failed, index);
  }

  /** Appends entries and counts them in stat:failed (for failures recorded outside a worker). */
  async push(entries: readonly string[]): Promise<void> {
    if (entries.length === 0) return;
    await Promise.all([this.client.rpush(this.keys.failed, ...entries), this.client.incrby(this.keys.failedCount, entries.length)]);
  }

  /**
   * Requeues entry `index` if it still reads `expected` (the list may have shifted since it was
   * read): the payload goes to the back of `queue`; the entry is replaced by `updated` (with
   * retried_at) or, when `updated` is null, removed. Returns false when the entry had changed.
   */
  async requeue(index: number, expected: string, updated: string | null, queue: string, payload: string | Buffer): Promise<boolean> {
    const reply = await runScript(
      this.client,
      "failedRequeue",
      [this.keys.failed, this.keys.queues, this.keys.queue(queue)],
      [index, expected, updated === null ? "remove" : "update", updated ?? "", queue, payload, this.keys.wakeupChannel],
    );
    return reply === 1;
  }

  /** Removes entry `index` if it still reads `expected` (Ruby's LSET "" + LREM ""). */
  async remove(index: number, expected: string): Promise<boolean> {
    const reply = await runScript(this.client, "failedRemove", [this.keys.failed], [index, expected]);
    return reply === 1;
  }

  async clear(): Promise<void> {
    await this.client.del(this.keys.failed);
  }
}
