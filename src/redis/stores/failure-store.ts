/**
 * Failed jobs in Ruby Resque's layout, for both of its Redis failure backends: the `failed` list
 * (Resque::Failure::Redis) and RedisMultiQueue's `<queue>_failed` lists named in `failed_queues`.
 * Lists are named without the namespace, as Ruby names them: "failed", "mail_failed".
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";
import { flatRefs, readAfter, refText, sentinel, windowFor, type ListChunk, type ListRef } from "./list-refs.js";

/** The default backend's list. */
export const DEFAULT_FAILED_LIST = "failed";

/** One failed entry to put back on a queue. */
export interface FailedRequeue extends ListRef {
  queue: string;
  /** The queue payload to push (a Buffer: bytes that are not valid UTF-8, kept exactly). */
  payload: string | Buffer;
  /** The entry with retried_at, written in its place ("update" mode only). */
  replacement: string;
}

export class FailureStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Entries in the default `failed` list. */
  count(): Promise<number> {
    return this.client.llen(this.keys.failed);
  }

  /**
   * Every failed list that exists or is named: `failed` first, then the RedisMultiQueue lists of
   * `failed_queues`, sorted, each with its length. One round trip after reading the set.
   */
  async lists(): Promise<{ name: string; size: number }[]> {
    const named = (await this.client.smembers(this.keys.failedQueues)).filter((n) => n !== DEFAULT_FAILED_LIST).sort();
    const names = [DEFAULT_FAILED_LIST, ...named];
    const sizes = await Promise.all(names.map((name) => this.client.llen(this.keys.failedQueue(name))));
    return names.map((name, i) => ({ name, size: sizes[i]! }));
  }

  /** Raw entries of a list from index `start` (0 = oldest), at most `count` of them. */
  range(list: string, start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.lrange(this.keys.failedQueue(list), start, start + count - 1);
  }

  /** The next entries after one read earlier (or from the oldest), wherever the list moved since. */
  after(list: string, anchor: ListRef | undefined, count: number): Promise<ListChunk> {
    return readAfter(this.client, this.keys.failedQueue(list), anchor, count);
  }

  size(list: string): Promise<number> {
    return this.client.llen(this.keys.failedQueue(list));
  }

  get(list: string, index: number): Promise<string | null> {
    return this.client.lindex(this.keys.failedQueue(list), index);
  }

  /** Appends entries to `failed` and counts them in stat:failed (failures recorded outside a worker). */
  async push(entries: readonly string[]): Promise<void> {
    if (entries.length === 0) return;
    await Promise.all([this.client.rpush(this.keys.failed, ...entries), this.client.incrby(this.keys.failedCount, entries.length)]);
  }

  /**
   * Puts failed jobs back on their queues, named by position and bytes: the entries stay with
   * retried_at (`keep`) or are removed. Entries another client changed meanwhile are left alone.
   */
  async requeue(list: string, items: readonly FailedRequeue[], keep: boolean): Promise<{ requeued: number; missing: number }> {
    if (items.length === 0) return { requeued: 0, missing: 0 };
    const args: (string | number | Buffer)[] = [this.keys.prefix, keep ? "update" : "remove", sentinel(), windowFor(items), this.keys.wakeupChannel];
    for (const item of items) args.push(refText(item), item.raw, keep ? item.replacement : "", item.queue, item.payload);
    const [requeued, missing] = (await runScript(this.client, "failedRequeue", [this.keys.failedQueue(list), this.keys.queues], args)) as [number, number];
    return { requeued, missing };
  }

  /** Removes entries named by position and bytes. Returns how many were removed. */
  async remove(list: string, refs: readonly ListRef[]): Promise<number> {
    if (refs.length === 0) return 0;
    return (await runScript(this.client, "failedRemove", [this.keys.failedQueue(list)], [sentinel(), windowFor(refs), ...flatRefs(refs)])) as number;
  }

  /**
   * Empties one failed list (Resque::Failure.clear). UNLINK frees a long list without blocking
   * Redis. A RedisMultiQueue list keeps its name in failed_queues, as Ruby leaves it: a writer
   * between its SADD and RPUSH would otherwise leave an entry in an unnamed list.
   */
  async clear(list: string): Promise<number> {
    const key = this.keys.failedQueue(list);
    const replies = await this.client.multi().llen(key).unlink(key).exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }
}
